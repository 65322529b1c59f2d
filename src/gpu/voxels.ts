// Runner for shaders/voxels.wgsl: voxel ids of the token centres and the same-voxel mask.
import { assertCount, assertFinite, pointCount } from '../geometry/points';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { rowDispatch } from './tuning';

export interface VoxelsIo {
  /** clouds x t x 3 f32. */
  tokens: GPUBuffer;
  /** clouds x t u32, written. */
  voxels: GPUBuffer;
  /** clouds x t x t f32, written. */
  mask: GPUBuffer;
}

export function prepareVoxels(ctx: GpuContext, io: VoxelsIo, shape: { t: number; clouds: number; v: number }): Dispatch {
  const wg = ctx.tuning.rowWorkgroup;
  const rows = shape.clouds * shape.t;
  const params = uniform(ctx, 'voxels params', [
    ['u32', shape.t],
    ['u32', rows],
    ['u32', shape.v],
  ]);
  const pipeline = ctx.pipeline('voxels', { WG: wg });
  return {
    label: 'voxels',
    pipeline,
    bindGroup: bindGroup(ctx, 'voxels', pipeline, [params, io.tokens, io.voxels, io.mask]),
    workgroups: rowDispatch(rows, wg, ctx.device.limits.maxComputeWorkgroupsPerDimension),
    owned: [params],
  };
}

/** `createVoxels(ctx)(tokens, t, v)`: voxel ids (B x t) and mask (B x t x t). */
export function createVoxels(ctx: GpuContext): (tokens: Float32Array, t: number, v: number) => Promise<{ voxels: Uint32Array; mask: Float32Array }> {
  return async (tokens, t, v) => {
    pointCount(tokens, 'voxels');
    assertFinite(tokens, 'voxels');
    assertCount(v, 1, 'voxels: voxels per axis');
    if (tokens.length % (3 * t) !== 0) throw new Error(`voxels: ${tokens.length / 3} tokens are not a whole number of clouds of ${t}`);
    const rows = tokens.length / 3;
    const io: VoxelsIo = {
      tokens: storageWith(ctx, 'voxels tokens', tokens),
      voxels: storage(ctx, 'voxels ids', rows * 4),
      mask: storage(ctx, 'voxels mask', rows * t * 4),
    };
    const dispatches: Dispatch[] = [];
    try {
      const [voxels, mask] = await ctx.execute('voxels', (rec) => {
        dispatches.push(prepareVoxels(ctx, io, { t, clouds: rows / t, v }));
        encodeDispatches(rec.encoder, dispatches, 'voxels');
        rec.read(io.voxels, rows * 4);
        rec.read(io.mask, rows * t * 4);
      });
      return { voxels: new Uint32Array(voxels), mask: new Float32Array(mask) };
    } finally {
      destroyDispatches(dispatches);
      for (const b of Object.values(io)) b.destroy();
    }
  };
}
