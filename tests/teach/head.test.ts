import { describe, expect, it } from 'vitest';
import { headLogits, headProbabilities, trainHead, type Head } from '../../src/teach/head';
import type { Examples } from '../../src/teach/examples';
import { argmaxRows, blobs } from './toyData';

/** Gradient of (mean cross-entropy + lambda/2 |W|^2) at a head, written out independently. */
function gradientNorm(head: Head, ex: Examples, lambda: number): number {
  const { dim } = head;
  const c = head.classes.length;
  const n = ex.labels.length;
  const p = headProbabilities(head, ex.features);
  const gw = Array.from(head.weights, (w) => lambda * w);
  const gb = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: dim }, (_, d) => ex.features[i * dim + d] - head.mean[d]);
    const norm = Math.hypot(...z);
    for (let q = 0; q < c; q++) {
      const r = (p[i * c + q] - (ex.labels[i] === q ? 1 : 0)) / n;
      gb[q] += r;
      for (let d = 0; d < dim; d++) gw[q * dim + d] += (r * z[d]) / norm;
    }
  }
  return Math.hypot(...gw, ...gb);
}

describe('trainHead', () => {
  it('learns separable classes and classifies fresh samples of them', () => {
    const train = blobs([10, 10, 10, 10], 32, 1);
    const test = blobs([25, 25, 25, 25], 32, 2);
    const head = trainHead(train);
    expect(argmaxRows(headLogits(head, train.features), 4)).toEqual(Array.from(train.labels));
    expect(argmaxRows(headLogits(head, test.features), 4)).toEqual(Array.from(test.labels));
  });

  it('reaches the minimum of the regularised loss, with fewer examples than channels (dual form) and more (primal form)', () => {
    for (const [perClass, dim] of [[[3, 4, 2], 16], [[12, 9, 15], 4]] as const) {
      const ex = blobs([...perClass], dim, 7, 1.5); // overlapping: the loss cannot reach 0
      expect(gradientNorm(trainHead(ex, { weightDecay: 0.05, iterations: 3 }), ex, 0.05)).toBeGreaterThan(1e-3);
      expect(gradientNorm(trainHead(ex, { weightDecay: 0.05, iterations: 600 }), ex, 0.05)).toBeLessThan(1e-6);
    }
  });

  it('is deterministic, reports every iteration, and its loss falls', () => {
    const ex = blobs([5, 5, 5], 64, 3, 1);
    const seen: { iteration: number; loss: number }[] = [];
    const a = trainHead(ex, { iterations: 40, onProgress: (p) => seen.push(p) });
    const b = trainHead(ex, { iterations: 40 });
    expect(a.weights).toEqual(b.weights);
    expect(a.bias).toEqual(b.bias);
    expect(seen.map((p) => p.iteration)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(seen[0].loss).toBeCloseTo(Math.log(3), 6); // all-zero start: uniform probabilities
    expect(seen[39].loss).toBeLessThan(seen[0].loss / 2);
  });

  it('gives probabilities that sum to 1 per row', () => {
    const ex = blobs([4, 4], 8, 4);
    const p = headProbabilities(trainHead(ex), ex.features);
    for (let i = 0; i < 8; i++) expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 6);
  });

  it('refuses malformed examples, naming the problem', () => {
    const ok = blobs([2, 2], 3, 5);
    const bad = (patch: Partial<Examples>) => () => trainHead({ ...ok, ...patch });
    expect(bad({ classes: ['only'], labels: [0, 0, 0, 0] })).toThrow(/at least two classes/);
    expect(bad({ classes: ['a', 'a'] })).toThrow(/distinct/);
    expect(bad({ labels: [0, 1, 2, 1] })).toThrow(/label 2 is 2/);
    expect(bad({ labels: [0, 0, 0, 0] })).toThrow(/class "class 1" has no examples/);
    expect(bad({ features: ok.features.subarray(1) })).toThrow(/4 x 3 = 12 feature values, got 11/);
    expect(bad({ features: Float32Array.from(ok.features, (v, i) => (i === 7 ? NaN : v)) })).toThrow(/value 1 of row 2 is NaN/);
    expect(bad({ dim: 0 })).toThrow(/dim must be a positive integer/);
    expect(() => trainHead(ok, { weightDecay: 0 })).toThrow(/weightDecay/);
    expect(() => trainHead(ok, { iterations: 1.5 })).toThrow(/iterations/);
    expect(() => headLogits(trainHead(ok), new Float32Array(4))).toThrow(/whole rows of 3/);
  });
});
