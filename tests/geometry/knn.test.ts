import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { knn } from '../../src/geometry/knn';
import { duplicateCloud, latticeCloud } from './clouds';
import { assertKnnProperties } from './properties';

describe('knn (CPU twin)', () => {
  it('sorts by distance, then index, and starts at the centre', () => {
    const p = new Float32Array([0, 0, 0, 1, 0, 0, -1, 0, 0, 3, 0, 0, 0.5, 0, 0]);
    expect([...knn(p, new Uint32Array([0, 3]), 3)]).toEqual([0, 4, 1, 3, 1, 4]);
  });

  it('puts a lower-index exact duplicate of the centre first', () => {
    const p = new Float32Array([1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect([...knn(p, new Uint32Array([2]), 2)]).toEqual([0, 2]);
  });

  it('repeats the row when N < k', () => {
    const p = new Float32Array([0, 0, 0, 2, 0, 0]);
    expect([...knn(p, new Uint32Array([1]), 5)]).toEqual([1, 0, 1, 0, 1]);
  });

  it('rejects k > 64 and centres out of range', () => {
    const p = new Float32Array(30);
    expect(() => knn(p, new Uint32Array([0]), 65)).toThrow(/at most 64/);
    expect(() => knn(p, new Uint32Array([10]), 2)).toThrow(/centre 0 is index 10/);
  });

  it('satisfies the k-NN properties on lattice and duplicate clouds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 64 }), fc.integer(), fc.boolean(), (n, k, seed, dup) => {
        const p = dup ? duplicateCloud(n, 4, seed) : latticeCloud(n, 4, seed);
        const centres = Uint32Array.from({ length: Math.min(n, 20) }, (_, i) => (i * 7919) % n);
        assertKnnProperties(p, centres, k, knn(p, centres, k));
      }),
      { numRuns: 150 },
    );
  });
});
