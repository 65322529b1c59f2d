// The per-token part of the geometry stage for a batch of clouds on the GPU: projection -> cells
// (ids, same-cell mask, mean pooling) and voxels (ids, same-voxel mask), all clouds in one
// dispatch per kernel, one command buffer and one readback. Buffers and bind groups are kept for
// the last (clouds, t, projection, v), so warm runs only upload the tokens; the positions never
// leave the GPU between projection and cells.
import { assertCount, assertFinite, pointCount } from '../geometry/points';
import { posWidth, viewCount, type ProjectionSpec } from '../geometry/spec';
import { storage } from './buffers';
import { prepareCells } from './cells';
import type { GpuContext } from './device';
import { destroyDispatches, encodeDispatches, type Dispatch } from './dispatch';
import { prepareProjection } from './project';
import { prepareVoxels } from './voxels';

export interface TokenStageOutput {
  /** clouds x M x t (x 2) positions. */
  pos: Float32Array;
  /** clouds x M x t. */
  cells: Uint32Array;
  /** clouds x M x t x t. */
  cellMask: Float32Array;
  cellMean: Float32Array;
  /** clouds x t. */
  voxels: Uint32Array;
  /** clouds x t x t. */
  voxelMask: Float32Array;
}

export interface TokenStage {
  /** tokens: clouds x t x 3 token centres; v: voxels per axis. */
  run(tokens: Float32Array, t: number, projection: ProjectionSpec, v: number): Promise<TokenStageOutput>;
  dispose(): void;
}

interface Plan {
  key: string;
  tokens: GPUBuffer;
  /** The outputs in TokenStageOutput order, with their byte sizes. */
  reads: [GPUBuffer, number][];
  buffers: GPUBuffer[];
  dispatches: Dispatch[];
}

export function createTokenStage(ctx: GpuContext): TokenStage {
  let plan: Plan | null = null;

  function planFor(clouds: number, t: number, projection: ProjectionSpec, v: number): Plan {
    const key = `${clouds}|${t}|${v}|${JSON.stringify(projection)}`;
    if (plan?.key === key) return plan;
    if (plan) destroyPlan(plan);
    plan = null;
    const buffers: GPUBuffer[] = [];
    const dispatches: Dispatch[] = [];
    const buffer = (label: string, bytes: number): [GPUBuffer, number] => {
      const b = storage(ctx, label, bytes);
      buffers.push(b);
      return [b, bytes];
    };
    try {
      const rows = clouds * viewCount(projection) * t;
      const [tokens] = buffer('token stage tokens', clouds * t * 12);
      const pos = buffer('token stage pos', rows * posWidth(projection) * 4);
      const cells = buffer('token stage cells', rows * 4);
      const cellMask = buffer('token stage cell mask', rows * t * 4);
      const cellMean = buffer('token stage cell mean', rows * t * 4);
      const voxels = buffer('token stage voxels', clouds * t * 4);
      const voxelMask = buffer('token stage voxel mask', clouds * t * t * 4);
      dispatches.push(prepareProjection(ctx, { tokens, pos: pos[0] }, { t, clouds }, projection));
      dispatches.push(prepareCells(ctx, { pos: pos[0], cells: cells[0], mask: cellMask[0], mean: cellMean[0] }, { t, clouds }, projection));
      dispatches.push(prepareVoxels(ctx, { tokens, voxels: voxels[0], mask: voxelMask[0] }, { t, clouds, v }));
      plan = { key, tokens, reads: [pos, cells, cellMask, cellMean, voxels, voxelMask], buffers, dispatches };
      return plan;
    } catch (error) {
      destroyDispatches(dispatches);
      for (const b of buffers) b.destroy();
      throw error;
    }
  }

  return {
    async run(tokens, t, projection, v) {
      pointCount(tokens, 'token stage');
      assertFinite(tokens, 'token stage');
      assertCount(t, 1, 'token stage: tokens per cloud');
      assertCount(v, 1, 'token stage: voxels per axis');
      if (tokens.length % (3 * t) !== 0) throw new Error(`token stage: ${tokens.length / 3} tokens are not a whole number of clouds of ${t}`);
      ctx.assertAlive();
      const p = planFor(tokens.length / (3 * t), t, projection, v);
      ctx.device.queue.writeBuffer(p.tokens, 0, tokens.buffer, tokens.byteOffset, tokens.byteLength);
      const [pos, cells, cellMask, cellMean, voxels, voxelMask] = await ctx.execute('token stage', (rec) => {
        encodeDispatches(rec.encoder, p.dispatches, 'token stage');
        for (const [buffer, bytes] of p.reads) rec.read(buffer, bytes);
      });
      return {
        pos: new Float32Array(pos),
        cells: new Uint32Array(cells),
        cellMask: new Float32Array(cellMask),
        cellMean: new Float32Array(cellMean),
        voxels: new Uint32Array(voxels),
        voxelMask: new Float32Array(voxelMask),
      };
    },
    dispose() {
      if (plan) destroyPlan(plan);
      plan = null;
    },
  };
}

function destroyPlan(plan: Plan): void {
  destroyDispatches(plan.dispatches);
  for (const b of plan.buffers) b.destroy();
}
