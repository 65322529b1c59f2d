// Runner for shaders/cells.wgsl: cell ids, same-cell mask and mean-pooling matrix per view.
import { cellsPerAxis, posWidth, viewCount, type ProjectionSpec } from '../geometry/spec';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { rowDispatch } from './tuning';

export interface CellsIo {
  /** clouds x M x t (x 2) f32 positions. */
  pos: GPUBuffer;
  /** clouds x M x t u32, written. */
  cells: GPUBuffer;
  /** clouds x M x t x t f32, written. */
  mask: GPUBuffer;
  /** clouds x M x t x t f32, written. */
  mean: GPUBuffer;
}

export interface CellsResult {
  cells: Uint32Array;
  mask: Float32Array;
  mean: Float32Array;
}

export function prepareCells(ctx: GpuContext, io: CellsIo, shape: { t: number; clouds: number }, projection: ProjectionSpec): Dispatch {
  const wg = ctx.tuning.rowWorkgroup;
  const rows = shape.clouds * viewCount(projection) * shape.t;
  const params = uniform(ctx, 'cells params', [
    ['u32', shape.t],
    ['u32', rows],
    ['u32', cellsPerAxis(projection)],
    ['f32', projection.cell],
  ]);
  const pipeline = ctx.pipeline('cells', { WG: wg, DIMS: posWidth(projection) });
  return {
    label: 'cells',
    pipeline,
    bindGroup: bindGroup(ctx, 'cells', pipeline, [params, io.pos, io.cells, io.mask, io.mean]),
    workgroups: rowDispatch(rows, wg, ctx.device.limits.maxComputeWorkgroupsPerDimension),
    owned: [params],
  };
}

/** `createCells(ctx)(pos, t, projection)`: cells and pooling operators of B clouds of t tokens. */
export function createCells(ctx: GpuContext): (pos: Float32Array, t: number, projection: ProjectionSpec) => Promise<CellsResult> {
  return async (pos, t, projection) => {
    const perCloud = viewCount(projection) * t * posWidth(projection);
    if (pos.length === 0 || pos.length % perCloud !== 0) throw new Error(`cells: ${pos.length} positions are not a whole number of clouds of ${perCloud}`);
    const clouds = pos.length / perCloud;
    const rows = clouds * viewCount(projection) * t;
    const io: CellsIo = {
      pos: storageWith(ctx, 'cells pos', pos),
      cells: storage(ctx, 'cells ids', rows * 4),
      mask: storage(ctx, 'cells mask', rows * t * 4),
      mean: storage(ctx, 'cells mean', rows * t * 4),
    };
    const dispatches: Dispatch[] = [];
    try {
      const [cells, mask, mean] = await ctx.execute('cells', (rec) => {
        dispatches.push(prepareCells(ctx, io, { t, clouds }, projection));
        encodeDispatches(rec.encoder, dispatches, 'cells');
        rec.read(io.cells, rows * 4);
        rec.read(io.mask, rows * t * 4);
        rec.read(io.mean, rows * t * 4);
      });
      return { cells: new Uint32Array(cells), mask: new Float32Array(mask), mean: new Float32Array(mean) };
    } finally {
      destroyDispatches(dispatches);
      for (const b of Object.values(io)) b.destroy();
    }
  };
}
