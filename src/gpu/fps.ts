// Runner for shaders/fps.wgsl: farthest point sampling of B clouds, one workgroup per cloud.
import { assertCount, assertFinite } from '../geometry/points';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { fpsGrid } from './tuning';

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

const BLOCK_BYTES = 48;
const BEST_BYTES = 8;

/** Bytes per cloud of the largest buffer the kernel binds, to split big batches. */
function bytesPerCloud(ctx: GpuContext, n: number, s: number): number {
  const cells = fpsGrid(n, ctx.tuning) ** 3;
  return Math.max(n * 16, cells * ctx.tuning.fpsWorkgroup * BEST_BYTES, cells * BLOCK_BYTES, s * 12);
}

/** Clouds of `n` points one FPS dispatch can take on this device. */
export function fpsCloudsPerDispatch(ctx: GpuContext, n: number, s: number): number {
  const limits = ctx.device.limits;
  return Math.max(0, Math.min(limits.maxComputeWorkgroupsPerDimension, Math.floor(limits.maxStorageBufferBindingSize / bytesPerCloud(ctx, n, s))));
}

/** Prepares one FPS dispatch (scratch and uniform are owned by it). */
export function prepareFps(ctx: GpuContext, io: FpsIo, shape: FpsShape): Dispatch {
  const { n, s, clouds } = shape;
  const wg = ctx.tuning.fpsWorkgroup;
  if (clouds > fpsCloudsPerDispatch(ctx, n, s)) {
    throw new RangeError(`fps: ${clouds} clouds of ${n} points exceed one dispatch on this device (max ${fpsCloudsPerDispatch(ctx, n, s)})`);
  }
  const grid = fpsGrid(n, ctx.tuning);
  const cells = grid ** 3;
  const owned = [
    uniform(ctx, 'fps params', [
      ['u32', n],
      ['u32', s],
      ['u32', grid],
    ]),
    storage(ctx, 'fps sorted points', clouds * n * 16),
    storage(ctx, 'fps sorted indices', clouds * n * 4),
    storage(ctx, 'fps blocks', clouds * cells * BLOCK_BYTES),
    storage(ctx, 'fps counters', clouds * cells * 4),
    storage(ctx, 'fps lane bests', clouds * cells * wg * BEST_BYTES),
  ];
  const pipeline = ctx.pipeline('fps', { WG: wg });
  const [params, ...scratch] = owned;
  return {
    label: 'fps',
    pipeline,
    bindGroup: bindGroup(ctx, 'fps', pipeline, [params, io.points, io.indices, io.centres, ...scratch]),
    workgroups: [clouds, 1],
    owned,
  };
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
    const dispatch = prepareFps(ctx, io, { n, s, clouds: count });
    try {
      const [idx, xyz] = await ctx.execute('fps', (rec) => {
        encodeDispatches(rec.encoder, [dispatch], 'fps');
        rec.read(io.indices, count * s * 4);
        rec.read(io.centres, count * s * 12);
      });
      indices.set(new Uint32Array(idx), first * s);
      centres.set(new Float32Array(xyz), first * s * 3);
    } finally {
      destroyDispatches([dispatch]);
      for (const b of Object.values(io)) b.destroy();
    }
  }
  return { indices, centres };
}

/** `createFps(ctx)(points, n, s)`: FPS indices (B x s) of B clouds of n points. */
export function createFps(ctx: GpuContext): (points: Float32Array, n: number, s: number) => Promise<Uint32Array> {
  return async (points, n, s) => (await runFps(ctx, points, n, s)).indices;
}
