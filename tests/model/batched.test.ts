// Every network pass of one classify (candidate ups x votes) goes through onnxruntime as one
// batched run (src/model/batchFeeds.ts), with the results of the passes run one by one: the zoo's
// real models (exported with a symbolic batch axis) on wasm, real ModelNet40 test clouds. A model
// exported with batch 1 (the tiny test model, like an old cached one) still runs, a pass per run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web/wasm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { referenceOf, testCloud, zooModel } from '../../e2e/modelnet';
import { uniformCloud } from '../../harness/synthetic';
import { MAX_PASSES_PER_RUN } from '../../src/model/batchFeeds';
import { openClassifier, type Classifier } from '../../src/model/classifier';
import { decide } from '../../src/model/decide';
import { rolled } from '../../src/model/votes';
import { parseManifest } from '../../src/model/zoo';
import { tinyZooModel } from './tinyManifest';

const root = join(__dirname, '..', '..');
const TOLERANCE = 1e-5;

async function openZoo(id: string): Promise<Classifier> {
  const dir = join(root, 'public', 'models', id);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  let frozen: Uint8Array | null = null;
  if (manifest.frozen) {
    execFileSync('node', [join(root, 'scripts', 'assemble-model.mjs'), dir], { cwd: root, stdio: 'pipe' });
    frozen = new Uint8Array(readFileSync(join(dir, manifest.frozen.file)));
  }
  const clf = await openClassifier({ manifest, model: new Uint8Array(readFileSync(join(dir, manifest.onnx.file))), frozen }, { device: 'wasm' });
  await clf.classify(testCloud(referenceOf(id)[0].id).points, { up: 'z', votes: 1 }); // the warm-up run is behind us
  return clf;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** onnxruntime's own run calls (below src/model/session.ts), counted. */
const ortRuns = () => vi.spyOn((ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype, 'run');

const open: Classifier[] = [];
afterAll(() => Promise.all(open.map((c) => c.dispose())));
afterEach(() => vi.restoreAllMocks());

describe('all passes of a classify in one batched network run', () => {
  const id = zooModel();

  it(`${id}: Auto up is one run, and each up's logits are those of its forced one-vote run`, async () => {
    const clf = await openZoo(id);
    open.push(clf);
    const { manifest } = clf;
    for (const ref of referenceOf(id).slice(0, 3)) {
      const points = testCloud(ref.id).points;
      const runs = ortRuns();
      const auto = await clf.classify(points, { up: 'auto', votes: 1 });
      expect(runs).toHaveBeenCalledTimes(1);
      expect(auto.timings.runs).toBe(1);
      runs.mockRestore();
      const z = await clf.classify(points, { up: 'z', votes: 1 });
      const y = await clf.classify(points, { up: 'y', votes: 1 });
      // Both ups' passes: decide() over the one-by-one runs gives the batched run's answer.
      const want = decide([{ up: 'z', voteLogits: z.voteLogits }, { up: 'y', voteLogits: y.voteLogits }], manifest.classes, manifest.calibration);
      expect(auto.answer.up).toBe(want.answer.up);
      auto.answer.upScores.forEach((s, i) => expect(Math.abs(s.confidence - want.answer.upScores[i].confidence)).toBeLessThan(TOLERANCE));
      const chosen = [z, y][want.chosen];
      expect(maxDiff(auto.logits, chosen.logits)).toBeLessThan(TOLERANCE);
      expect(maxDiff(auto.attention.data, chosen.attention.data)).toBeLessThan(TOLERANCE);
      expect(maxDiff(auto.features!, chosen.features!)).toBeLessThan(TOLERANCE);
      expect(auto.tokens).toEqual(chosen.tokens);
      expect(Array.from(auto.tokenOfPoint)).toEqual(Array.from(chosen.tokenOfPoint));
      // And PyTorch's logits for the cloud z up, from the same batch.
      if (want.answer.up === 'z') expect(maxDiff(auto.logits, ref.logits)).toBeLessThan(1e-4);
    }
  }, 300_000);

  it(`${id}: votes in one run equal one-vote runs of the rolled clouds`, async () => {
    const clf = open[0] ?? (await openZoo(id));
    const points = testCloud(referenceOf(id)[1].id).points;
    const runs = ortRuns();
    const voted = await clf.classify(points, { up: 'y', votes: 3 });
    expect(runs).toHaveBeenCalledTimes(1);
    runs.mockRestore();
    for (let v = 0; v < 3; v++) {
      const one = await clf.classify(rolled(points, v), { up: 'y', votes: 1 });
      expect(maxDiff(voted.voteLogits[v], one.logits)).toBeLessThan(TOLERANCE);
    }
  }, 300_000);

  it(`none-modelnet40: more than ${MAX_PASSES_PER_RUN} passes go in runs of at most ${MAX_PASSES_PER_RUN}, same results`, async () => {
    const clf = await openZoo('none-modelnet40');
    open.push(clf);
    const points = testCloud(referenceOf('none-modelnet40')[2].id).points;
    const runs = ortRuns();
    const many = await clf.classify(points, { up: 'auto', votes: 10 }); // 20 passes: 16 + 4
    expect(runs).toHaveBeenCalledTimes(2);
    expect(many.timings.runs).toBe(2);
    for (const call of runs.mock.calls) expect((call[0] as Record<string, ort.Tensor>).points.dims[0]).toBeLessThanOrEqual(MAX_PASSES_PER_RUN);
    runs.mockRestore();
    const alone = await clf.classify(points, { up: many.answer.up as 'z' | 'y', votes: 10 });
    many.voteLogits.forEach((l, v) => expect(maxDiff(l, alone.voteLogits[v])).toBeLessThan(TOLERANCE));
  }, 300_000);

  it('a model with a fixed batch of 1 runs one pass per run, as before', async () => {
    const tiny = tinyZooModel();
    const clf = await openClassifier({ manifest: parseManifest(tiny.manifest), model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    open.push(clf);
    const r = await clf.classify(uniformCloud(200, 4), { up: 'auto', votes: 2 });
    expect(r.timings.runs).toBe(4);
    expect(r.voteLogits).toHaveLength(2);
  });
});
