// The end of a classify run: the records as JSON on stdout or CSV (to a file, or stdout with
// --csv -), the summary on stderr, and the exit code (1 when any file failed).
import { writeFileSync } from 'node:fs';
import type { ZooManifest } from '../model/zoo';
import type { ClassifyCommand } from './args';
import { accuracyOf, toCsv, type FileRecord } from './output';

export interface ClassifyRun {
  model: ZooManifest;
  /** The taught head's name and classes, when classify --head ran. */
  head?: { name: string; classes: string[] } | null;
  records: FileRecord[];
  device: string;
  jobs: number;
  seconds: { total: number; classify: number };
}

export function reportClassify(command: ClassifyCommand, run: ClassifyRun, log: (line: string) => void): number {
  const failed = run.records.filter((r) => r.error !== null);
  const classified = run.records.length - failed.length;
  const classes = run.head?.classes ?? run.model.classes;
  const accuracy = accuracyOf(run.records, classes);
  const cloudsPerSecond = run.records.length / Math.max(run.seconds.classify, 1e-6);
  const summary = {
    files: run.records.length,
    classified,
    failed: failed.length,
    accuracy,
    seconds: { total: round(run.seconds.total, 2), classify: round(run.seconds.classify, 2) },
    cloudsPerSecond: round(cloudsPerSecond, 2),
  };
  if (command.output.kind === 'json') {
    const out = {
      model: run.model.id,
      head: run.head?.name ?? null,
      device: run.device,
      jobs: run.jobs,
      votes: command.votes ?? run.model.votes ?? 1,
      summary,
      files: run.records,
    };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } else if (command.output.file === '-') {
    process.stdout.write(toCsv(run.records));
  } else {
    writeFileSync(command.output.file, toCsv(run.records));
    log(`wrote ${run.records.length} row(s) to ${command.output.file}`);
  }
  log(`${classified} of ${run.records.length} file(s) classified, ${failed.length} failed, in ${summary.seconds.total} s (${summary.cloudsPerSecond} clouds/s after the model opened)`);
  if (accuracy) {
    log(`accuracy over ${accuracy.files} file(s) in class folders: ${(100 * accuracy.overall).toFixed(2)} % overall, ${(100 * accuracy.meanClass).toFixed(2)} % mean class`);
    if (accuracy.unknownClasses.length) log(`folders that are not a class of the model (not counted): ${accuracy.unknownClasses.join(', ')}`);
  }
  for (const r of failed) log(`failed: ${r.file}: ${r.error}`);
  return failed.length ? 1 : 0;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
