// Runner side of shaders/grid.wgsl: the spatial grid FPS and k-NN prune with. A grid is built per
// cloud set and resolution; its buffers belong to the dispatch that builds it.
import { bindGroup, storage, uniform } from './buffers';
import type { GpuContext } from './device';
import type { Dispatch } from './dispatch';

export interface Grid {
  /** Cells per axis. */
  size: number;
  /** clouds x n vec4: x, y, z, bitcast(original index), sorted by cell. */
  sorted: GPUBuffer;
  /** clouds x size^3 u32: end of every cell in `sorted`. */
  cellEnd: GPUBuffer;
  /** clouds x (2 + 2 size^3) vec4: grid origin and scale, then every cell's bounding box. */
  cellData: GPUBuffer;
}

/** Cells per axis for n points and a target of `perCell` points per cell, at most `max`. */
export function gridSize(n: number, perCell: number, max: number): number {
  return Math.max(1, Math.min(max, Math.round(Math.cbrt(n / perCell))));
}

/** Bytes per cloud of the largest grid buffer. */
export function gridBytesPerCloud(n: number, size: number): number {
  return Math.max(n * 16, (2 + 2 * size ** 3) * 16);
}

/** Prepares the grid build of `clouds` clouds of n points held in `points`. */
export function prepareGrid(ctx: GpuContext, points: GPUBuffer, shape: { n: number; clouds: number; size: number }): { dispatch: Dispatch; grid: Grid } {
  const { n, clouds, size } = shape;
  const cells = size ** 3;
  const params = uniform(ctx, 'grid params', [
    ['u32', n],
    ['u32', size],
  ]);
  const grid: Grid = {
    size,
    sorted: storage(ctx, 'grid sorted points', clouds * n * 16),
    cellEnd: storage(ctx, 'grid cell ends', clouds * cells * 4),
    cellData: storage(ctx, 'grid cell boxes', clouds * (2 + 2 * cells) * 16),
  };
  const pipeline = ctx.pipeline('grid', { WG: ctx.tuning.gridWorkgroup });
  const dispatch: Dispatch = {
    label: 'grid',
    pipeline,
    bindGroup: bindGroup(ctx, 'grid', pipeline, [params, points, grid.sorted, grid.cellEnd, grid.cellData]),
    workgroups: [clouds, 1],
    owned: [params, grid.sorted, grid.cellEnd, grid.cellData],
  };
  return { dispatch, grid };
}
