// The TypeScript CPU twin against the PyTorch twin (training/any2point/geometry.py) on the shared
// fixtures in tests/fixtures/geometry (written by `python3 -m any2point.fixtures`): indices must
// be equal and float32 values equal bit for bit (docs/geometry.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeGeometryCPU } from '../../src/geometry/cpuPipeline';
import { sameIdMask } from '../../src/geometry/cells';
import { normalise } from '../../src/geometry/normalise';
import { spacing } from '../../src/geometry/spacing';
import { parseGeometrySpec } from '../../src/geometry/spec';

interface FixtureCase {
  name: string;
  up: 'z' | 'y';
  /** A sparse cloud grown instead of repeated (grow.ts); absent: false. */
  grow?: boolean;
  spec: unknown;
  raw: number[];
  points: number[];
  stages: { fps: number[]; knn: number[] }[];
  tokens: number[];
  pos: number[];
  cells: number[];
  voxels: number[];
  /** grow.ts `spacing` of the cloud normalised (grown cases only; RULE-grow-spacing). */
  spacing?: number;
}

const dir = join(__dirname, '..', 'fixtures', 'geometry');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** Index of the first element that differs (Object.is, so -0 and NaN count), or -1. */
function firstDiff(got: ArrayLike<number>, want: number[]): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

function expectSame(what: string, got: ArrayLike<number>, want: number[]): void {
  const i = firstDiff(got, want);
  const detail = i < 0 ? 'equal' : `length ${got.length} vs ${want.length}; first difference at ${i}: ${got[i]} vs ${want[i]}`;
  expect(detail, what).toBe('equal');
}

describe('geometry twin vs PyTorch fixtures', () => {
  it('has fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });
  for (const file of files) {
    const cases = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: FixtureCase[] }).cases;
    for (const c of cases) {
      it(`${file}: ${c.name}`, () => {
        const spec = parseGeometrySpec(c.spec);
        const g = computeGeometryCPU(new Float32Array(c.raw), spec, { up: c.up, grow: c.grow ?? false });
        expectSame('normalised points', g.points, c.points);
        expect(g.stages.length).toBe(c.stages.length);
        c.stages.forEach((s, t) => {
          expectSame(`stage ${t + 1} fps`, g.stages[t].fps, s.fps);
          expectSame(`stage ${t + 1} knn`, g.stages[t].knn, s.knn);
        });
        expectSame('token centres', g.tokens, c.tokens);
        expectSame('pos', g.pos, c.pos);
        expectSame('cells', g.cells, c.cells);
        expectSame('voxels', g.voxels, c.voxels);
        const t = c.voxels.length;
        expectSame('voxel mask', g.voxelMask, Array.from(sameIdMask(new Uint32Array(c.voxels), t)));
        if (c.grow) expectSame('spacing', [spacing(normalise(new Float32Array(c.raw), c.up))], [c.spacing!]);
      });
    }
  }
});
