import { describe, expect, it } from 'vitest';
import { attentionMaps, nearestToken, pointValues, softmax, tokenValues, topK } from '../../src/model/postprocess';

describe('softmax and topK', () => {
  it('softmax is stable for large logits and sums to 1', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[1]).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1) + Math.exp(-1)), 6);
  });
  it('ranks by probability, ties to the lower index, at most k', () => {
    const labels = ['a', 'b', 'c', 'd'];
    expect(topK([0.1, 0.4, 0.4, 0.1], labels, 3).map((c) => c.label)).toEqual(['b', 'c', 'a']);
    expect(topK([0.5, 0.5], ['x', 'y'], 5)).toHaveLength(2);
    expect(() => topK([0.5, 0.5], ['x'], 1)).toThrow('topK: 2 probabilities for 1 class labels');
  });
});

describe('attention maps', () => {
  // layers 2 x heads 2 x tokens 3
  const a = attentionMaps(new Float32Array([0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.5, 0.25, 0.25, 0.9, 0.05, 0.05]), 2, 2, 3);
  it('selects a layer and head, or the mean of heads', () => {
    expect(Array.from(tokenValues(a, 1, 0))).toEqual(Array.from(new Float32Array([0.5, 0.25, 0.25])));
    const mean = tokenValues(a, 0, 'mean');
    [0.2, 0.25, 0.55].forEach((v, i) => expect(mean[i]).toBeCloseTo(v, 6));
  });
  it('gives every point its token value', () => {
    const v = pointValues(a, new Uint32Array([2, 0, 2, 1]), 1, 1);
    expect(Array.from(v)).toEqual(Array.from(new Float32Array([0.05, 0.9, 0.05, 0.05])));
  });
  it('names what is out of range', () => {
    expect(() => tokenValues(a, 2, 0)).toThrow('attention: layer must be 0..1, got 2');
    expect(() => tokenValues(a, 0, 5)).toThrow("attention: head must be 0..1 or 'mean', got 5");
    expect(() => attentionMaps(new Float32Array(5), 2, 2, 3)).toThrow('attention: 5 values, expected layers 2 x heads 2 x tokens 3');
  });
});

describe('nearestToken', () => {
  it('picks the nearest centre, ties to the lower token', () => {
    const tokens = new Float32Array([0, 0, 0, 1, 0, 0, -1, 0, 0]);
    const points = new Float32Array([0.9, 0, 0, -0.6, 0.1, 0, 0.5, 0, 0, -0.5, 0, 0, 0, 0, 0]);
    expect(Array.from(nearestToken(points, tokens))).toEqual([1, 2, 0, 0, 0]);
  });
});

describe('no NaN probabilities (issue 24)', () => {
  it('a NaN or infinite logit is an error that names it, not NaN probabilities', () => {
    expect(() => softmax([0.5, Number.NaN, 1])).toThrow("the model's output is not usable: logit 1 of 3 is NaN");
    expect(() => softmax([Infinity, 0])).toThrow("the model's output is not usable: logit 0 of 2 is Infinity");
    expect(() => softmax([0, -Infinity])).toThrow('logit 1 of 2 is -Infinity');
  });
  it('extreme but finite logits still give finite probabilities summing to 1', () => {
    const p = softmax([3e38, -3e38, 0]);
    expect(Array.from(p)).toEqual([1, 0, 0]);
  });
  it('topK refuses a probability that is not in 0..1', () => {
    expect(() => topK([Number.NaN, 0.5], ['a', 'b'], 2)).toThrow('topK: probability 0 (a) is NaN, not a number from 0 to 1');
    expect(() => topK([0.5, 1.5], ['a', 'b'], 2)).toThrow('topK: probability 1 (b) is 1.5, not a number from 0 to 1');
  });
});
