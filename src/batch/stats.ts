// Accuracy of a labelled batch: overall accuracy, mean class accuracy (the mean of each true
// class's recall, as ModelNet40 papers report it and any2point.evaluate computes it) and the
// confusion matrix. Only files whose folder matches a class and that were classified count.

export interface Scored {
  /** The class the folder names. */
  truth: number;
  /** The model's top-1. */
  predicted: number;
}

export interface BatchAccuracy {
  /** Files scored. */
  count: number;
  overall: number;
  /** Over the true classes present in the batch. */
  meanClass: number;
  /** Per true class present: its index, how many files, and the share predicted right. */
  perClass: { index: number; count: number; accuracy: number }[];
}

/** null when nothing was scored. */
export function batchAccuracy(scored: readonly Scored[], classCount: number): BatchAccuracy | null {
  if (scored.length === 0) return null;
  const total = new Array<number>(classCount).fill(0);
  const right = new Array<number>(classCount).fill(0);
  let correct = 0;
  for (const { truth, predicted } of scored) {
    total[truth]++;
    if (truth === predicted) {
      right[truth]++;
      correct++;
    }
  }
  const perClass = total.flatMap((count, index) => (count > 0 ? [{ index, count, accuracy: right[index] / count }] : []));
  const meanClass = perClass.reduce((sum, c) => sum + c.accuracy, 0) / perClass.length;
  return { count: scored.length, overall: correct / scored.length, meanClass, perClass };
}

export interface Confusion {
  /** The classes shown, in the model's order: every class that is a truth or a prediction. */
  classes: number[];
  /** counts[row][column]: files of true class classes[row] predicted as classes[column]. */
  counts: number[][];
}

/** The confusion matrix over the classes that occur, so 5 folders of a 40-class model give a small plot. */
export function confusion(scored: readonly Scored[]): Confusion {
  const present = new Set<number>();
  for (const { truth, predicted } of scored) present.add(truth).add(predicted);
  const classes = [...present].sort((a, b) => a - b);
  const at = new Map(classes.map((c, i) => [c, i]));
  const counts = classes.map(() => new Array<number>(classes.length).fill(0));
  for (const { truth, predicted } of scored) counts[at.get(truth)!][at.get(predicted)!]++;
  return { classes, counts };
}
