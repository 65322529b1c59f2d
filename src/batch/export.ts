// A batch's results as files to download: CSV (written by papaparse, so quoting and line breaks in
// paths or messages are right) and JSON. One row per file, in batch order.
import Papa from 'papaparse';
import type { BatchRow } from './rows';
import type { BatchAccuracy, Confusion } from './stats';

/** Columns of the top classes in the CSV. */
export const CSV_TOP = 5;

export interface BatchMeta {
  /** The model's id. */
  model: string;
  /** Up axis the clouds were classified with. */
  up: string;
  /** Point orders averaged; null = the model's default. */
  votes: number | null;
  /** ISO time the batch started. */
  started: string;
  /** The taught head the batch ranked with (its classes, not the model's); absent: the model's. */
  head?: { name: string; classes: string[] };
}

/** Rows for the CSV: file, folder, points, up, top1, probability1, ..., top5, probability5, sure, correct, ms, error. */
export function csvRecords(rows: readonly BatchRow[], classOf?: ReadonlyMap<string, number | null>): Record<string, string | number>[] {
  return rows.map((row) => {
    const record: Record<string, string | number> = { file: row.path, folder: row.folder ?? '', points: row.points ?? '', up: row.up ?? '' };
    for (let k = 0; k < CSV_TOP; k++) {
      const ranked = row.top?.[k];
      record[`top${k + 1}`] = ranked?.label ?? '';
      record[`probability${k + 1}`] = ranked ? Number(ranked.probability.toFixed(6)) : '';
    }
    record.sure = row.notSure === undefined ? '' : row.notSure ? 'no' : 'yes';
    record.correct = correctness(row, classOf);
    record.ms = row.ms !== undefined ? Math.round(row.ms) : '';
    record.error = row.error ?? '';
    return record;
  });
}

/** 'yes' / 'no' when the folder names a class and the file was classified, else empty. */
function correctness(row: BatchRow, classOf?: ReadonlyMap<string, number | null>): string {
  const truth = row.folder !== undefined ? classOf?.get(row.folder) : undefined;
  const top = row.top?.[0];
  if (truth === undefined || truth === null || !top) return '';
  return truth === top.index ? 'yes' : 'no';
}

export function toCsv(rows: readonly BatchRow[], classOf?: ReadonlyMap<string, number | null>): string {
  // escapeFormulae: a cell starting with = + - @ would run as a formula in a spreadsheet; such text
  // cells get a leading apostrophe (numbers are left alone).
  return Papa.unparse(csvRecords(rows, classOf), { escapeFormulae: true, newline: '\n' });
}

export interface BatchJson {
  meta: BatchMeta;
  files: {
    file: string;
    folder: string | null;
    points: number | null;
    up: string | null;
    notSure: boolean | null;
    top: { label: string; probability: number }[];
    ms: number | null;
    error: string | null;
  }[];
  /** Present when files sat in class folders that match the batch's classes (the model's, or the head's: meta.head). */
  accuracy: { files: number; overall: number; meanClass: number; classes: string[]; confusion: number[][] } | null;
}

export function toJson(rows: readonly BatchRow[], meta: BatchMeta, labels: readonly string[], accuracy: BatchAccuracy | null, matrix: Confusion | null): BatchJson {
  return {
    meta,
    files: rows.map((row) => ({
      file: row.path,
      folder: row.folder ?? null,
      points: row.points ?? null,
      up: row.up ?? null,
      notSure: row.notSure ?? null,
      top: (row.top ?? []).map(({ label, probability }) => ({ label, probability })),
      ms: row.ms ?? null,
      error: row.error ?? null,
    })),
    accuracy:
      accuracy && matrix
        ? { files: accuracy.count, overall: accuracy.overall, meanClass: accuracy.meanClass, classes: matrix.classes.map((c) => labels[c]), confusion: matrix.counts }
        : null,
  };
}
