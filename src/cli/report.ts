// The end of a classify run: the app's JSON on stdout (with the run's summary) or the app's CSV
// (to a file, or stdout with --csv -), the summary on stderr, and the exit code (1 when any file
// failed).
import { writeFileSync } from 'node:fs';
import type { ZooManifest } from '../model/zoo';
import type { ClassifyCommand } from './args';
import { summarise } from '../batch/summary';
import { csvOf, jsonFiles, scoredRows, type FileOutcome } from './output';

export interface ClassifyRun {
  model: ZooManifest;
  /** The taught head's name and classes, when classify --head ran. */
  head: { name: string; classes: string[] } | null;
  outcomes: FileOutcome[];
  device: string;
  jobs: number;
  started: Date;
  seconds: { total: number; classify: number };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function reportClassify(command: ClassifyCommand, run: ClassifyRun, log: (line: string) => void): number {
  const failed = run.outcomes.filter((o) => o.row.status === 'failed');
  const files = run.outcomes.length;
  const classes = run.head?.classes ?? run.model.classes;
  // Every cloud classified: a file's, and with --archive-models its archive's or batch's others.
  const clouds = files + run.outcomes.reduce((n, o) => n + Math.max(0, (o.classified?.archiveModels?.length ?? 1) - 1), 0);
  const summary = {
    files,
    classified: files - failed.length,
    failed: failed.length,
    seconds: { total: round(run.seconds.total, 2), classify: round(run.seconds.classify, 2) },
    clouds,
    cloudsPerSecond: round(clouds / Math.max(run.seconds.classify, 1e-6), 2),
  };
  const labelled = summarise(scoredRows(run.outcomes), classes);
  if (command.output.kind === 'json') {
    // As the app's batch JSON: meta.head names the taught head and its classes when one ranked.
    const meta = { model: run.model.id, up: command.up, votes: command.votes, started: run.started.toISOString(), ...(run.head ? { head: { name: run.head.name, classes: [...run.head.classes] } } : {}) };
    const out = { ...jsonFiles(run.outcomes, meta, classes), cli: { head: run.head?.name ?? null, device: run.device, jobs: run.jobs, summary } };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } else if (command.output.file === '-') {
    process.stdout.write(csvOf(run.outcomes, classes));
  } else {
    writeFileSync(command.output.file, csvOf(run.outcomes, classes));
    log(`wrote ${files} row(s) to ${command.output.file}`);
  }
  const more = clouds > files ? `; ${clouds} clouds with the archives' and batches' other models` : '';
  log(`${summary.classified} of ${files} file(s) classified, ${failed.length} failed, in ${summary.seconds.total} s (${summary.cloudsPerSecond} clouds/s once the model was open${more})`);
  const accuracy = labelled?.accuracy;
  if (accuracy) log(`accuracy over ${accuracy.count} file(s) in class folders or cloud(s) of labelled data sets: ${(100 * accuracy.overall).toFixed(2)} % overall, ${(100 * accuracy.meanClass).toFixed(2)} % mean class`);
  if (labelled?.matching.unmatched.length) log(`class folders or data set labels that name no class of the model (not scored): ${labelled.matching.unmatched.join(', ')}`);
  for (const o of failed) log(`failed: ${o.row.path}: ${o.row.error}`);
  return failed.length ? 1 : 0;
}
