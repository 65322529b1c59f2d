// One row per file of a batch: what the table shows, the downloads write and the accuracy counts.
// Only small values are kept (the top classes, counts, times), never the cloud: a row that is
// opened again re-reads its file.

export interface RankedLabel {
  label: string;
  /** The class's index in the batch's class list (the model's, or a taught head's). */
  index: number;
  probability: number;
}

export type RowStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BatchRow {
  /** Position in the batch (the listing's sorted order). */
  id: number;
  path: string;
  /** The class folder the file sits in, when it does. */
  folder?: string;
  status: RowStatus;
  /** Points classified (a mesh's sampled points). */
  points?: number;
  /** Points the loaders' clean-up left out (stray pieces, a floor), and what the loaders said. */
  leftOut?: number;
  warnings?: string[];
  /** The app's answer (model/decide.ts), best first; the first is the top-1. */
  top?: RankedLabel[];
  /** The up axis the answer is for (found by the model when the app's up is automatic). */
  up?: string;
  /** The top-1's calibrated probability is below the model's threshold. */
  notSure?: boolean;
  /** Reading and parsing the file (page's clock) plus the classifier's run (the worker's). */
  ms?: number;
  error?: string;
}

export const SORT_KEYS = ['file', 'folder', 'points', 'top1', 'probability', 'time'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

const collator = new Intl.Collator('en', { numeric: true });

function valueOf(row: BatchRow, key: SortKey): string | number | undefined {
  switch (key) {
    case 'file':
      return row.path;
    case 'folder':
      return row.folder;
    case 'points':
      return row.points;
    case 'top1':
      return row.top?.[0]?.label;
    case 'probability':
      return row.top?.[0]?.probability;
    case 'time':
      return row.ms;
  }
}

/** A sorted copy. Rows without the value (queued, failed) go last either way; ties keep batch order. */
export function sortRows(rows: readonly BatchRow[], { key, descending }: SortOrder): BatchRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, key);
    const y = valueOf(b, key);
    if (x === undefined || y === undefined) return x === y ? a.id - b.id : x === undefined ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return order !== 0 ? sign * order : a.id - b.id;
  });
}
