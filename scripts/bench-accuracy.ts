// `npm run bench:accuracy`: ModelNet40 test accuracy measured in the browser. Every test cloud of
// ../shared/datasets/modelnet40 goes through the app's model worker (the pipeline the UI runs:
// normalise -> geometry -> onnxruntime-web) in headless Chromium, on wasm by default; top-1 hits
// give overall and mean class accuracy, compared with PyTorch's test figures in the model's
// report.json and, cloud by cloud, with PyTorch's own top-1 (any2point.evaluate --predictions,
// cached under bench-results/ by model hash). Prints a summary and writes
// bench-results/accuracy.json (accuracy-sample.json for --limit runs). Run `vite build` first
// (the npm script does).
//   flags: --limit N (an even spread of N clouds) --device wasm|webgpu --model <id> --batch 32 --no-pytorch
//          --votes N (point orders averaged per cloud, src/model/votes.ts; default the manifest's)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import { preview } from 'vite';
import { chromiumArgs } from '../playwright.config';
import { zooModel } from '../e2e/modelnet';
import type { AccuracyPage, BatchResult, OpenSummary } from '../harness/accuracyPage';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const DEVICE = flag('device') ?? 'wasm';
const LIMIT = flag('limit') ? Number(flag('limit')) : undefined;
const BATCH = Number(flag('batch') ?? 32);
const VOTES = flag('votes') ? Number(flag('votes')) : undefined;
const WITH_PYTORCH = !process.argv.includes('--no-pytorch');
const MODELNET = path.join(process.env.ANY2POINT_SHARED ?? path.resolve('..', 'shared'), 'datasets', 'modelnet40');
const POINTS = 1024;
const TOLERANCE_POINTS = 0.1;

if (DEVICE !== 'wasm' && DEVICE !== 'webgpu') throw new Error(`bench:accuracy: --device must be wasm or webgpu, got ${DEVICE}`);
if (LIMIT !== undefined && !(Number.isInteger(LIMIT) && LIMIT > 0)) throw new Error('bench:accuracy: --limit takes a positive whole number');
if (!(Number.isInteger(BATCH) && BATCH > 0)) throw new Error('bench:accuracy: --batch takes a positive whole number');
if (VOTES !== undefined && !(Number.isInteger(VOTES) && VOTES > 0)) throw new Error('bench:accuracy: --votes takes a positive whole number');

/** The model asked for, or the app's default (the zoo's first), as bench:e2e does. */
function modelId(): string {
  return flag('model') ?? zooModel();
}

interface TestSplit {
  ids: string[];
  labels: Uint8Array;
  classes: string[];
  points: Buffer;
}

function testSplit(): TestSplit {
  const file = (name: string) => {
    const p = path.join(MODELNET, name);
    if (!existsSync(p)) throw new Error(`bench:accuracy: ${p} is missing (ModelNet40 in ../shared/datasets or $ANY2POINT_SHARED)`);
    return readFileSync(p);
  };
  const split = {
    ids: file('test_ids.txt').toString('utf8').trim().split('\n'),
    labels: new Uint8Array(file('test_labels.u8')),
    classes: file('shape_names.txt').toString('utf8').trim().split('\n'),
    points: file('test_points.f32'),
  };
  if (split.ids.length !== split.labels.length || split.points.length !== split.labels.length * POINTS * 12) {
    throw new Error(`bench:accuracy: ${MODELNET}: ids, labels and points disagree on the number of clouds`);
  }
  return split;
}

/** All rows, or `limit` rows spread evenly over the split (it is ordered by class). */
function chooseRows(count: number, limit?: number): number[] {
  if (!limit || limit >= count) return Array.from({ length: count }, (_, i) => i);
  if (limit === 1) return [0];
  return Array.from({ length: limit }, (_, i) => Math.round((i * (count - 1)) / (limit - 1)));
}

interface TorchPredictions {
  ids: string[];
  labels: number[];
  predictions: number[];
}

