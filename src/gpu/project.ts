// Runners for shaders/project1d.wgsl and shaders/project2d.wgsl: token centres -> positions on the
// backbone's line (1D) or grid (2D), per cloud.
import { assertFinite, pointCount } from '../geometry/points';
import { posWidth, viewCount, type ProjectionSpec } from '../geometry/spec';
import { bindGroup, storage, storageWith, uniform } from './buffers';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { rowDispatch } from './tuning';

export interface ProjectIo {
  /** clouds x t x 3 f32. */
  tokens: GPUBuffer;
  /** clouds x M x t (1D) or clouds x M x t x 2 (2D) f32, written. */
  pos: GPUBuffer;
}

export function prepareProjection(ctx: GpuContext, io: ProjectIo, shape: { t: number; clouds: number }, projection: ProjectionSpec): Dispatch {
  const wg = ctx.tuning.rowWorkgroup;
  const m = viewCount(projection);
  const rows = shape.clouds * m;
  const table = Float32Array.from((projection.kind === '1d' ? projection.lines : projection.views).flat());
  const owned =
    projection.kind === '1d'
      ? [
          uniform(ctx, 'project1d params', [
            ['u32', shape.t],
            ['u32', m],
            ['u32', rows],
            ['f32', projection.length - 1],
          ]),
          storageWith(ctx, 'project1d lines', table),
        ]
      : [
          uniform(ctx, 'project2d params', [
            ['u32', shape.t],
            ['u32', m],
            ['u32', rows],
            ['f32', projection.distance],
            ['f32', projection.grid - 1],
          ]),
          storageWith(ctx, 'project2d views', table),
        ];
  const kernel = projection.kind === '1d' ? 'project1d' : 'project2d';
  const pipeline = ctx.pipeline(kernel, { WG: wg });
  return {
    label: kernel,
    pipeline,
    bindGroup: bindGroup(ctx, kernel, pipeline, [owned[0], io.tokens, owned[1], io.pos]),
    workgroups: rowDispatch(rows, wg, ctx.device.limits.maxComputeWorkgroupsPerDimension),
    owned,
  };
}

/** `createProject(ctx)(tokens, t, projection)`: positions of B = tokens.length / (3 t) clouds. */
export function createProject(ctx: GpuContext): (tokens: Float32Array, t: number, projection: ProjectionSpec) => Promise<Float32Array> {
  return async (tokens, t, projection) => {
    pointCount(tokens, 'project');
    assertFinite(tokens, 'project');
    if (tokens.length % (3 * t) !== 0) throw new Error(`project: ${tokens.length / 3} tokens are not a whole number of clouds of ${t}`);
    const clouds = tokens.length / (3 * t);
    const bytes = clouds * viewCount(projection) * t * posWidth(projection) * 4;
    const io: ProjectIo = { tokens: storageWith(ctx, 'project tokens', tokens), pos: storage(ctx, 'project pos', bytes) };
    const dispatches: Dispatch[] = [];
    try {
      const [pos] = await ctx.execute(projection.kind === '1d' ? 'project1d' : 'project2d', (rec) => {
        dispatches.push(prepareProjection(ctx, io, { t, clouds }, projection));
        encodeDispatches(rec.encoder, dispatches, 'project');
        rec.read(io.pos, bytes);
      });
      return new Float32Array(pos);
    } finally {
      destroyDispatches(dispatches);
      for (const b of Object.values(io)) b.destroy();
    }
  };
}
