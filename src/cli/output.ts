// What classify reports: one record per file (its error when it failed), the run's summary with
// the accuracy when files sit in class folders, as JSON or CSV (Papa.unparse: quoting and
// escaping by a well-kept library, as the app's download does).
import Papa from 'papaparse';
import type { Classified } from './classifyFile';
import type { InputFile } from './walk';

export interface FileRecord {
  file: string;
  /** The class folder the file sits in (its true class), or null. */
  class: string | null;
  format: string | null;
  points: number | null;
  top1: string | null;
  probability: number | null;
  top5: { label: string; probability: number }[];
  logits: number[] | null;
  ms: number | null;
  warnings: string[];
  error: string | null;
}

export function okRecord(input: InputFile, r: Classified): FileRecord {
  return {
    file: input.name,
    class: input.label,
    format: r.format,
    points: r.points,
    top1: r.top[0]?.label ?? null,
    probability: r.top[0]?.probability ?? null,
    top5: r.top,
    logits: r.logits,
    ms: Math.round(r.ms * 10) / 10,
    warnings: r.warnings,
    error: null,
  };
}

export function failedRecord(input: InputFile, error: string): FileRecord {
  return { file: input.name, class: input.label, format: null, points: null, top1: null, probability: null, top5: [], logits: null, ms: null, warnings: [], error };
}

export interface Accuracy {
  /** Classified files whose class folder is one of the model's (or head's) classes. */
  files: number;
  overall: number;
  meanClass: number;
  /** Class folders that are not a class of the model: their files are not counted. */
  unknownClasses: string[];
}

/** Overall and mean class accuracy over the classified files in class folders, or null. */
export function accuracyOf(records: readonly FileRecord[], classes: readonly string[]): Accuracy | null {
  const known = new Set(classes);
  const perClass = new Map<string, { right: number; all: number }>();
  const unknown = new Set<string>();
  for (const r of records) {
    if (r.class === null || r.error !== null) continue;
    if (!known.has(r.class)) {
      unknown.add(r.class);
      continue;
    }
    const c = perClass.get(r.class) ?? { right: 0, all: 0 };
    c.all++;
    if (r.top1 === r.class) c.right++;
    perClass.set(r.class, c);
  }
  if (perClass.size === 0 && unknown.size === 0) return null;
  const counts = [...perClass.values()];
  const files = counts.reduce((s, c) => s + c.all, 0);
  return {
    files,
    overall: files ? counts.reduce((s, c) => s + c.right, 0) / files : 0,
    meanClass: counts.length ? counts.reduce((s, c) => s + c.right / c.all, 0) / counts.length : 0,
    unknownClasses: [...unknown].sort(),
  };
}

/** One CSV row per file; top5 as "label probability" pairs joined by "; ". */
export function toCsv(records: readonly FileRecord[]): string {
  return Papa.unparse(
    records.map((r) => ({
      file: r.file,
      class: r.class ?? '',
      format: r.format ?? '',
      points: r.points ?? '',
      top1: r.top1 ?? '',
      probability: r.probability ?? '',
      top5: r.top5.map((t) => `${t.label} ${t.probability.toFixed(4)}`).join('; '),
      ms: r.ms ?? '',
      error: r.error ?? '',
    })),
    { columns: ['file', 'class', 'format', 'points', 'top1', 'probability', 'top5', 'ms', 'error'], newline: '\n' },
  ) + '\n';
}
