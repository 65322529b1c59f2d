// `npm run bench:teach -- <out>`: the app's way of teaching classes, measured (docs/teach.md).
// Reads what `any2point.tools.fewshot --out <out>` wrote (the exported model's `features` of the
// drawn training shapes and of every test shape of ten ModelNet40 classes), teaches a head with
// src/teach/head.ts exactly as the app does (default options) on 1, 5 and 20 shots per class,
// and prints test accuracy, cross-validated accuracy and training time for the first draw, beside
// the fine-tuning figures of the same shapes in <out>/fewshot.json when present, and the spread
// over every draw (--seeds). Writes <out>/teach.json.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crossValidate } from '../src/teach/crossValidate';
import { headLogits, trainHead } from '../src/teach/head';

interface SetMeta {
  count: number;
  labels: number[];
  ids: string[];
  maxDiffPyTorch: number;
}
interface Meta {
  model: string;
  sha256: string;
  dim: number;
  classes: string[];
  /** Per seed, per class: rows of the train set, in draw order (k shots = the first k). */
  draws: number[][][];
  seeds: number[];
  shots: number[];
  sets: { train: SetMeta; test: SetMeta };
  /** The model's own (40-class) head on the test shapes, restricted to these classes. */
  ownHead: { overallAccuracy: number; meanClassAccuracy: number };
}

// `node -e ... -- <out>` puts <out> at argv[1]; `node script <out>` at argv[2]: the last one either way.
const out = process.argv.length > 1 ? process.argv[process.argv.length - 1] : undefined;
if (out && !existsSync(path.join(out, 'features', 'meta.json'))) throw new Error(`bench:teach: ${out}/features/meta.json not found (run any2point.tools.fewshot --out ${out} first)`);
if (!out) throw new Error('usage: npm run bench:teach -- <folder written by any2point.tools.fewshot --out>');
const meta = JSON.parse(readFileSync(path.join(out, 'features', 'meta.json'), 'utf8')) as Meta;
const rows = (tag: string, count: number) => {
  const b = readFileSync(path.join(out, 'features', `${tag}.f32`));
  const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  if (f.length !== count * meta.dim) throw new Error(`${tag}.f32 holds ${f.length} values, expected ${count} x ${meta.dim}`);
  return f;
};
const train = rows('train', meta.sets.train.count);
const test = rows('test', meta.sets.test.count);
const c = meta.classes.length;
const { dim } = meta;

function accuracy(logits: Float32Array, labels: number[]): { overall: number; meanClass: number } {
  const hit = new Array<number>(c).fill(0), seen = new Array<number>(c).fill(0);
  labels.forEach((l, i) => {
    let best = 0;
    for (let q = 1; q < c; q++) if (logits[i * c + q] > logits[i * c + best]) best = q;
    seen[l]++;
    if (best === l) hit[l]++;
  });
  const total = hit.reduce((a, b) => a + b, 0);
  return { overall: total / labels.length, meanClass: hit.reduce((a, h, q) => a + h / seen[q], 0) / c };
}

function teach(draw: number[][], k: number) {
  const picked = draw.flatMap((r) => r.slice(0, k));
  const features = new Float32Array(picked.length * dim);
  picked.forEach((r, i) => features.set(train.subarray(r * dim, (r + 1) * dim), i * dim));
  const examples = { features, dim, labels: picked.map((r) => meta.sets.train.labels[r]), classes: meta.classes };
  const t0 = performance.now();
  const head = trainHead(examples);
  const trainMs = performance.now() - t0;
  const cv = crossValidate(examples);
  const acc = accuracy(headLogits(head, test), meta.sets.test.labels);
  return { shots: k, trainMs, test: acc, crossValidation: cv.possible ? { folds: cv.folds, accuracy: cv.accuracy } : null };
}

const results = meta.shots.map((k) => teach(meta.draws[0], k));
const spread = meta.shots.map((k) => {
  const overall = meta.draws.map((d) => teach(d, k).test.overall);
  return { shots: k, draws: overall.length, mean: overall.reduce((a, b) => a + b, 0) / overall.length, min: Math.min(...overall), max: Math.max(...overall) };
});

const fewshot = path.join(out, 'fewshot.json');
const tuned = existsSync(fewshot) ? (JSON.parse(readFileSync(fewshot, 'utf8')).finetune as { shots: number; overallAccuracy: number; meanClassAccuracy: number; steps: number; trainSeconds: number }[]) : [];
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
console.log(`${meta.model}: ${c} classes (${meta.classes.join(', ')}), ${meta.sets.test.count} test shapes, draw seeds ${meta.seeds.join(', ')}; ` +
  `features by onnxruntime-web, max |ONNX - PyTorch| ${Math.max(meta.sets.train.maxDiffPyTorch, meta.sets.test.maxDiffPyTorch).toExponential(2)}`);
console.log(`the model's own 40-class head restricted to these classes (it was trained on them): ${pct(meta.ownHead.overallAccuracy)} / ${pct(meta.ownHead.meanClassAccuracy)}`);
console.log(`draw seed ${meta.seeds[0]}:`);
console.log('| shots per class | taught head (app): test overall / mean class | its CV accuracy | head training | fine-tuned (train.py --init): overall / mean class | fine-tuning |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const ft = tuned.find((t) => t.shots === r.shots);
  console.log(`| ${r.shots} | ${pct(r.test.overall)} / ${pct(r.test.meanClass)} | ${r.crossValidation ? `${pct(r.crossValidation.accuracy)} (${r.crossValidation.folds} folds)` : 'not possible (1 per class)'} | ` +
    `${r.trainMs.toFixed(0)} ms | ${ft ? `${pct(ft.overallAccuracy)} / ${pct(ft.meanClassAccuracy)}` : '-'} | ${ft ? `${ft.steps} steps, ${ft.trainSeconds.toFixed(0)} s` : '-'} |`);
}
console.log(`taught head, test overall accuracy over ${meta.seeds.length} draws (seeds ${meta.seeds.join(', ')}): ` +
  spread.map((r) => `${r.shots} shots ${pct(r.mean)} (${pct(r.min)} to ${pct(r.max)})`).join('; '));
writeFileSync(path.join(out, 'teach.json'), JSON.stringify({ model: meta.model, classes: meta.classes, seeds: meta.seeds, ownHead: meta.ownHead, results, spread, finetune: tuned }, null, 1) + '\n');
