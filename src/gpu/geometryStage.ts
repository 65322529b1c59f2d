// The whole geometry stage on the GPU (docs/geometry.md): optional FPS resample -> tokenizer
// stages (FPS + k-NN) -> projection -> cells -> voxels, recorded into one command buffer with
// one readback. Buffers and bind groups are kept for the last shape, so warm runs only upload
// the points.
import { normalise, resample } from '../geometry/normalise';
import type { GeometryOptions } from '../geometry/cpuPipeline';
import { assertFinite, pointCount } from '../geometry/points';
import { posWidth, tokenCount, viewCount, type GeometryOutput, type GeometrySpec } from '../geometry/spec';
import { storage } from './buffers';
import { prepareCells } from './cells';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { fpsCloudsPerDispatch, prepareFps } from './fps';
import { prepareKnn } from './knn';
import { prepareProjection } from './project';
import { prepareVoxels } from './voxels';

/** One ONNX input left on the GPU, in the `{ gpuBuffer, type, dims }` form onnxruntime-web's
 * WebGPU execution provider takes (docs/geometry.md "ONNX inputs, in order"). Indices are u32 on
 * the GPU and < 2^31, so their bits are the int32 the model expects. */
export interface GpuTensorInput {
  name: string;
  gpuBuffer: GPUBuffer;
  type: 'float32' | 'int32';
  dims: number[];
}

/** The ONNX inputs on the GPU, and the two small arrays the page draws (read back). */
export interface GpuGeometryBuffers {
  inputs: GpuTensorInput[];
  /** Token centres, T x 3, in the normalised frame. */
  tokens: Float32Array;
  /** Token positions on the backbone's grid, M x T (1D) or M x T x 2 (2D). */
  pos: Float32Array;
}

export interface GpuGeometry {
  /** B clouds, already normalised and resampled to `spec.points` (B x N_in x 3). */
  run(points: Float32Array, spec: GeometrySpec): Promise<GeometryOutput>;
  /** One raw cloud of any size: normalised on the CPU, resampled by GPU FPS when N > N_in. */
  runCloud(points: Float32Array, spec: GeometrySpec, options?: GeometryOptions): Promise<GeometryOutput>;
  /** Like runCloud, but reads nothing back: the ONNX inputs stay in GPU buffers on this
   * context's device, in input order. The buffers belong to this GpuGeometry: the next run
   * overwrites them and dispose() (or a run of another shape) destroys them, so hand them to the
   * session before the next call. Only the token centres and positions (a few kB, for drawing)
   * are read back. */
  runCloudToBuffers(points: Float32Array, spec: GeometrySpec, options?: GeometryOptions): Promise<GpuGeometryBuffers>;
  dispose(): void;
}

interface Read {
  buffer: GPUBuffer;
  bytes: number;
}

interface Plan {
  key: string;
  /** Where the points are uploaded: B x nInput x 3. */
  input: GPUBuffer;
  dispatches: Dispatch[];
  buffers: GPUBuffer[];
  /** X0 when the plan resamples on the GPU. */
  resampled: Read | null;
  stages: { fps: Read; knn: Read }[];
  tokens: Read;
  pos: Read;
  cells: Read;
  cellMask: Read;
  cellMean: Read;
  voxels: Read;
  voxelMask: Read;
}

