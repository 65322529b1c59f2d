// spacing.ts by hand (the same clouds as training/tests/test_geometry.py test_spacing_by_hand); the
// PyTorch twin on the shared fixtures' grown cases is tests/model/geometry-fixtures.test.ts.
import { describe, expect, test } from 'vitest';
import { answersGrown, spacing } from '../../src/geometry/spacing';
import { normalise } from '../../src/geometry/normalise';

const cloud = (...p: number[][]) => new Float32Array(p.flat());

describe('spacing: the lower median distance to the nearest point at another position', () => {
  test('a duplicate counts as a point, never as its own neighbour', () => {
    // nearest others: 3, 3, 4 and 3 (the copy of (3, 0, 0)); sorted 3 3 3 4, lower median 3
    expect(spacing(cloud([0, 0, 0], [3, 0, 0], [0, 4, 0], [3, 0, 0]))).toBe(3);
  });
  test('an odd count takes the middle one; an even count the lower of the two middle', () => {
    expect(spacing(cloud([0, 0, 0], [1, 0, 0], [3, 0, 0]))).toBe(1); // 1 1 2
    expect(spacing(cloud([0, 0, 0], [1, 0, 0], [3, 0, 0], [7, 0, 0]))).toBe(1); // 1 1 2 4
    expect(spacing(cloud([0, 0, 0], [0, 0, 2]))).toBe(2);
  });
  test('no point at another position: 0', () => {
    expect(spacing(cloud([1, 2, 3], [1, 2, 3], [1, 2, 3]))).toBe(0);
  });
});

describe('answersGrown: which sparse clouds are answered grown (RULE-grow-spacing)', () => {
  // 10 points on a line, 0 .. 9: normalised about 4.5 and scaled by 4.5, so neighbours 1 / 4.5 apart
  const line = new Float32Array(Array.from({ length: 10 }, (_, i) => [i, 0, 0]).flat());
  const s = spacing(normalise(line));
  test('the spacing is read on the cloud normalised, whatever its scale', () => {
    expect(s).toBeCloseTo(1 / 4.5, 6);
    expect(spacing(normalise(new Float32Array(line.map((v) => 1000 * v))))).toBeCloseTo(s, 6);
  });
  test('grown when sparse and farther apart than the bar (strictly); without a bar, every sparse cloud', () => {
    expect(answersGrown(line, 30, s - 1e-9)).toBe(true);
    expect(answersGrown(line, 30, s)).toBe(false);
    expect(answersGrown(line, 30)).toBe(true);
    expect(answersGrown(line, 29)).toBe(false); // 3 * 10 > 29: repeated, not grown
  });
});
