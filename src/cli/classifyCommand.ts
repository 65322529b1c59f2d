// `any2point classify <files or folders>`: the files listed, the model (and a taught head) read,
// the worker pool run, every file reported (report.ts).
import path from 'node:path';
import type { ClassifyCommand } from './args';
import { type Classified, type ClassifiedModel, classNamesBeside, modelAnswer } from './classifyFile';
import type { CliContext } from './context';
import { readHead } from './head';
import { chooseModel, readModelFiles } from './models';
import { outcomeOf, type FileOutcome } from './output';
import { jobsFor, runPool } from './pool';
import { Progress } from './progress';
import { reportClassify } from './report';
import { UsageError } from './args';
import { walkInputs } from './walk';

/** The progress line's note on several objects: how many, and with --objects each one's answer. */
function objectsText(c: Classified): string {
  if (c.objectCount === undefined) return '';
  if (!c.objects) return `; ${c.objectCount} separate objects (--objects classifies each alone)`;
  return `; ${c.objects.map((o) => `object ${o.object}: ${o.top[0]?.label ?? '?'} ${((o.top[0]?.probability ?? 0) * 100).toFixed(1)} %${o.notSure ? ' (not sure)' : ''}`).join(', ')}`;
}

/** Models of an archive or a batch whose answers the progress line shows. */
const SHOWN_MODELS = 8;

/** The progress line's note on an archive of several models: how many, and with --archive-models
 * each one's answer (the first SHOWN_MODELS). */
function archiveText(c: Classified): string {
  const models = c.archive?.models ?? [];
  if (models.length < 2) return '';
  if (!c.archiveModels) return `; ${models.length} models in the archive, read ${c.archive!.read} (--archive-models classifies each)`;
  // A data set of thousands of clouds: the first few on the line, the rest counted (all are in the JSON / CSV).
  const shown = c.archiveModels.slice(0, SHOWN_MODELS).map((m) => `${m.model}: ${'error' in m ? `FAILED (${m.error})` : `${m.top[0]?.label ?? '?'} ${((m.top[0]?.probability ?? 0) * 100).toFixed(1)} %${m.notSure ? ' (not sure)' : ''}`}`);
  const rest = c.archiveModels.length - shown.length;
  const failed = c.archiveModels.filter((m) => 'error' in m).length;
  return `; ${shown.join(', ')}${rest > 0 ? `, and ${rest} more (${failed} of all ${c.archiveModels.length} failed)` : ''}`;
}

/** A model's answer with the class its data set's label names, when one does. */
function labelled(model: ClassifiedModel, labelClass: string | undefined): ClassifiedModel {
  return labelClass === undefined || 'error' in model ? model : { ...model, labelClass };
}

