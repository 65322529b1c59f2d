// Stratified k-fold cross-validation of trainHead: the accuracy the teach panel shows before the
// user trusts a head. k = min(5, smallest class size), so every fold holds out at least one
// example of every class; with one example of some class no fold could test it while training
// on it, so the answer is "not possible", never an invented number.

import { checkExamples, classCounts, type Examples } from './examples';
import { headLogits, trainHead, type TrainOptions, type TrainProgress } from './head';

export type CrossValidation =
  | { possible: true; folds: number; correct: number; total: number; accuracy: number; perClass: number[] }
  | { possible: false; reason: string };

export interface CrossValidateOptions extends Omit<TrainOptions, 'onProgress'> {
  /** Progress of the fold being trained (1-based) and of its training. */
  onProgress?: (p: TrainProgress & { fold: number; folds: number }) => void;
  maxFolds?: number;
}

/** Fold of every example: within each class, the examples in their given order go round-robin. */
export function stratifiedFolds(labels: ArrayLike<number>, classes: number, k: number): Int32Array {
  const seen = new Array<number>(classes).fill(0);
  const fold = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) fold[i] = seen[labels[i]]++ % k;
  return fold;
}

export function crossValidate(examples: Examples, options: CrossValidateOptions = {}): CrossValidation {
  const { n, dim, c } = checkExamples(examples);
  const counts = classCounts(examples.labels, c);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const name = examples.classes[counts.indexOf(smallest)];
    return { possible: false, reason: `class "${name}" has 1 example: cross-validation needs at least 2 per class` };
  }
  const k = Math.min(options.maxFolds ?? 5, smallest);
  const fold = stratifiedFolds(examples.labels, c, k);
  const right = new Array<number>(c).fill(0);
  let correct = 0;
  for (let f = 0; f < k; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const rows = (idx: number[]) => {
      const out = new Float32Array(idx.length * dim);
      idx.forEach((i, r) => out.set(examples.features.subarray(i * dim, (i + 1) * dim), r * dim));
      return out;
    };
    const head = trainHead(
      { features: rows(train), dim, labels: train.map((i) => examples.labels[i]), classes: examples.classes },
      { ...options, onProgress: options.onProgress && ((p) => options.onProgress?.({ ...p, fold: f + 1, folds: k })) },
    );
    const logits = headLogits(head, rows(test));
    test.forEach((i, r) => {
      let best = 0;
      for (let q = 1; q < c; q++) if (logits[r * c + q] > logits[r * c + best]) best = q;
      if (best === examples.labels[i]) {
        correct++;
        right[best]++;
      }
    });
  }
  return { possible: true, folds: k, correct, total: n, accuracy: correct / n, perClass: right.map((r, q) => r / counts[q]) };
}
