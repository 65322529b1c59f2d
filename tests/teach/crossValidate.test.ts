import { describe, expect, it } from 'vitest';
import { crossValidate, stratifiedFolds } from '../../src/teach/crossValidate';
import { blobs } from './toyData';

describe('stratifiedFolds', () => {
  it('deals every class round-robin over the folds, in the given order', () => {
    expect(Array.from(stratifiedFolds([0, 0, 1, 0, 1, 1, 1], 2, 2))).toEqual([0, 1, 0, 0, 1, 0, 1]);
  });
});

describe('crossValidate', () => {
  it('says it is not possible with one example of a class, rather than give a number', () => {
    const cv = crossValidate(blobs([3, 1, 4], 8, 1));
    expect(cv).toEqual({ possible: false, reason: 'class "class 1" has 1 example: cross-validation needs at least 2 per class' });
  });

  it('uses min(5, smallest class) folds and scores separable classes perfectly', () => {
    const cv = crossValidate(blobs([3, 7, 9], 16, 2));
    expect(cv).toMatchObject({ possible: true, folds: 3, correct: 19, total: 19, accuracy: 1, perClass: [1, 1, 1] });
    expect(crossValidate(blobs([8, 9], 16, 3))).toMatchObject({ folds: 5, accuracy: 1 });
  });

  it('counts a mislabelled example as the one error: held out, its cluster calls it by the other class', () => {
    // Strong weight decay keeps the head near the class means: a weak one would fit the stray
    // example exactly, since 4 training rows of 16 channels leave room to wall it off.
    const ex = blobs([5, 5], 16, 4);
    // An extra "class 1" example placed at the class 0 cluster (the mean of class 0's rows).
    const outlier = new Float32Array(16);
    for (let i = 0; i < 5; i++) for (let d = 0; d < 16; d++) outlier[d] += ex.features[i * 16 + d] / 5;
    const features = new Float32Array([...ex.features, ...outlier]);
    const cv = crossValidate({ ...ex, features, labels: [...Array.from(ex.labels), 1] }, { weightDecay: 1 });
    expect(cv).toMatchObject({ possible: true, folds: 5, correct: 10, total: 11, perClass: [1, 5 / 6] });
  });

  it('reports progress per fold', () => {
    const folds = new Set<string>();
    crossValidate(blobs([2, 2], 4, 5), { iterations: 3, onProgress: (p) => folds.add(`${p.fold}/${p.folds}:${p.iterations}`) });
    expect([...folds]).toEqual(['1/2:3', '2/2:3']);
  });
});
