// The labelled feature rows a head is taught on, and the checks every consumer relies on (so a
// bad row fails with a message naming it rather than as NaN weights).

export interface Examples {
  /** [n, dim] feature rows, row-major: the model's `features` output, one row per shape. */
  features: Float32Array;
  dim: number;
  /** Class index of every row: 0 <= label < classes.length. */
  labels: ArrayLike<number>;
  classes: string[];
}

/** n, dim and the class count of valid examples; throws naming the first problem. */
export function checkExamples(ex: Examples): { n: number; dim: number; c: number } {
  const { features, dim, labels, classes } = ex;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`examples: dim must be a positive integer, got ${dim}`);
  const c = classes.length;
  if (c < 2) throw new Error(`examples: a head needs at least two classes, got ${c}`);
  if (new Set(classes).size !== c) throw new Error('examples: class names must be distinct');
  const n = labels.length;
  if (features.length !== n * dim) {
    throw new Error(`examples: ${n} labels need ${n} x ${dim} = ${n * dim} feature values, got ${features.length}`);
  }
  const counts = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= c) throw new Error(`examples: label ${i} is ${l}, not a class index 0..${c - 1}`);
    counts[l]++;
  }
  const empty = counts.findIndex((k) => k === 0);
  if (empty >= 0) throw new Error(`examples: class "${classes[empty]}" has no examples`);
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`examples: feature value ${bad % dim} of row ${Math.floor(bad / dim)} is ${features[bad]}`);
  return { n, dim, c };
}

/** Examples per class, in class order. */
export function classCounts(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
