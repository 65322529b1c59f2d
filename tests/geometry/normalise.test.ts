// normalise at the edges of float32 (issue 24): a finite cloud never turns into NaN, and the
// power-of-two rescaling that makes this so leaves ordinary clouds bit for bit as they were.
import { describe, expect, test } from 'vitest';
import { normalise } from '../../src/geometry/normalise';

const F32_MAX = 3.4028234663852886e38;

/** A small irregular cloud (8 points, no symmetry that could hide an error). */
function cloud(scale: number): Float32Array {
  const base = [0.1, -0.7, 0.3, 0.9, 0.2, -0.4, -1, 0.5, 0.8, 0.25, 0.75, -0.6, -0.3, -0.9, 0.05, 0.6, 0.6, 0.6, -0.5, 0.1, -1, 1, -1, 0.45];
  return new Float32Array(base.map((v) => v * scale));
}

describe('normalise near float32 limits', () => {
  test('coordinates of +-3.4e38 give finite points in the unit sphere, not NaN', () => {
    const p = new Float32Array([F32_MAX, F32_MAX, F32_MAX, -F32_MAX, -F32_MAX, -F32_MAX, F32_MAX, -F32_MAX, 0]);
    const q = normalise(p);
    expect(Array.from(q).every(Number.isFinite)).toBe(true);
    // By hand: the mean is (M/3, -M/3, 0); centred, the points are (2, 4, 3) M/3, (-4, -2, -3) M/3
    // and (2, -2, 0) M/3; the radius is sqrt(29) M/3, so each point is its triple over sqrt(29).
    const expected = [2, 4, 3, -4, -2, -3, 2, -2, 0].map((v) => v / Math.sqrt(29));
    expected.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 6));
  });

  test('a huge cloud normalises to the same points as the same cloud at ordinary scale', () => {
    const huge = normalise(cloud(2 ** 127));
    const small = normalise(cloud(1));
    expect(Array.from(huge)).toEqual(Array.from(small));
  });

  test('ordinary clouds are untouched by the rescaling (same bits as computing in place)', () => {
    const p = cloud(1000);
    const q = normalise(p);
    // Reference: the documented computation (float64 mean, float32 centred values, float64 radius).
    const n = p.length / 3;
    const c = [0, 1, 2].map((k) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p[3 * i + k]!;
      return s / n;
    });
    const centred = new Float32Array(p.length);
    for (let i = 0; i < p.length; i++) centred[i] = p[i]! - c[i % 3]!;
    let r = 0;
    for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(centred[3 * i]!, centred[3 * i + 1]!, centred[3 * i + 2]!));
    const expected = centred.map((v) => v / r);
    expect(Array.from(q)).toEqual(Array.from(expected));
  });
});
