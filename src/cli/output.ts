// What classify reports, in the app's batch formats (src/batch): one row per file (its error when
// it failed), the accuracy and confusion matrix when files sit in class folders (folder names
// matched to the model's classes as the app matches them), the CSV the app downloads (papaparse)
// and the app's JSON, each file with what only the CLI adds (format, logits, warnings).
import { toCsv, toJson, type BatchJson } from '../batch/export';
import type { BatchRow } from '../batch/rows';
import { summarise } from '../batch/summary';
import type { Classified } from './classifyFile';
import type { InputFile } from './walk';

/** One file's outcome: the app's batch row, and the CLI's extras when it was classified. */
export interface FileOutcome {
  row: BatchRow;
  classified: Classified | null;
}

export function outcomeOf(id: number, input: InputFile, result: { ok: true; value: Classified } | { ok: false; error: string }): FileOutcome {
  const base = { id, path: input.name, ...(input.label !== null ? { folder: input.label } : {}) };
  if (!result.ok) return { row: { ...base, status: 'failed', error: result.error }, classified: null };
  const r = result.value;
  return { row: { ...base, status: 'done', points: r.points, top: r.top, up: r.up, notSure: r.notSure, ms: r.ms }, classified: r };
}

/** A file in the app's batch JSON, with what only the CLI adds. */
export type CliJsonFile = BatchJson['files'][number] & {
  format: string | null;
  /** Vote 0's logits (the taught head's with --head). */
  logits: number[] | null;
  /** The answer was read from the cloud grown (a sparse cloud, decide.ts step 5); null: failed. */
  grown: boolean | null;
  warnings: string[];
  /** Several objects on a floor: how many; with --objects each one classified alone. */
  objectCount?: number;
  objects?: Classified['objects'];
  /** An archive: its models and the one the answer is for; with --archive-models each one's answer. */
  archive?: Classified['archive'];
  archiveModels?: Classified['archiveModels'];
};

/** The rows the accuracy counts: each file's, but each cloud's of a data set whose labels a names
 * file beside it names (--archive-models; classifyFile.ts `labelClass`), as the app's Batch scores them. */
export function scoredRows(outcomes: readonly FileOutcome[]): BatchRow[] {
  let id = 0;
  return outcomes.flatMap((o): BatchRow[] => {
    const models = o.classified?.archiveModels;
    if (!models?.some((m) => 'labelClass' in m && m.labelClass !== undefined)) return [{ ...o.row, id: id++ }];
    return models.map((m) => {
      const path = `${o.row.path} › ${m.model}`;
      if ('error' in m) return { id: id++, path, status: 'failed', error: m.error };
      return { id: id++, path, status: 'done', points: m.points, top: m.top, up: m.up, notSure: m.notSure, ...(m.labelClass !== undefined ? { folder: m.labelClass } : {}) };
    });
  });
}

export function jsonFiles(outcomes: readonly FileOutcome[], meta: BatchJson['meta'], classes: readonly string[]): BatchJson & { files: CliJsonFile[] } {
  const rows = outcomes.map((o) => o.row);
  const summary = summarise(scoredRows(outcomes), classes);
  const app = toJson(rows, meta, classes, summary?.accuracy ?? null, summary?.confusion ?? null);
  const files = app.files.map((f, i) => {
    const c = outcomes[i].classified;
    return {
      ...f,
      format: c?.format ?? null,
      logits: c?.logits ?? null,
      grown: c?.grown ?? null,
      warnings: c?.warnings ?? [],
      ...(c?.objectCount !== undefined && { objectCount: c.objectCount }),
      ...(c?.objects && { objects: c.objects }),
      ...(c?.archive && { archive: c.archive }),
      ...(c?.archiveModels && { archiveModels: c.archiveModels }),
    };
  });
  return { ...app, files };
}

/** The app's CSV download of the same rows. */
export function csvOf(outcomes: readonly FileOutcome[], classes: readonly string[]): string {
  const rows = outcomes.map((o) => o.row);
  return `${toCsv(rows, summarise(rows, classes)?.matching.classOf)}\n`;
}
