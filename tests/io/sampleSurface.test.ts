// Surface sampling: reproducible, area-weighted, uniform inside each triangle, on the surface.
import { describe, expect, test } from 'vitest';
import { createSurfaceSampler, sampleSurface } from '../../src/geometry/sampleSurface';
import { createRandom } from '../../src/geometry/random';
import type { Mesh } from '../../src/types/cloud';

// Triangle A in z = 0 with area 1/2 * 2 * 1 = 1; triangle B in z = 1 with area 1/2 * 3 * 2 = 3;
// triangle C at z = 5 has zero area.
const mesh: Mesh = {
  positions: new Float32Array([0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 1, 0, 2, 1, 9, 9, 5, 9, 9, 5, 8, 8, 5]),
  indices: new Uint32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]),
  vertexCount: 9,
  faceCount: 3,
};

describe('sampleSurface', () => {
  test('same seed, same points; another seed, other points', () => {
    const a = sampleSurface(mesh, 5000, 42);
    const b = sampleSurface(mesh, 5000, 42);
    const c = sampleSurface(mesh, 5000, 43);
    expect(a.positions).toEqual(b.positions);
    expect(a.positions).not.toEqual(c.positions);
  });

  test('triangles are picked in proportion to their area; zero-area ones never', () => {
    const n = 100_000;
    const { positions } = sampleSurface(mesh, n, 7);
    let onB = 0;
    let onC = 0;
    for (let i = 0; i < n; i++) {
      if (positions[3 * i + 2] === 1) onB++;
      else if (positions[3 * i + 2] !== 0) onC++;
    }
    expect(onC).toBe(0);
    // Expected 3/4; the binomial standard deviation is 0.0014.
    expect(Math.abs(onB / n - 0.75)).toBeLessThan(0.007);
    expect(createSurfaceSampler(mesh).area).toBeCloseTo(4, 6);
  });

  test('uniform inside a triangle: every point inside, centroid and corner quarters as expected', () => {
    const tri: Mesh = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]), vertexCount: 3, faceCount: 1 };
    const n = 100_000;
    const { positions, normals } = sampleSurface(tri, n, 3);
    let sx = 0;
    let sy = 0;
    let outside = 0;
    let nearOrigin = 0;
    for (let i = 0; i < n; i++) {
      const x = positions[3 * i]!;
      const y = positions[3 * i + 1]!;
      if (x < 0 || y < 0 || x + y > 1 + 1e-6 || positions[3 * i + 2] !== 0) outside++;
      if (x + y < 0.5) nearOrigin++; // the corner triangle cut by the midpoints: 1/4 of the area
      sx += x;
      sy += y;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sx / n - 1 / 3)).toBeLessThan(0.003);
    expect(Math.abs(sy / n - 1 / 3)).toBeLessThan(0.003);
    expect(Math.abs(nearOrigin / n - 0.25)).toBeLessThan(0.007);
    expect(Array.from(normals!.subarray(0, 3))).toEqual([0, 0, 1]);
  });

  test('a mesh of no area cannot be sampled', () => {
    const flat: Mesh = { positions: new Float32Array([0, 0, 0, 1, 1, 1, 2, 2, 2]), indices: new Uint32Array([0, 1, 2]), vertexCount: 3, faceCount: 1 };
    expect(() => sampleSurface(flat, 10, 1)).toThrow('cannot sample a surface of area 0');
  });

  test('the generator is uniform in [0, 1) and seeded', () => {
    const r = createRandom(5);
    const bins = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = r();
      if (!(v >= 0 && v < 1)) outOfRange++;
      else bins[Math.floor(v * 10)]!++;
    }
    expect(outOfRange).toBe(0);
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    expect(createRandom(5)()).toBe(createRandom(5)());
    expect(createRandom(5)()).not.toBe(createRandom(6)());
  });
});
