// Runner for shaders/knn.wgsl: k nearest neighbours of given centres, B clouds.
import { MAX_K } from '../geometry/spec';
import { assertCount, assertFinite } from '../geometry/points';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { gridSize, prepareGrid } from './grid';
import { rowDispatch } from './tuning';

export interface KnnShape {
  /** Points per cloud. */
  n: number;
  /** Centres per cloud. */
  s: number;
  k: number;
  clouds: number;
}

export interface KnnIo {
  /** clouds x n x 3 f32. */
  points: GPUBuffer;
  /** clouds x s u32 indices into each cloud. */
  centres: GPUBuffer;
  /** clouds x s x k u32, written. */
  neighbours: GPUBuffer;
}

/** Prepares the grid build and the k-NN dispatch (the grid's buffers are owned by the first). */
export function prepareKnn(ctx: GpuContext, io: KnnIo, shape: KnnShape): Dispatch[] {
  const { n, s, k, clouds } = shape;
  if (k < 1 || k > MAX_K) throw new RangeError(`knn: k must be in 1..${MAX_K}, got ${k}`);
  const wg = ctx.tuning.rowWorkgroup;
  const rows = clouds * s;
  const size = gridSize(n, ctx.tuning.knnPointsPerCell, ctx.tuning.knnMaxGrid);
  const { dispatch: build, grid } = prepareGrid(ctx, io.points, { n, clouds, size });
  const params = uniform(ctx, 'knn params', [
    ['u32', n],
    ['u32', s],
    ['u32', rows],
    ['u32', size],
  ]);
  const pipeline = ctx.pipeline('knn', { WG: wg, K: k });
  const knn: Dispatch = {
    label: 'knn',
    pipeline,
    bindGroup: bindGroup(ctx, 'knn', pipeline, [params, io.points, io.centres, grid.sorted, grid.cellEnd, grid.cellData, io.neighbours]),
    workgroups: rowDispatch(rows, wg, ctx.device.limits.maxComputeWorkgroupsPerDimension),
    owned: [params],
  };
  return [build, knn];
}

/** `createKnn(ctx)(points, n, centres, k)`: B x S x k neighbour indices of B clouds of n points,
 * `centres` holding S indices per cloud. */
export function createKnn(ctx: GpuContext): (points: Float32Array, n: number, centres: Uint32Array, k: number) => Promise<Uint32Array> {
  return async (points, n, centres, k) => {
    assertCount(n, 1, 'knn: points per cloud');
    assertCount(k, 1, 'knn: k');
    if (k > MAX_K) throw new RangeError(`knn: k must be at most ${MAX_K}, got ${k}`);
    if (points.length === 0 || points.length % (3 * n) !== 0) {
      throw new Error(`knn: points has ${points.length} values, not a whole number of clouds of ${n} x 3`);
    }
    assertFinite(points, 'knn');
    const clouds = points.length / (3 * n);
    if (centres.length % clouds !== 0 || centres.length === 0) {
      throw new Error(`knn: ${centres.length} centres do not split evenly over ${clouds} clouds`);
    }
    const bad = centres.findIndex((c) => c >= n);
    if (bad >= 0) throw new RangeError(`knn: centre ${bad} is index ${centres[bad]}, but a cloud has ${n} points`);
    const s = centres.length / clouds;
    const io: KnnIo = {
      points: storageWith(ctx, 'knn points', points),
      centres: storageWith(ctx, 'knn centres', centres),
      neighbours: storage(ctx, 'knn neighbours', centres.length * k * 4),
    };
    let dispatches: Dispatch[] = [];
    try {
      const [out] = await ctx.execute('knn', (rec) => {
        dispatches = prepareKnn(ctx, io, { n, s, k, clouds });
        encodeDispatches(rec.encoder, dispatches, 'knn');
        rec.read(io.neighbours, centres.length * k * 4);
      });
      return new Uint32Array(out);
    } finally {
      destroyDispatches(dispatches);
      for (const b of Object.values(io)) b.destroy();
    }
  };
}
