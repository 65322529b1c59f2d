// Finite clouds at the edge of float32 (issue 24 point 3): loaded, then normalised as the model's
// preprocessing does, they give finite points, for point sets and for meshes sampled in float64.
import { describe, expect, test } from 'vitest';
import { normalise } from '../../src/geometry/normalise';
import { load } from './expectLoad';
import { plyFile, text } from './generate';

const M = 3.4e38;

describe('clouds at +-3.4e38', () => {
  test('a point set loads as written and normalises to finite points in the unit sphere', () => {
    const vertices = [[M, M, M], [-M, -M, -M], [M, -M, 0], [0, M, -M]];
    const r = load('huge.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices }));
    expect(Array.from(r.cloud.positions)).toEqual(vertices.flat().map(Math.fround));
    const q = normalise(r.cloud.positions);
    expect(Array.from(q).every(Number.isFinite)).toBe(true);
    let farthest = 0;
    for (let i = 0; i < q.length; i += 3) farthest = Math.max(farthest, Math.hypot(q[i]!, q[i + 1]!, q[i + 2]!));
    expect(farthest).toBeCloseTo(1, 6);
  });

  test('a mesh spanning the whole float32 range is sampled to finite points (not "zero area")', () => {
    const r = load('huge.off', text(`OFF\n4 2 0\n${M} ${M} 0\n-${M} ${M} 0\n-${M} -${M} 0\n${M} -${M} 0\n3 0 1 2\n3 0 2 3\n`));
    expect([r.kind, r.cloud.count, r.warnings]).toEqual(['mesh', 2000, []]);
    expect(Array.from(r.cloud.positions).every(Number.isFinite)).toBe(true);
    expect(Array.from(normalise(r.cloud.positions)).every(Number.isFinite)).toBe(true);
  });
});
