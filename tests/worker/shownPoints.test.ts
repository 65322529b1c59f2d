import { describe, expect, it } from 'vitest';
import { boundingSphere, sampleIndices, shownPoints, shuffle } from '../../src/worker/shownPoints';

const cloudOf = (count: number, colors = false) => {
  const positions = Float32Array.from({ length: count * 3 }, (_, i) => i);
  return { positions, count, ...(colors && { colors: positions.map((v) => v / (count * 3)) }) };
};

describe('sampleIndices', () => {
  it('picks exactly the budget, ascending, without repeats, the same for the same seed', () => {
    const a = sampleIndices(10_000, 1_000, 7);
    expect(a.length).toBe(1_000);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(a[a.length - 1]).toBeLessThan(10_000);
    expect(sampleIndices(10_000, 1_000, 7)).toEqual(a);
    expect(sampleIndices(10_000, 1_000, 8)).not.toEqual(a);
  });

  it('is uniform: each tenth of the cloud gets about a tenth of the picks', () => {
    const picks = sampleIndices(100_000, 10_000, 3);
    const perTenth = new Array(10).fill(0);
    for (const i of picks) perTenth[Math.floor(i / 10_000)]++;
    for (const n of perTenth) expect(Math.abs(n - 1_000)).toBeLessThan(150);
  });

  it('keeps every index when the budget covers the cloud', () => {
    expect(Array.from(sampleIndices(5, 10))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('shuffle', () => {
  it('permutes (same values, another order), seeded', () => {
    const values = Uint32Array.from({ length: 1000 }, (_, i) => i);
    const shuffled = shuffle(values.slice(), 5);
    expect(Array.from(shuffled).sort((a, b) => a - b)).toEqual(Array.from(values));
    expect(shuffled).not.toEqual(values);
    expect(shuffle(values.slice(), 5)).toEqual(shuffled);
  });
});

describe('shownPoints', () => {
  it('leaves a small cloud as it is', () => {
    const cloud = cloudOf(50);
    const shown = shownPoints(cloud, 100, 60);
    expect(shown.cloud).toBe(cloud);
    expect(shown.indices).toBeNull();
  });

  it('keeps the budget of a large cloud, each point with its own position and colour', () => {
    const cloud = cloudOf(1000, true);
    const shown = shownPoints(cloud, 200, 100);
    expect(shown.cloud.count).toBe(200);
    expect(shown.indices?.length).toBe(200);
    const indices = shown.indices!;
    expect(new Set(indices).size).toBe(200);
    for (let i = 0; i < 200; i++) {
      const j = indices[i];
      expect(Array.from(shown.cloud.positions.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(cloud.positions.subarray(j * 3, j * 3 + 3)));
      expect(shown.cloud.colors![i * 3 + 1]).toBe(cloud.colors![j * 3 + 1]);
    }
    // Random order: a prefix is spread over the cloud, not its first points.
    expect(Math.max(...indices.subarray(0, 20))).toBeGreaterThan(500);
  });

  it('shuffles a cloud between the smallest budget and the budget whole', () => {
    const shown = shownPoints(cloudOf(150), 200, 100);
    expect(shown.cloud.count).toBe(150);
    expect(Array.from(shown.indices!).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });
});

describe('boundingSphere', () => {
  it('is centred on the box and reaches the farthest point', () => {
    const sphere = boundingSphere(new Float32Array([0, 0, 0, 2, 0, 0, 0, 4, 0]), 3);
    expect(sphere.center).toEqual([1, 2, 0]);
    expect(sphere.radius).toBeCloseTo(Math.sqrt(5));
  });
});
