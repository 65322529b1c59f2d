// `any2point teach <folder> --out head.json`: the frozen model's `features` output (its own head's
// input) for every file in <folder>/<class>/, computed by the worker pool through the same
// pipeline as classify; then the app's teaching code (src/teach): a head trained on all of them,
// its stratified cross-validated accuracy, and the versioned head file the app also saves and
// loads. A file that fails is reported and left out (exit code 1); the head is still written
// when every class kept an example.
import { writeFileSync } from 'node:fs';
import { crossValidate } from '../teach/crossValidate';
import { DEFAULT_ITERATIONS, DEFAULT_WEIGHT_DECAY, trainHead } from '../teach/head';
import { headFileText } from '../teach/headFile';
import { modelIdentity } from '../model/taughtHead';
import { UsageError, type TeachCommand } from './args';
import type { CliContext } from './context';
import { chooseModel, readModelFiles } from './models';
import { jobsFor, runPool } from './pool';
import { Progress } from './progress';
import { walkInputs } from './walk';

export async function teach(command: TeachCommand, { root, workerScript, log }: CliContext): Promise<number> {
  const started = performance.now();
  const walked = walkInputs([command.folder]);
  const files = walked.files.filter((f) => f.label !== null);
  const loose = walked.files.length - files.length;
  if (loose) log(`${loose} file(s) directly in ${command.folder} (not in a class folder): left out`);
  const classes = [...new Set(files.map((f) => f.label as string))].sort(new Intl.Collator('en', { numeric: true }).compare);
  if (classes.length < 2) throw new UsageError(`teach needs at least two class folders with files in ${command.folder}, found ${classes.length}`);
  const id = chooseModel(root, command.model);
  const model = await readModelFiles(root, id, log);
  if (!model.manifest.onnx.outputs.includes('features')) {
    throw new Error(`${id} has no 'features' output (its outputs: ${model.manifest.onnx.outputs.join(', ')}): export it again with any2point.export to teach on it`);
  }
  const jobs = jobsFor(command.jobs, files.length);
  const features: (Float32Array | null)[] = files.map(() => null);
  const failed: { file: string; error: string }[] = [];
  const progress = new Progress(files.length, log);
  await runPool(files.map((f) => f.path), {
    script: workerScript,
    setup: { task: 'features', files: model, device: command.device, votes: 1, up: command.up, keepEveryPoint: command.keepEveryPoint, objects: false, head: null },
    jobs,
    onReady: (ready) => {
      log(`${id}: features of ${files.length} file(s) in ${classes.length} classes on ${ready.geometry === 'gpu' ? 'WebGPU (geometry; network on wasm)' : 'CPU'}, ${jobs} worker thread(s)`);
      if (ready.reason) log(`not on WebGPU: ${ready.reason}`);
    },
    onMixed: (ready) => log(`workers differ: one runs the geometry on ${ready.geometry === 'gpu' ? 'WebGPU' : `the CPU${ready.reason ? ` (${ready.reason})` : ''}`}`),
    onResult: (index, outcome) => {
      const name = files[index].name;
      if (outcome.ok) features[index] = outcome.value as Float32Array;
      else failed.push({ file: name, error: outcome.error });
      progress.done(name, outcome.ok ? `${files[index].label}: features` : outcome.error, !outcome.ok);
    },
  });
  const kept = files.map((f, i) => ({ label: classes.indexOf(f.label as string), row: features[i] })).filter((k) => k.row !== null);
  const counts = classes.map((_, c) => kept.filter((k) => k.label === c).length);
  const empty = classes.filter((_, c) => counts[c] === 0);
  if (empty.length) throw new Error(`no file of class ${empty.join(', ')} could be read: no head written`);
  const dim = kept[0].row!.length;
  const rows = new Float32Array(kept.length * dim);
  kept.forEach((k, i) => rows.set(k.row!, i * dim));
  const examples = { features: rows, dim, labels: kept.map((k) => k.label), classes };
  const t0 = performance.now();
  const head = trainHead(examples);
  const cv = crossValidate(examples);
  const trainSeconds = (performance.now() - t0) / 1000;
  const identity = modelIdentity(model.manifest);
  writeFileSync(command.out, headFileText({
    model: { id: identity.modelId, sha256: identity.modelSha256 },
    created: new Date().toISOString(),
    head,
    examplesPerClass: counts,
    crossValidation: cv.possible ? { folds: cv.folds, accuracy: cv.accuracy } : null,
    training: { method: 'logistic-regression', weightDecay: DEFAULT_WEIGHT_DECAY, iterations: DEFAULT_ITERATIONS },
  }));
  const summary = {
    out: command.out,
    model: id,
    classes,
    examplesPerClass: counts,
    crossValidation: cv.possible ? { folds: cv.folds, accuracy: cv.accuracy } : { possible: false, reason: cv.reason },
    failed,
    seconds: { total: Math.round((performance.now() - started) / 10) / 100, training: Math.round(trainSeconds * 100) / 100 },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
  log(`head for ${classes.length} classes (${counts.join(', ')} examples) written to ${command.out}` +
    (cv.possible ? `; ${cv.folds}-fold cross-validated accuracy ${(100 * cv.accuracy).toFixed(1)} %` : `; no cross-validation: ${cv.reason}`));
  for (const f of failed) log(`failed: ${f.file}: ${f.error}`);
  return failed.length ? 1 : 0;
}
