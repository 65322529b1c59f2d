// shaders/project1d.wgsl, project2d.wgsl, cells.wgsl and voxels.wgsl against their CPU twins.
import { describe, expect, it } from 'vitest';
import { cellIds, meanPooling, sameIdMask } from '../../src/geometry/cells';
import { project1d, project2d } from '../../src/geometry/project';
import type { ProjectionSpec } from '../../src/geometry/spec';
import { voxelIds } from '../../src/geometry/voxels';
import { createCells } from '../../src/gpu/cells';
import { createProject } from '../../src/gpu/project';
import { createVoxels } from '../../src/gpu/voxels';
import { collinearCloud, identicalCloud, latticeCloud, planarCloud, sphereCloud, uniformCloud } from '../geometry/clouds';
import { SPEC_1D, SPEC_2D } from '../geometry/specs';
import { nodeGpu } from './node-gpu';

const T = 64;
const clouds: [string, Float32Array][] = [
  ['uniform', uniformCloud(T, 1)],
  ['sphere', sphereCloud(T, 2)],
  ['lattice (ties)', latticeCloud(T, 3, 3)],
  ['all identical', identicalCloud(T)],
  ['collinear', collinearCloud(T, 4)],
  ['planar', planarCloud(T, 5)],
  ['axis-aligned plane z = 0', planarCloud(T, 6).map((v, i) => (i % 3 === 2 ? 0 : v))],
];
const projections: [string, ProjectionSpec][] = [
  ['1D L=128 cell 16', SPEC_1D.projection],
  ['2D G=7 cell 2', SPEC_2D.projection],
  ['1D L=98 cell 7', { ...SPEC_1D.projection, length: 98, cell: 7 } as ProjectionSpec],
  ['2D G=14 cell 3, D=2.5', { ...SPEC_2D.projection, grid: 14, cell: 3, distance: 2.5 } as ProjectionSpec],
];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function cpuPos(tokens: Float32Array, p: ProjectionSpec): Float32Array {
  return p.kind === '1d' ? project1d(tokens, p.lines, p.length) : project2d(tokens, p.views, p.distance, p.grid);
}

describe('projection kernels = CPU twin', () => {
  for (const [pname, projection] of projections) {
    it.each(clouds)(`${pname}: %s`, async (_name, tokens) => {
      const ctx = await nodeGpu();
      const pos = await createProject(ctx)(tokens, T, projection);
      const ref = cpuPos(tokens, projection);
      expect(maxAbsDiff(pos, ref)).toBeLessThanOrEqual(1e-5);
      // Cells from the same positions must agree exactly.
      const cells = await createCells(ctx)(ref, T, projection);
      const ids = cellIds(ref, projection);
      expect(cells.cells).toEqual(ids);
      expect(cells.mask).toEqual(sameIdMask(ids, T));
      expect(maxAbsDiff(cells.mean, meanPooling(sameIdMask(ids, T), T))).toBeLessThanOrEqual(1e-7);
    });
  }

  it('projects and pools B clouds independently', async () => {
    const ctx = await nodeGpu();
    const batch = new Float32Array(3 * T * 3);
    [uniformCloud(T, 7), identicalCloud(T), sphereCloud(T, 8)].forEach((c, b) => batch.set(c, b * T * 3));
    for (const [, projection] of projections) {
      const pos = await createProject(ctx)(batch, T, projection);
      const per = pos.length / 3;
      for (let b = 0; b < 3; b++) {
        const ref = cpuPos(batch.subarray(b * T * 3, (b + 1) * T * 3), projection);
        expect(maxAbsDiff(pos.subarray(b * per, (b + 1) * per), ref)).toBeLessThanOrEqual(1e-5);
      }
    }
  });
});

describe('voxels kernel = CPU twin', () => {
  it.each([...clouds, ['corners and faces of [-1, 1]^3', Float32Array.from([-1, -1, -1, 1, 1, 1, 0, 0, 0, -0.5, 0.5, 1, 1, -1, 0.25, 0.999, -0.999, 0.5])] as [string, Float32Array]])(
    '%s',
    async (_name, tokens) => {
      const t = tokens.length / 3;
      for (const v of [1, 4, 7]) {
        const out = await createVoxels(await nodeGpu())(tokens, t, v);
        const ids = voxelIds(tokens, v);
        expect(out.voxels).toEqual(ids);
        expect(out.mask).toEqual(sameIdMask(ids, t));
      }
    },
  );
});
