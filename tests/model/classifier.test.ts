import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, openClassifier } from '../../src/model/classifier';
import { memoryCache } from '../../src/model/cache';
import { computeGeometryCPU } from '../../src/geometry/cpuPipeline';
import { normalise, type UpAxis } from '../../src/geometry/normalise';
import { spacing } from '../../src/geometry/spacing';
import { uniformCloud } from '../../harness/synthetic';
import { softmax } from '../../src/model/postprocess';
import { rolled } from '../../src/model/votes';
import { parseManifest } from '../../src/model/zoo';
import { startServer, type TestServer } from './httpServer';
import { TINY_CLASSES, TINY_SHAPE, tinyZooModel } from './tinyManifest';

/** What the tiny model computes, from the CPU geometry (see tinyModels.ts). */
function expected(points: Float32Array, w: Float32Array, scale: Float32Array, options: { up?: UpAxis; grow?: boolean } = {}) {
  const g = computeGeometryCPU(points, parseManifest(tinyZooModel().manifest).geometry, options);
  const n = TINY_SHAPE.points;
  const mean = [0, 1, 2].map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += g.points[3 * i + c];
    return s / n;
  });
  const logits = Array.from({ length: TINY_SHAPE.classes }, (_, j) => mean[0] * w[j] + mean[1] * w[TINY_SHAPE.classes + j] + mean[2] * w[2 * TINY_SHAPE.classes + j]);
  const t = TINY_SHAPE.stages[1].centers;
  const rows = Array.from({ length: t }, (_, i) => g.voxelMask.slice(i * t, (i + 1) * t).reduce((a, b) => a + b, 0));
  const attention: number[] = [];
  for (const sc of scale) {
    const e = rows.map((r) => Math.exp(sc * r - Math.max(...rows.map((x) => sc * x))));
    const sum = e.reduce((a, b) => a + b, 0);
    attention.push(...e.map((x) => x / sum));
  }
  return { logits, attention, g };
}

/**
 * Checks the token of every point without the code under test (postprocess's nearestToken): the
 * distance to the chosen token centre, in float64, is the smallest of all centres' (within
 * float32 rounding), and a point that is itself a token centre gets that token.
 */
function expectNearestTokens(tokenOfPoint: ArrayLike<number>, points: Float32Array, tokens: Float32Array) {
  const n = points.length / 3;
  const t = tokens.length / 3;
  expect(tokenOfPoint).toHaveLength(n);
  const distance = (i: number, j: number) =>
    Math.hypot(points[3 * i] - tokens[3 * j], points[3 * i + 1] - tokens[3 * j + 1], points[3 * i + 2] - tokens[3 * j + 2]);
  let notNearest = 0;
  let centres = 0;
  for (let i = 0; i < n; i++) {
    const chosen = tokenOfPoint[i];
    expect(chosen).toBeLessThan(t);
    let best = Infinity;
    for (let j = 0; j < t; j++) best = Math.min(best, distance(i, j));
    if (distance(i, chosen) > best + 1e-6) notNearest++;
    if (best === 0) {
      centres++;
      expect(distance(i, chosen)).toBe(0);
    }
  }
  expect(notNearest).toBe(0);
  // The centres are points of the cloud (FPS picks them), so some points must be centres.
  expect(centres).toBeGreaterThan(0);
  expect(new Set(Array.from(tokenOfPoint)).size).toBe(t);
}