export async function classify(command: ClassifyCommand, { root, workerScript, log }: CliContext): Promise<number> {
  const started = performance.now();
  const { files, skipped, lists, backups } = walkInputs(command.inputs);
  if (skipped) log(`${skipped} file(s) under the folders given are not of a format any2point reads: skipped`);
  if (lists.length) log(`${lists.length} data set list(s) set aside, not point lists (${lists.slice(0, 3).map((p) => path.basename(p)).join(', ')}${lists.length > 3 ? ', ...' : ''})`);
  if (backups.length) log(`${backups.length} Blender backup(s) set aside beside their .blend (${backups.slice(0, 3).map((p) => path.basename(p)).join(', ')}${backups.length > 3 ? ', ...' : ''})`);
  if (!files.length) throw new UsageError(`no files to classify in ${command.inputs.join(', ')}`);
  const id = chooseModel(root, command.model);
  const model = await readModelFiles(root, id, log);
  const head = command.head === null ? null : readHead(command.head, model.manifest);
  // With --archive-models a file may add jobs (its other models), which every worker can take.
  const jobs = jobsFor(command.jobs, command.archiveModels ? Number.POSITIVE_INFINITY : files.length);
  const outcomes: (FileOutcome | null)[] = files.map(() => null);
  const startedAt = new Date();
  const progress = new Progress(files.length, log);
  let device = '';
  let poolStart = performance.now();
  /** Files waiting for their other models (--archive-models), and those models' jobs; a data set's
   * models' classes when its labels are named beside it (shape_names.txt). */
  const waiting = new Map<number, { done: FileOutcome; models: (ClassifiedModel | null)[]; left: number; classes: (string | undefined)[] }>();
  const modelJobs = new Map<number, { file: number; slot: number; entry: string }>();
  const fileDone = (index: number, done: FileOutcome) => {
    outcomes[index] = done;
    const c = done.classified;
    const top = c?.top[0];
    const answer = c && top ? `${top.label} ${(top.probability * 100).toFixed(1)} %${c.notSure ? ' (not sure)' : ''}, up ${c.up}${objectsText(c)}${archiveText(c)}` : '';
    progress.done(files[index]!.name, done.row.error ?? answer, done.row.status === 'failed');
  };
  await runPool(files.map((f) => f.path), {
    script: workerScript,
    setup: { task: 'classify', files: model, device: command.device, votes: command.votes, up: command.up, keepEveryPoint: command.keepEveryPoint, objects: command.objects, head },
    jobs,
    onReady: (ready) => {
      poolStart = performance.now();
      device = ready.geometry === 'gpu' ? 'WebGPU' : 'CPU';
      const what = head ? `${id} with the taught head ${head.name} (${head.head.classes.length} classes)` : id;
      log(`${what} on ${device} (network: onnxruntime-web ${ready.backend}, geometry: ${ready.geometry === 'gpu' ? 'WebGPU kernels' : 'CPU twins'}), ${jobs} worker thread(s), ${files.length} file(s)`);
      if (ready.reason) log(`not on WebGPU: ${ready.reason}`);
    },
    onMixed: (ready) => {
      device = 'WebGPU and CPU';
      log(`workers differ: one runs the geometry on ${ready.geometry === 'gpu' ? 'WebGPU' : `the CPU${ready.reason ? ` (${ready.reason})` : ''}`}`);
    },
    onResult: (index, outcome, add) => {
      const model = modelJobs.get(index);
      if (model) {
        // One of an archive's or a batch's other models: the file is done with the last of them.
        const file = waiting.get(model.file)!;
        file.models[model.slot] = outcome.ok ? labelled(outcome.value as ClassifiedModel, file.classes[model.slot]) : { model: model.entry, error: outcome.error };
        if (--file.left === 0) {
          waiting.delete(model.file);
          file.done.classified!.archiveModels = file.models as ClassifiedModel[];
          fileDone(model.file, file.done);
        }
        return;
      }
      const done = outcomeOf(index, files[index], outcome.ok ? { ok: true, value: outcome.value as Classified } : outcome);
      const c = done.classified;
      const others = command.archiveModels && c?.archive && c.archive.models.length > 1 ? c.archive.models.filter((m) => m !== c.archive!.read) : [];
      if (c && others.length > 0) {
        // Each other model is a job of its own, so that every worker takes some.
        const archive = c.archive!;
        const names = archive.labels ? classNamesBeside(files[index]!.path) : undefined;
        const slots = [archive.read, ...others];
        const at = new Map(archive.models.map((m, k) => [m, k]));
        const classes = slots.map((m) => names?.[archive.labels?.[at.get(m)!] ?? -1]);
        const first = labelled(modelAnswer(archive.read, c.format, c.points, c), classes[0]);
        waiting.set(index, { done, models: [first, ...others.map(() => null)], left: others.length, classes });
        others.forEach((entry, k) => modelJobs.set(add({ path: files[index]!.path, entry }), { file: index, slot: k + 1, entry }));
        return;
      }
      fileDone(index, done);
    },
  });
  return reportClassify(command, {
    model: model.manifest,
    head: head ? { name: head.name, classes: head.head.classes } : null,
    outcomes: outcomes.filter((o): o is FileOutcome => o !== null),
    started: startedAt,
    device,
    jobs,
    seconds: { total: (performance.now() - started) / 1000, classify: (performance.now() - poolStart) / 1000 },
  }, log);
}