/** PyTorch's top-1 of every test cloud for this exact model.onnx and vote count, computed once and kept. */
function pytorchPredictions(model: string, sha: string, votes: number): TorchPredictions | string {
  const cached = path.join('bench-results', `pytorch-predictions-${model}-${sha.slice(0, 12)}${votes > 1 ? `-votes${votes}` : ''}.json`);
  if (!existsSync(cached)) {
    console.log(`  PyTorch top-1 of every test cloud (any2point.evaluate --model-dir; ~1-4 min a vote) -> ${cached}`);
    try {
      execFileSync('/usr/bin/python3', ['-m', 'any2point.evaluate', '--model-dir', `public/models/${model}`, '--predictions', cached, '--votes', String(votes)], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, PYTHONPATH: 'training', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
      });
    } catch (error) {
      return `not compared: any2point.evaluate failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  return JSON.parse(readFileSync(cached, 'utf8')) as TorchPredictions;
}

const argmax = (xs: ArrayLike<number>, from: number, n: number) => {
  let best = 0;
  for (let i = 1; i < n; i++) if (xs[from + i] > xs[from + best]) best = i;
  return best;
};

function accuracy(labels: number[], predicted: number[], classCount: number) {
  const hits = new Array<number>(classCount).fill(0);
  const support = new Array<number>(classCount).fill(0);
  labels.forEach((label, i) => {
    support[label]++;
    if (predicted[i] === label) hits[label]++;
  });
  const present = support.map((s, c) => (s > 0 ? hits[c] / s : null)).filter((a): a is number => a !== null);
  return {
    hits: hits.reduce((a, b) => a + b, 0),
    overall: hits.reduce((a, b) => a + b, 0) / labels.length,
    meanClass: present.reduce((a, b) => a + b, 0) / present.length,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

async function main(): Promise<void> {
  const model = modelId();
  if (!existsSync('dist/accuracy.html')) throw new Error('bench:accuracy: run `vite build` first (dist/accuracy.html is missing)');
  const manifest = JSON.parse(readFileSync(`public/models/${model}/manifest.json`, 'utf8')) as {
    classes: string[];
    files: Record<string, { sha256: string }>;
    onnx: { file: string };
    metrics: { testOverallAccuracy: number | null; testMeanClassAccuracy: number | null };
    votes?: number;
  };
  const votes = VOTES ?? manifest.votes ?? 1;
  const split = testSplit();
  if (manifest.classes.join('\n') !== split.classes.join('\n')) throw new Error(`bench:accuracy: ${model}'s classes are not ModelNet40's`);
  const rows = chooseRows(split.ids.length, LIMIT);
  const torch = WITH_PYTORCH ? pytorchPredictions(model, manifest.files[manifest.onnx.file].sha256, votes) : 'not compared (--no-pytorch)';

  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 4191, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('bench:accuracy: the preview server has no TCP address');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const predicted: number[] = [];
  const classifyMs: number[] = [];
  const backends = new Set<string>();
  const geometryPaths = new Set<string>();
  let opened: OpenSummary;
  const start = Date.now();
  try {
    console.log(`bench:accuracy: model ${model}, ${rows.length} of ${split.ids.length} test clouds on ${DEVICE}, ${votes} vote(s) a cloud, Chromium ${browser.version()}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${address.port}/accuracy.html`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
    opened = await page.evaluate(([id, device]) => (window as unknown as { accuracy: AccuracyPage }).accuracy.open(id, device as 'wasm' | 'webgpu'), [model, DEVICE] as const);
    if (opened.backend !== DEVICE) throw new Error(`bench:accuracy: asked for ${DEVICE}, the model opened on ${opened.backend} (${opened.fallbackReason ?? 'no reason given'})`);
    console.log(`  model open on ${opened.backend} in ${opened.ms.toFixed(0)} ms`);
    const classifyStart = Date.now();
    const classCount = manifest.classes.length;
    for (let at = 0; at < rows.length; at += BATCH) {
      const batch = rows.slice(at, at + BATCH);
      const bytes = Buffer.concat(batch.map((r) => split.points.subarray(r * POINTS * 12, (r + 1) * POINTS * 12)));
      const result: BatchResult = await page.evaluate(
        ([base64, points, n]) => (window as unknown as { accuracy: AccuracyPage }).accuracy.classify(base64, points, n),
        [bytes.toString('base64'), POINTS, votes] as const,
      );
      if (result.probabilities.length !== batch.length * classCount) throw new Error(`bench:accuracy: ${result.probabilities.length} probabilities for ${batch.length} clouds`);
      if (result.votes !== votes) throw new Error(`bench:accuracy: asked for ${votes} votes, the page used ${result.votes}`);
      batch.forEach((_, i) => predicted.push(argmax(result.probabilities, i * classCount, classCount)));
      classifyMs.push(...result.classifyMs);
      result.backends.forEach((b) => backends.add(b));
      result.geometryPaths.forEach((g) => geometryPaths.add(g));
      const done = Math.min(at + BATCH, rows.length);
      if ((at / BATCH) % 10 === 0 || done === rows.length) {
        const s = (Date.now() - classifyStart) / 1000;
        const sofar = accuracy(rows.slice(0, done).map((r) => split.labels[r]), predicted, classCount);
        console.log(`  ${done}/${rows.length} clouds, ${s.toFixed(0)} s (${((1000 * s) / done).toFixed(0)} ms a cloud, ETA ${((s / done) * (rows.length - done)).toFixed(0)} s), OA so far ${pct(sofar.overall)}`);
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  if ([...backends].some((b) => b !== DEVICE)) throw new Error(`bench:accuracy: some clouds ran on ${[...backends]} instead of ${DEVICE}`);

  const labels = rows.map((r) => split.labels[r]);
  const browserAcc = accuracy(labels, predicted, manifest.classes.length);
  // report.json's figures were measured with the manifest's votes: comparable only with as many.
  const sameVotes = votes === (manifest.votes ?? 1);
  const torchOA = sameVotes ? manifest.metrics.testOverallAccuracy : null;
  const torchMeanClass = sameVotes ? manifest.metrics.testMeanClassAccuracy : null;
  const full = rows.length === split.ids.length;
  interface VsTorch {
    overallAccuracy: number;
    meanClassAccuracy: number;
    differingTop1: number;
    differingIds: string[];
  }
  let vsTorch: VsTorch | string = typeof torch === 'string' ? torch : '';
  if (typeof torch !== 'string') {
    if (torch.ids.length !== split.ids.length || torch.ids.some((id, i) => id !== split.ids[i])) throw new Error('bench:accuracy: PyTorch predictions are not in test split order');
    const torchPred = rows.map((r) => torch.predictions[r]);
    const differing = rows.filter((r, i) => predicted[i] !== torch.predictions[r]).map((r) => split.ids[r]);
    const same = accuracy(labels, torchPred, manifest.classes.length);
    vsTorch = { overallAccuracy: same.overall, meanClassAccuracy: same.meanClass, differingTop1: differing.length, differingIds: differing };
  }
  const diffPoints = torchOA === null ? null : 100 * (browserAcc.overall - torchOA);
  const summary = {
    model,
    device: DEVICE,
    votes,
    backend: [...backends],
    geometryPath: [...geometryPaths],
    clouds: rows.length,
    fullTestSet: full,
    hits: browserAcc.hits,
    browser: { overallAccuracy: browserAcc.overall, meanClassAccuracy: browserAcc.meanClass },
    pytorchReport: { overallAccuracy: torchOA, meanClassAccuracy: torchMeanClass, votes: manifest.votes ?? 1, source: `public/models/${model}/report.json` },
    overallDifferencePoints: diffPoints,
    withinTenthPoint: diffPoints === null ? null : Math.abs(diffPoints) <= TOLERANCE_POINTS,
    pytorchSameClouds: vsTorch,
    classifyMsMedian: [...classifyMs].sort((a, b) => a - b)[Math.floor(classifyMs.length / 2)],
    wallSeconds: (Date.now() - start) / 1000,
    cpus: cpus().length,
    when: new Date().toISOString(),
  };

  console.log(`\nbrowser (${DEVICE}, ${rows.length} clouds${full ? ', the full test split' : ', a sample'}): OA ${pct(browserAcc.overall)} (${browserAcc.hits}/${rows.length}), mean class accuracy ${pct(browserAcc.meanClass)}`);
  if (torchOA !== null) {
    console.log(`PyTorch (report.json, full test split): OA ${pct(torchOA)}, mean class accuracy ${torchMeanClass === null ? '?' : pct(torchMeanClass)}`);
    console.log(`difference ${diffPoints!.toFixed(2)} points: ${summary.withinTenthPoint ? 'within' : 'NOT within'} ${TOLERANCE_POINTS} point${full ? '' : ' (a sample against the full split: compare the line below)'}`);
  }
  if (typeof vsTorch === 'string') console.log(`PyTorch per cloud: ${vsTorch}`);
  else console.log(`PyTorch on the same ${rows.length} clouds: OA ${pct(vsTorch.overallAccuracy)}; top-1 differs from the browser on ${vsTorch.differingTop1} cloud(s)`);
  console.log(`median classify ${summary.classifyMsMedian.toFixed(0)} ms a cloud, ${summary.wallSeconds.toFixed(0)} s in all`);
  mkdirSync('bench-results', { recursive: true });
  const out = full && DEVICE === 'wasm' ? 'bench-results/accuracy.json' : 'bench-results/accuracy-sample.json';
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