export function createGeometry(ctx: GpuContext): GpuGeometry {
  let plan: Plan | null = null;

  async function planFor(spec: GeometrySpec, batch: number, nInput: number): Promise<Plan> {
    const key = `${batch}|${nInput}|${JSON.stringify(spec)}`;
    if (plan?.key === key) return plan;
    if (plan) destroyPlan(plan);
    plan = null;
    plan = await ctx.scoped('geometry setup', () => buildPlan(ctx, spec, batch, nInput, key), destroyPlan);
    return plan;
  }

  async function execute(p: Plan, points: Float32Array, batch: number, spec: GeometrySpec): Promise<GeometryOutput> {
    ctx.assertAlive();
    ctx.device.queue.writeBuffer(p.input, 0, points.buffer, points.byteOffset, points.byteLength);
    const reads: Read[] = [...(p.resampled ? [p.resampled] : []), ...p.stages.flatMap((s) => [s.fps, s.knn]), p.tokens, p.pos, p.cells, p.cellMask, p.cellMean, p.voxels, p.voxelMask];
    const bytes = await ctx.execute('geometry', (rec) => {
      encodeDispatches(rec.encoder, p.dispatches);
      for (const r of reads) rec.read(r.buffer, r.bytes);
    });
    let next = 0;
    const f32 = () => new Float32Array(bytes[next++]);
    const u32 = () => new Uint32Array(bytes[next++]);
    const x0 = p.resampled ? f32() : points;
    const stages = spec.stages.map(() => ({ fps: u32(), knn: u32() }));
    return { batch, points: x0, stages, tokens: f32(), pos: f32(), cells: u32(), cellMask: f32(), cellMean: f32(), voxels: u32(), voxelMask: f32() };
  }

  async function toBuffers(p: Plan, points: Float32Array, spec: GeometrySpec): Promise<GpuGeometryBuffers> {
    ctx.assertAlive();
    ctx.device.queue.writeBuffer(p.input, 0, points.buffer, points.byteOffset, points.byteLength);
    const [tokens, pos] = await ctx.execute('geometry to buffers', (rec) => {
      encodeDispatches(rec.encoder, p.dispatches);
      rec.read(p.tokens.buffer, p.tokens.bytes);
      rec.read(p.pos.buffer, p.pos.bytes);
    });
    const t = tokenCount(spec);
    const m = viewCount(spec.projection);
    const pr = spec.projection;
    const inputs: GpuTensorInput[] = [
      { name: 'points', gpuBuffer: p.resampled ? p.resampled.buffer : p.input, type: 'float32', dims: [1, spec.points, 3] },
      ...spec.stages.flatMap((stage, i): GpuTensorInput[] => [
        { name: `fps_${i + 1}`, gpuBuffer: p.stages[i].fps.buffer, type: 'int32', dims: [1, stage.centers] },
        { name: `knn_${i + 1}`, gpuBuffer: p.stages[i].knn.buffer, type: 'int32', dims: [1, stage.centers, stage.k] },
      ]),
      { name: 'pos', gpuBuffer: p.pos.buffer, type: 'float32', dims: pr.kind === '1d' ? [1, m, t] : [1, m, t, 2] },
      { name: 'cell_mask', gpuBuffer: p.cellMask.buffer, type: 'float32', dims: [1, m, t, t] },
      { name: 'voxel_mask', gpuBuffer: p.voxelMask.buffer, type: 'float32', dims: [1, t, t] },
    ];
    return { inputs, tokens: new Float32Array(tokens), pos: new Float32Array(pos) };
  }

  return {
    async run(points, spec) {
      pointCount(points, 'geometry');
      assertFinite(points, 'geometry');
      const per = spec.points * 3;
      if (points.length % per !== 0) {
        throw new Error(`geometry: ${points.length / 3} points are not a whole number of clouds of ${spec.points} (geometry.points)`);
      }
      const batch = points.length / per;
      return execute(await planFor(spec, batch, spec.points), points, batch, spec);
    },
    async runCloud(points, spec, options = {}) {
      const x = normalise(points, options.up ?? 'z');
      const n = x.length / 3;
      if (n <= spec.points) return this.run(resample(x, spec.points, options.grow), spec);
      return execute(await planFor(spec, 1, n), x, 1, spec);
    },
    async runCloudToBuffers(points, spec, options = {}) {
      const x = normalise(points, options.up ?? 'z');
      const n = x.length / 3;
      const input = n <= spec.points ? resample(x, spec.points, options.grow) : x;
      assertFinite(input, 'geometry');
      return toBuffers(await planFor(spec, 1, Math.max(n, spec.points)), input, spec);
    },
    dispose() {
      if (plan) destroyPlan(plan);
      plan = null;
    },
  };
}

