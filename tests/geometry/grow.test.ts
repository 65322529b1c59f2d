// Growing a sparse cloud (grow.ts), on hand-worked clouds; the PyTorch twin's numbers are the
// shared fixtures' grown cases (tests/model/geometry-fixtures.test.ts).
import { describe, expect, test } from 'vitest';
import { grow, grows } from '../../src/geometry/grow';
import { resample } from '../../src/geometry/normalise';

const f32 = (xs: number[]) => Array.from(new Float32Array(xs));

describe('grow', () => {
  test('a right triangle grown to 9 points: two rounds, nearest other point first', () => {
    // Squared distances: 0-1 9, 0-2 36, 1-2 45. Round 1 goes a third of the way to each point's
    // nearest other (0 -> 1, 1 -> 0, 2 -> 0), round 2 to its second nearest (0 -> 2, 1 -> 2, 2 -> 1).
    const p = new Float32Array([0, 0, 0, 3, 0, 0, 0, 6, 0]);
    expect(Array.from(grow(p, 9))).toEqual(f32([0, 0, 0, 3, 0, 0, 0, 6, 0, 1, 0, 0, 2, 0, 0, 0, 4, 0, 0, 2, 0, 2, 2, 0, 1, 4, 0]));
  });

  test('a tie in distance goes to the lower index; the last round stops at N_in', () => {
    // Point 0 is 1 from both 1 and 2, point 3 is sqrt(10) from both 1 and 2: the lower index wins.
    // 4 points to 14: three rounds, the third cut after two points.
    const p = new Float32Array([0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 3]);
    const round1 = [1 / 3, 0, 0, 2 / 3, 0, 0, -2 / 3, 0, 0, 0, 0, 2];
    const round2 = [-1 / 3, 0, 0, 1 / 3, 0, 0, -1 / 3, 0, 0, 1 / 3, 0, 2];
    const round3 = [0, 0, 1, 2 / 3, 0, 1];
    expect(Array.from(grow(p, 14))).toEqual(f32([...p, ...round1, ...round2, ...round3]));
  });

  test('two points have one round; the grown four then repeat cyclically', () => {
    const p = new Float32Array([0, 0, 0, 0, 0, 3]);
    const g = Array.from(grow(p, 12));
    const four = [0, 0, 0, 0, 0, 3, 0, 0, 1, 0, 0, 2];
    expect(g).toEqual(f32([...four, ...four, ...four]));
  });

  test('only clouds of 2 to N_in / 3 points grow; resample repeats the others', () => {
    expect([grows(1, 1024), grows(2, 1024), grows(341, 1024), grows(342, 1024)]).toEqual([false, true, true, false]);
    expect(() => grow(new Float32Array(3 * 342), 1024)).toThrow(/not a sparse cloud/);
    const one = new Float32Array([0.5, 0.5, 0.5]);
    expect(Array.from(resample(one, 4, true))).toEqual(f32([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
    const p = new Float32Array([0, 0, 0, 1, 0, 0, -1, 0, 0]);
    expect(Array.from(resample(p, 8, true))).toEqual(Array.from(resample(p, 8))); // 3 * 3 > 8: repeated
    expect(Array.from(resample(p, 9, true))).toEqual(Array.from(grow(p, 9)));
    expect(Array.from(resample(p, 9))).toEqual(f32([0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0]));
  });
});
