// What a batch of files in class folders adds: which folders match the model's classes, the
// accuracy over the files that count, and the confusion matrix with each cell's rows.
import { matchClasses, type ClassMatching } from './classNames';
import type { BatchRow } from './rows';
import { batchAccuracy, confusion, type BatchAccuracy, type Confusion, type Scored } from './stats';

export interface LabelledSummary {
  matching: ClassMatching;
  /** Files in a matching folder that were classified. */
  scored: (Scored & { id: number })[];
  accuracy: BatchAccuracy | null;
  confusion: Confusion;
}

/** null when no file sits in a class folder. */
export function summarise(rows: readonly BatchRow[], classes: readonly string[]): LabelledSummary | null {
  const folders = new Set(rows.flatMap((r) => (r.folder !== undefined ? [r.folder] : [])));
  if (folders.size === 0) return null;
  const matching = matchClasses(folders, classes);
  const scored = rows.flatMap((row) => {
    const truth = row.folder !== undefined ? matching.classOf.get(row.folder) : null;
    const top = row.status === 'done' ? row.top?.[0] : undefined;
    return truth != null && top ? [{ id: row.id, truth, predicted: top.index }] : [];
  });
  return { matching, scored, accuracy: batchAccuracy(scored, classes.length), confusion: confusion(scored) };
}

/** The rows of one confusion cell: true class `truth`, predicted `predicted`. */
export function cellRows(summary: LabelledSummary, truth: number, predicted: number): number[] {
  return summary.scored.filter((s) => s.truth === truth && s.predicted === predicted).map((s) => s.id);
}