describe('openClassifier on the tiny model (wasm EP, CPU geometry)', () => {
  const tiny = tinyZooModel();
  const manifest = parseManifest(tiny.manifest);

  it('computes the logits and attention the graph defines, ranks the top 5 and maps attention to points', async () => {
    const clf = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    expect(clf.backend).toBe('wasm');
    const cloud = uniformCloud(500, 7); // more points than N_in: FPS resampling
    const r = await clf.classify({ positions: cloud, count: 500 });
    const e = expected(cloud, tiny.w, tiny.scale);
    for (let j = 0; j < e.logits.length; j++) expect(r.logits[j]).toBeCloseTo(e.logits[j], 5);
    expect(r.attention.layers).toBe(2);
    expect(r.attention.heads).toBe(3);
    for (let i = 0; i < e.attention.length; i++) expect(r.attention.data[i]).toBeCloseTo(e.attention[i], 5);
    // top 5: descending, consistent with the logits
    expect(r.top).toHaveLength(5);
    const order = Array.from(r.logits, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(r.top.map((c) => c.index)).toEqual(order.slice(0, 5).map(([, i]) => i));
    expect(r.top.map((c) => c.label)).toEqual(order.slice(0, 5).map(([, i]) => TINY_CLASSES[i]));
    expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // every input point (all 500, not only the 64 the network saw) has a token
    expect(r.tokenOfPoint).toHaveLength(500);
    expectNearestTokens(r.tokenOfPoint, normalise(cloud), e.g.tokens);
    expect(Math.max(...r.tokenOfPoint)).toBeLessThan(8);
    expect(r.geometryPath).toBe('cpu');
    expect(r.timings.total).toBeGreaterThanOrEqual(r.timings.geometry + r.timings.network);
    await clf.dispose();
  });

  it('votes: averages the softmax of the cloud rolled to other FPS start points (votes.ts)', async () => {
    const clf = await openClassifier({ manifest: { ...manifest, votes: 2 }, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const cloud = uniformCloud(500, 11);
    const single = await clf.classify(cloud, { votes: 1 });
    expect(single.votes).toBe(1);
    expect(Array.from(single.probabilities)).toEqual(Array.from(softmax(single.logits)));
    const byDefault = await clf.classify(cloud); // the manifest's votes
    expect(byDefault.votes).toBe(2);
    const r = await clf.classify(cloud, { votes: 3 });
    expect(r.votes).toBe(3);
    expect(Array.from(r.logits)).toEqual(Array.from(single.logits)); // vote 0: the cloud as given
    expect(r.tokens).toEqual(single.tokens);
    const each = [0, 1, 2].map((v) => softmax(expected(rolled(cloud, v), tiny.w, tiny.scale).logits));
    expect(new Set(each.map((p) => p[0])).size).toBe(3); // other starts, other resampled points
    for (let j = 0; j < each[0].length; j++) expect(r.probabilities[j]).toBeCloseTo((each[0][j] + each[1][j] + each[2][j]) / 3, 5);
    expect(r.top[0].probability).toBe(Math.max(...r.probabilities));
    await expect(clf.classify(cloud, { votes: 0 })).rejects.toThrow('votes must be a whole number from 1 to 32, got 0');
    expect((await clf.classify(cloud)).votes).toBe(2); // still works
    await clf.dispose();
  });

  it('respects the up axis: a y-up file gives the same result as the same shape z-up', async () => {
    const clf = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const z = uniformCloud(64, 3);
    const y = new Float32Array(z.length);
    for (let i = 0; i < z.length; i += 3) [y[i], y[i + 1], y[i + 2]] = [z[i], z[i + 2], -z[i + 1]]; // (x,y,z)z-up -> y-up
    const a = await clf.classify(z);
    const b = await clf.classify(y, { up: 'y' });
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    await clf.dispose();
  });

  it('refuses a model whose inputs differ from the manifest', async () => {
    const bad = parseManifest({ ...tiny.manifest, onnx: { ...tiny.manifest.onnx, inputs: ['points'] } });
    await expect(openClassifier({ manifest: bad, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' })).rejects.toThrow(
      'tiny-test: the model takes [points,fps_1,knn_1,fps_2,knn_2,pos,cell_mask,voxel_mask], the manifest says [points]',
    );
  });

  it('a sparse cloud is answered from it grown when the calibration says so; the up is found on it as given', async () => {
    const sparse = parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0, sparse: 'grown' } });
    const plain = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const clf = await openClassifier({ manifest: sparse, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const n = TINY_SHAPE.points / 3; // at most N_in / 3 points: grown
    const cloud = uniformCloud(Math.floor(n), 5);
    const forced = await clf.classify(cloud, { up: 'y' });
    const grownLogits = expected(cloud, tiny.w, tiny.scale, { up: 'y', grow: true }).logits;
    const repeatedLogits = expected(cloud, tiny.w, tiny.scale, { up: 'y' }).logits;
    expect(Math.max(...grownLogits.map((v, j) => Math.abs(v - repeatedLogits[j])))).toBeGreaterThan(1e-3);
    grownLogits.forEach((v, j) => expect(forced.logits[j]).toBeCloseTo(v, 5));
    expect(forced.answer.grown).toBe(true);
    expect((await plain.classify(cloud, { up: 'y' })).answer.grown).toBe(false);
    // Auto: the same up as without growing (chosen on the repeated cloud), the grown cloud's answer.
    const auto = await clf.classify(cloud, { up: 'auto' });
    const before = await plain.classify(cloud, { up: 'auto' });
    expect(auto.answer.up).toBe(before.answer.up);
    expect(auto.answer.upScores).toEqual(before.answer.upScores);
    expect(auto.answer.grown).toBe(true);
    const want = softmax(expected(cloud, tiny.w, tiny.scale, { up: auto.answer.up, grow: true }).logits);
    want.forEach((v, j) => expect(auto.answer.probabilities[j]).toBeCloseTo(v, 5));
    expect(auto.timings.runs).toBeGreaterThan(before.timings.runs);
    // One point more than N_in / 3: repeated, as before.
    const more = uniformCloud(Math.floor(n) + 1, 5);
    const r = await clf.classify(more, { up: 'auto' });
    expect(r.answer.grown).toBe(false);
    expect(Array.from(r.answer.probabilities)).toEqual(Array.from((await plain.classify(more, { up: 'auto' })).answer.probabilities));
    await clf.dispose();
    await plain.dispose();
  });

  it('with a growSpacing, only a sparse cloud whose points lie farther apart than it is grown (RULE-grow-spacing)', async () => {
    const n = Math.floor(TINY_SHAPE.points / 3);
    const cloud = uniformCloud(n, 5);
    const s = spacing(normalise(cloud));
    const open = (growSpacing: number) => openClassifier({
      manifest: parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0, sparse: 'grown', growSpacing } }),
      model: tiny.model, frozen: tiny.frozen,
    }, { device: 'wasm' });
    const plain = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const repeated = { y: await plain.classify(cloud, { up: 'y' }), auto: await plain.classify(cloud, { up: 'auto' }) };
    await plain.dispose();
    const below = await open(s * 0.99); // the points farther apart than the bar: grown
    for (const up of ['y', 'auto'] as const) expect((await below.classify(cloud, { up })).answer.grown).toBe(true);
    await below.dispose();
    const above = await open(s); // as close as the bar (a partial scan at the model's density): repeated
    for (const up of ['y', 'auto'] as const) {
      const kept = await above.classify(cloud, { up });
      expect(kept.answer.grown).toBe(false);
      expect(Array.from(kept.answer.probabilities)).toEqual(Array.from(repeated[up].answer.probabilities));
    }
    await above.dispose();
  });

  it('small clouds are repeated up to N_in, and a single point still classifies', async () => {
    const clf = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const r = await clf.classify(new Float32Array([0.5, 0.25, 1]));
    expect(r.tokenOfPoint).toEqual(new Uint32Array([0]));
    expect(r.logits.every(Number.isFinite)).toBe(true);
    await clf.dispose();
  });
});

describe('createClassifier: download, assemble, open (real HTTP)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('loads a zoo model by id with progress, and classifies', async () => {
    const tiny = tinyZooModel('tiny-zoo');
    const enc = new TextEncoder();
    server.files.set('/models/index.json', enc.encode(JSON.stringify({ models: ['tiny-zoo'] })));
    server.files.set('/models/tiny-zoo/manifest.json', enc.encode(JSON.stringify(tiny.manifest)));
    server.files.set('/models/tiny-zoo/model.onnx', tiny.model);
    server.files.set('/backbones/none/dist/weights.bin', tiny.frozen);
    const phases: string[] = [];
    const downloads: [number, number][] = [];
    const cache = memoryCache();
    const clf = await createClassifier('tiny-zoo', {
      device: 'wasm',
      base: `${server.origin}/`,
      cache,
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
        if (p.phase === 'download') downloads.push([p.loaded, p.total]);
      },
    });
    expect(phases).toEqual(['download', 'assemble', 'session']);
    // One bar over the model and the backbone's source file, its total fixed from its first
    // non-zero figure: the two files' sizes, known before they are read.
    const total = tiny.model.byteLength + tiny.frozen.byteLength;
    const known = downloads.filter(([, t]) => t > 0);
    expect(known.length).toBeGreaterThan(0);
    expect(new Set(known.map(([, t]) => t))).toEqual(new Set([total]));
    expect(known.at(-1)).toEqual([total, total]);
    expect(known.every(([l], i) => i === 0 || l >= known[i - 1]![0])).toBe(true);
    // A warm start (everything cached) reports the phases in the same order.
    const warmPhases: string[] = [];
    const warm = await createClassifier('tiny-zoo', {
      device: 'wasm',
      base: `${server.origin}/`,
      cache,
      onProgress: (p) => {
        if (warmPhases.at(-1) !== p.phase) warmPhases.push(p.phase);
      },
    });
    expect(warmPhases).toEqual(['download', 'assemble', 'session']);
    await warm.dispose();
    expect(clf.manifest.metrics.testOverallAccuracy).toBe(0.5);
    const r = await clf.classify(uniformCloud(100, 1));
    expect(r.top[0].probability).toBeGreaterThan(0);
    await clf.dispose();
  });

  it('says which file is wrong when the served model is not the manifest one', async () => {
    const tiny = tinyZooModel('tiny-bad');
    const enc = new TextEncoder();
    server.files.set('/models/tiny-bad/manifest.json', enc.encode(JSON.stringify(tiny.manifest)));
    const corrupt = tiny.model.slice();
    corrupt[corrupt.length - 1] ^= 1;
    server.files.set('/models/tiny-bad/model.onnx', corrupt);
    await expect(createClassifier('tiny-bad', { device: 'wasm', base: `${server.origin}/`, cache: memoryCache() })).rejects.toThrow(
      /models\/tiny-bad\/model\.onnx: sha256 [0-9a-f]{64} does not match the manifest's/,
    );
  });
});

