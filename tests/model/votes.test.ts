import { describe, expect, it } from 'vitest';
import { checkVotes, meanProbabilities, ORDER_STRIDE, parseVotes, rolled } from '../../src/model/votes';

const cloud = (n: number) => Float32Array.from({ length: 3 * n }, (_, i) => i);

describe('votes', () => {
  it('rolls a cloud to start at point (vote * 389) mod n, as training/any2point point_order does', () => {
    const n = 1024;
    const p = cloud(n);
    expect(rolled(p, 0)).toBe(p);
    for (const vote of [1, 2, 7]) {
      const r = rolled(p, vote);
      const start = (vote * ORDER_STRIDE) % n;
      for (const j of [0, 1, n - start - 1, n - start, n - 1]) {
        const from = (j + start) % n; // numpy: (arange(n) + vote * 389) % n
        expect(Array.from(r.subarray(3 * j, 3 * j + 3))).toEqual([3 * from, 3 * from + 1, 3 * from + 2]);
      }
      expect([...r].sort((a, b) => a - b)).toEqual([...p]); // the same points, reordered
    }
    expect(rolled(cloud(389), 1)).toEqual(cloud(389)); // the stride divides n: same start
    expect(() => rolled(new Float32Array(4), 1)).toThrow('4 floats is not a whole number of xyz points');
    expect(() => rolled(p, -1)).toThrow('vote must be a whole number >= 0');
  });
  it('averages the votes and checks the count', () => {
    const m = meanProbabilities([Float32Array.of(0.5, 0.5), Float32Array.of(1, 0)]);
    expect(Array.from(m)).toEqual([0.75, 0.25]);
    expect(() => meanProbabilities([])).toThrow('no votes');
    expect(() => meanProbabilities([Float32Array.of(1), Float32Array.of(0.5, 0.5)])).toThrow('2 probabilities, expected 1');
    expect(checkVotes(8, 'x')).toBe(8);
    expect(() => checkVotes(0, 'm: classify')).toThrow('m: classify: votes must be a whole number from 1 to 32, got 0');
    expect(() => checkVotes(Number.NaN, 'x')).toThrow('got null');
  });
  it('reads a vote count from a URL or a form, anything else being the model default', () => {
    expect(parseVotes('1')).toBe(1);
    expect(parseVotes('32')).toBe(32);
    for (const bad of [null, '', '0', '33', '2.5', '-1', '8x', ' 8', '1e1', 'NaN']) expect(parseVotes(bad), String(bad)).toBeNull();
  });
});
