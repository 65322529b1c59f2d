// src/gpu/tokenStage.ts (projection -> cells -> voxels for a batch, one submit) against the CPU
// twins cloud by cloud, and its plan reuse across calls of different shapes.
import { describe, expect, it } from 'vitest';
import { cellIds, meanPooling, sameIdMask } from '../../src/geometry/cells';
import { project1d, project2d } from '../../src/geometry/project';
import { voxelIds } from '../../src/geometry/voxels';
import { createTokenStage } from '../../src/gpu/tokenStage';
import { latticeCloud, sphereCloud, uniformCloud } from '../geometry/clouds';
import { SPEC_1D, SPEC_2D } from '../geometry/specs';
import { nodeGpu } from './node-gpu';

const T = 64;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('token stage (batched projection, cells, voxels) = CPU twins', () => {
  for (const [name, spec] of [
    ['1D', SPEC_1D],
    ['2D', SPEC_2D],
  ] as const) {
    it(`${name}: every output of every cloud in a batch of 5`, async () => {
      const ctx = await nodeGpu();
      const stage = createTokenStage(ctx);
      try {
        const parts = [uniformCloud(T, 1), sphereCloud(T, 2), latticeCloud(T, 3, 3), uniformCloud(T, 4), sphereCloud(T, 5)];
        const tokens = new Float32Array(parts.length * T * 3);
        parts.forEach((p, b) => tokens.set(p, b * T * 3));
        // Twice with different shapes, then the first again: plans are rebuilt, not mixed up.
        await stage.run(tokens.subarray(0, 2 * T * 3), T, spec.projection, spec.voxels);
        const gpu = await stage.run(tokens, T, spec.projection, spec.voxels);
        const split = (a: Float32Array | Uint32Array, b: number) => a.subarray((b * a.length) / parts.length, ((b + 1) * a.length) / parts.length);
        parts.forEach((p, b) => {
          const q = spec.projection;
          const pos = q.kind === '1d' ? project1d(p, q.lines, q.length) : project2d(p, q.views, q.distance, q.grid);
          const gpuPos = split(gpu.pos, b) as Float32Array;
          // The same tolerance as the projection kernel's own test; cells of the GPU's positions
          // must then agree exactly (the positions stay on the GPU between the two kernels).
          expect(maxAbsDiff(gpuPos, pos)).toBeLessThanOrEqual(1e-5);
          const ids = cellIds(gpuPos, q);
          expect(split(gpu.cells, b)).toEqual(ids);
          expect(split(gpu.cellMask, b)).toEqual(sameIdMask(ids, T));
          expect(maxAbsDiff(split(gpu.cellMean, b) as Float32Array, meanPooling(sameIdMask(ids, T), T))).toBeLessThanOrEqual(1e-7);
          const voxels = voxelIds(p, spec.voxels);
          expect(split(gpu.voxels, b)).toEqual(voxels);
          expect(split(gpu.voxelMask, b)).toEqual(sameIdMask(voxels, T));
        });
      } finally {
        stage.dispose();
      }
    });
  }
});
