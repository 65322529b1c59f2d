import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fps } from '../../src/geometry/fps';
import { sq } from '../../src/geometry/points';
import { duplicateCloud, identicalCloud, latticeCloud } from './clouds';
import { assertFpsProperties } from './properties';

describe('fps (CPU twin)', () => {
  it('picks the far end first on a line, then splits the gaps', () => {
    const p = new Float32Array([0, 0, 0, 1, 0, 0, 4, 0, 0, 2, 0, 0, 3, 0, 0]);
    // from 0: farthest is 4 (x=4); then x=2 (d=4 to both ends); then x=1 (d=1, lowest index of the ties)
    expect([...fps(p, 5)]).toEqual([0, 2, 3, 1, 4]);
  });

  it('chooses duplicates only after every farther point, lowest index first', () => {
    const p = new Float32Array([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect([...fps(p, 4)]).toEqual([0, 2, 1, 3]);
  });

  it('repeats the FPS order when N < S', () => {
    const p = new Float32Array([0, 0, 0, 2, 0, 0, 1, 0, 0]);
    expect([...fps(p, 7)]).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('returns 0, 1, 2, ... for identical points', () => {
    expect([...fps(identicalCloud(6), 4)]).toEqual([0, 1, 2, 3]);
  });

  it('rejects malformed input with a clear error', () => {
    expect(() => fps(new Float32Array(4), 2)).toThrow(/multiple of 3/);
    expect(() => fps(new Float32Array(0), 2)).toThrow(/no points/);
    expect(() => fps(new Float32Array(3), 0)).toThrow(/sample count/);
  });

  it('satisfies the FPS properties on random, lattice and duplicate clouds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 80 }), fc.integer(), fc.constantFrom(0, 1, 2), (n, s, seed, kind) => {
        const p = kind === 0 ? latticeCloud(n, 3, seed) : kind === 1 ? duplicateCloud(n, 3, seed) : latticeCloud(n, 1000, seed);
        assertFpsProperties(p, fps(p, s), s);
      }),
      { numRuns: 150 },
    );
  });

  it('sq rounds every operation to float32', () => {
    const p = new Float32Array([0.1, 0.2, 0.3]);
    const dx = Math.fround(Math.fround(0.1) - 0.7);
    const expected = Math.fround(Math.fround(Math.fround(dx * dx) + Math.fround(Math.fround(0.2) ** 2)) + Math.fround(Math.fround(0.3) ** 2));
    expect(sq(p, 0, 0.7, 0, 0)).toBe(expected);
  });
});
