import { describe, expect, it } from 'vitest';
import { uniformCloud } from '../../harness/synthetic';
import { normalise, normaliseSubset } from '../../src/geometry/normalise';

describe('normaliseSubset (what the model sees, for the points the viewer draws)', () => {
  const cloud = uniformCloud(3000, 4).map((v, i) => v * 7 + (i % 3) * 3); // off centre, not unit size

  it.each(['z', 'y', '-y', 'x', '-x', '-z'] as const)('equals normalise() bit for bit, all points and a subset (up %s)', (up) => {
    const want = normalise(cloud, up);
    expect(Array.from(normaliseSubset(cloud, up, null))).toEqual(Array.from(want));
    const indices = Uint32Array.from([2999, 0, 17, 1500, 17]);
    const got = normaliseSubset(cloud, up, indices);
    indices.forEach((i, j) => expect(Array.from(got.subarray(3 * j, 3 * j + 3))).toEqual(Array.from(want.subarray(3 * i, 3 * i + 3))));
  });

  it('takes the same power-of-two rescale as normalise on a cloud near float32 overflow', () => {
    const huge = Float32Array.from([3.4e38, -3.4e38, 0, -3.4e38, 3.4e38, 1e38, 0, 0, -2e38]);
    expect(Array.from(normaliseSubset(huge, 'y', null))).toEqual(Array.from(normalise(huge, 'y')));
    expect(Array.from(normaliseSubset(Float32Array.from([1, 2, 3, 1, 2, 3]), 'z', null))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