function buildPlan(ctx: GpuContext, spec: GeometrySpec, batch: number, nInput: number, key: string): Plan {
  const buffers: GPUBuffer[] = [];
  const dispatches: Dispatch[] = [];
  const buffer = (label: string, bytes: number) => {
    const b = storage(ctx, label, bytes);
    buffers.push(b);
    return b;
  };
  try {
    const nIn = spec.points;
    if (fpsCloudsPerDispatch(ctx, Math.max(nIn, nInput), spec.points) < batch) {
      throw new RangeError(`geometry: a batch of ${batch} clouds of ${nInput} points is too large for one pass on this device; split it`);
    }
    const input = buffer('geometry input', batch * nInput * 12);
    let x = input;
    let resampled: Read | null = null;
    if (nInput > nIn) {
      const indices = buffer('resample indices', batch * nIn * 4);
      x = buffer('resampled points', batch * nIn * 12);
      dispatches.push(...prepareFps(ctx, { points: input, indices, centres: x }, { n: nInput, s: nIn, clouds: batch }));
      resampled = { buffer: x, bytes: batch * nIn * 12 };
    }
    let n = nIn;
    const stages: Plan['stages'] = [];
    for (const [t, stage] of spec.stages.entries()) {
      const s = stage.centers;
      const indices = buffer(`fps_${t + 1}`, batch * s * 4);
      const centres = buffer(`centres_${t + 1}`, batch * s * 12);
      const neighbours = buffer(`knn_${t + 1}`, batch * s * stage.k * 4);
      dispatches.push(...prepareFps(ctx, { points: x, indices, centres }, { n, s, clouds: batch }));
      dispatches.push(...prepareKnn(ctx, { points: x, centres: indices, neighbours }, { n, s, k: stage.k, clouds: batch }));
      stages.push({ fps: { buffer: indices, bytes: batch * s * 4 }, knn: { buffer: neighbours, bytes: batch * s * stage.k * 4 } });
      x = centres;
      n = s;
    }
    const t = tokenCount(spec);
    const m = viewCount(spec.projection);
    const posBytes = batch * m * t * posWidth(spec.projection) * 4;
    const pos = buffer('pos', posBytes);
    const cells = buffer('cells', batch * m * t * 4);
    const cellMask = buffer('cell_mask', batch * m * t * t * 4);
    const cellMean = buffer('cell_mean', batch * m * t * t * 4);
    const voxels = buffer('voxels', batch * t * 4);
    const voxelMask = buffer('voxel_mask', batch * t * t * 4);
    dispatches.push(prepareProjection(ctx, { tokens: x, pos }, { t, clouds: batch }, spec.projection));
    dispatches.push(prepareCells(ctx, { pos, cells, mask: cellMask, mean: cellMean }, { t, clouds: batch }, spec.projection));
    dispatches.push(prepareVoxels(ctx, { tokens: x, voxels, mask: voxelMask }, { t, clouds: batch, v: spec.voxels }));
    return {
      key,
      input,
      dispatches,
      buffers,
      resampled,
      stages,
      tokens: { buffer: x, bytes: batch * t * 12 },
      pos: { buffer: pos, bytes: posBytes },
      cells: { buffer: cells, bytes: batch * m * t * 4 },
      cellMask: { buffer: cellMask, bytes: batch * m * t * t * 4 },
      cellMean: { buffer: cellMean, bytes: batch * m * t * t * 4 },
      voxels: { buffer: voxels, bytes: batch * t * 4 },
      voxelMask: { buffer: voxelMask, bytes: batch * t * t * 4 },
    };
  } catch (error) {
    destroyDispatches(dispatches);
    for (const b of buffers) b.destroy();
    throw error;
  }
}

function destroyPlan(plan: Plan): void {
  destroyDispatches(plan.dispatches);
  for (const b of plan.buffers) b.destroy();
}
