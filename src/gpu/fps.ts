// Runner for shaders/fps.wgsl: farthest point sampling of B clouds, one workgroup per cloud, on a
// spatial grid built by shaders/grid.wgsl in the same pass.
import { assertCount, assertFinite } from '../geometry/points';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { gridBytesPerCloud, gridSize, prepareGrid } from './grid';

export interface FpsShape {
  /** Points per cloud. */
  n: number;
  /** Samples per cloud. */
  s: number;
  clouds: number;
}

export interface FpsIo {
  /** clouds x n x 3 f32. */
  points: GPUBuffer;
  /** clouds x s u32, written. */
  indices: GPUBuffer;
  /** clouds x s x 3 f32, written: the chosen points (the next stage's cloud). */
  centres: GPUBuffer;
}

/** vec4s per cloud of the block table: blocks, superblocks and every lane's best in each. */
function blockVec4s(ctx: GpuContext, size: number): number {
  const cells = size ** 3;
  const supers = Math.ceil(cells / ctx.tuning.fpsSuperblock);
  return 2 * cells + 2 * supers + (cells + supers) * ctx.tuning.fpsWorkgroup;
}

function fpsGridSize(ctx: GpuContext, n: number): number {
  return gridSize(n, ctx.tuning.fpsPointsPerBlock, ctx.tuning.fpsMaxGrid);
}

/** Clouds of `n` points one FPS dispatch can take on this device. */
export function fpsCloudsPerDispatch(ctx: GpuContext, n: number, s: number): number {
  const size = fpsGridSize(ctx, n);
  const perCloud = Math.max(gridBytesPerCloud(n, size), blockVec4s(ctx, size) * 16, n * 12, s * 12);
  const limits = ctx.device.limits;
  return Math.max(0, Math.min(limits.maxComputeWorkgroupsPerDimension, Math.floor(limits.maxStorageBufferBindingSize / perCloud)));
}

/** Prepares the grid build and the FPS dispatch (their scratch buffers are owned by them). */
export function prepareFps(ctx: GpuContext, io: FpsIo, shape: FpsShape): Dispatch[] {
  const { n, s, clouds } = shape;
  if (clouds > fpsCloudsPerDispatch(ctx, n, s)) {
    throw new RangeError(`fps: ${clouds} clouds of ${n} points exceed one dispatch on this device (max ${fpsCloudsPerDispatch(ctx, n, s)})`);
  }
  const size = fpsGridSize(ctx, n);
  const { dispatch: build, grid } = prepareGrid(ctx, io.points, { n, clouds, size });
  const owned = [
    uniform(ctx, 'fps params', [
      ['u32', n],
      ['u32', s],
      ['u32', size],
    ]),
    storage(ctx, 'fps distances', clouds * n * 4),
    storage(ctx, 'fps blocks', clouds * blockVec4s(ctx, size) * 16),
  ];
  const [params, dist, blocks] = owned;
  const pipeline = ctx.pipeline('fps', { WG: ctx.tuning.fpsWorkgroup, SB: ctx.tuning.fpsSuperblock });
  const fps: Dispatch = {
    label: 'fps',
    pipeline,
    bindGroup: bindGroup(ctx, 'fps', pipeline, [params, io.points, grid.sorted, grid.cellEnd, grid.cellData, dist, blocks, io.indices, io.centres]),
    workgroups: [clouds, 1],
    owned,
  };
  return [build, fps];
}

export interface FpsResult {
  /** clouds x s indices. */
  indices: Uint32Array;
  /** clouds x s x 3 chosen points. */
  centres: Float32Array;
}

/** FPS of B = points.length / (3 n) clouds of n points each, s samples per cloud. */
export async function runFps(ctx: GpuContext, points: Float32Array, n: number, s: number): Promise<FpsResult> {
  assertCount(n, 1, 'fps: points per cloud');
  assertCount(s, 1, 'fps: sample count');
  if (points.length === 0 || points.length % (3 * n) !== 0) {
    throw new Error(`fps: points has ${points.length} values, not a whole number of clouds of ${n} x 3`);
  }
  assertFinite(points, 'fps');
  const clouds = points.length / (3 * n);
  const perDispatch = fpsCloudsPerDispatch(ctx, n, s);
  if (perDispatch < 1) throw new RangeError(`fps: a cloud of ${n} points does not fit this device's storage binding limit`);
  const indices = new Uint32Array(clouds * s);
  const centres = new Float32Array(clouds * s * 3);
  for (let first = 0; first < clouds; first += perDispatch) {
    const count = Math.min(perDispatch, clouds - first);
    const io: FpsIo = {
      points: storageWith(ctx, 'fps points', points.subarray(first * n * 3, (first + count) * n * 3)),
      indices: storage(ctx, 'fps indices', count * s * 4),
      centres: storage(ctx, 'fps centres', count * s * 12),
    };
    let dispatches: Dispatch[] = [];
    try {
      const [idx, xyz] = await ctx.execute('fps', (rec) => {
        dispatches = prepareFps(ctx, io, { n, s, clouds: count });
        encodeDispatches(rec.encoder, dispatches, 'fps');
        rec.read(io.indices, count * s * 4);
        rec.read(io.centres, count * s * 12);
      });
      indices.set(new Uint32Array(idx), first * s);
      centres.set(new Float32Array(xyz), first * s * 3);
    } finally {
      destroyDispatches(dispatches);
      for (const b of Object.values(io)) b.destroy();
    }
  }
  return { indices, centres };
}

/** `createFps(ctx)(points, n, s)`: FPS indices (B x s) of B clouds of n points. */
export function createFps(ctx: GpuContext): (points: Float32Array, n: number, s: number) => Promise<Uint32Array> {
  return async (points, n, s) => (await runFps(ctx, points, n, s)).indices;
}
