// The model zoo: which models exist (`<base>models/index.json`, generated from the manifests by
// scripts/vite-plugin-zoo.ts) and what each manifest says (checked here, field by field). Nothing
// here differs per backbone: a backbone is described by its manifest alone.
import { parseGeometrySpec, type GeometrySpec } from '../geometry/spec';
import { defaultCache, type FileCache } from './cache';
import { baseUrl, modelFileUrl } from './fetchFiles';
import { checkRecipe, type FrozenSpec } from './frozen/assembleFrozen';
import type { Calibration } from './decide';
import type { Novelty } from './novelty';
import { SECOND_LOOK_UPS, type SecondLook, type Upright } from './upright';
import { isVoteCount, MAX_VOTES } from './votes';

/** The manifest fields the app reads (public/models/<id>/manifest.json; full schema in
 * src/model/manifest.ts, written by training/any2point/export.py). */
export interface ZooManifest {
  id: string;
  name: string;
  backbone: { name: string; modality: string; layers: number; heads: number[]; source: { kind: string; license?: string } };
  dataset: string;
  classes: string[];
  geometry: GeometrySpec;
  onnx: { file: string; inputs: string[]; outputs: string[] };
  attention: { layers: number; heads: number };
  /** null when the model has no frozen third-party weights. */
  frozen: FrozenSpec | null;
  files: Record<string, { bytes: number; sha256: string }>;
  parameters: { trainable: number; total: number };
  metrics: { testOverallAccuracy: number | null; testMeanClassAccuracy: number | null };
  /** Point orders classify() averages by default (votes.ts), chosen on validation; absent = 1. */
  votes?: number;
  /** Temperature and "not sure" threshold fitted on validation (any2point.tools.calibrate,
   * docs/confidence.md); absent = temperature 1, always sure. */
  calibration?: Calibration;
  /** The novelty check's threshold fitted on validation (any2point.tools.novelty,
   * docs/confidence.md); absent = no such check. */
  novelty?: Novelty;
  /** The learned up picker fitted on validation (any2point.tools.upright, docs/pose.md "E");
   * absent = the more confident up. */
  upright?: Upright;
  /** How it was trained to see poses (rotate "z": every heading; zooOrder.ts ranks those first). */
  training?: { rotate: string };
}

export interface ZooOptions {
  fetch?: typeof fetch;
  base?: string;
  cache?: FileCache;
}

/** The ids listed in `<base>models/index.json`. */
export async function listModelIds(options: ZooOptions = {}): Promise<string[]> {
  const url = `${options.base ?? baseUrl()}models/index.json`;
  const json = await fetchJson(url, options);
  const models = (json as { models?: unknown }).models;
  if (!Array.isArray(models) || !models.every((m) => typeof m === 'string')) {
    throw new Error(`${url}: expected { "models": [ids] }`);
  }
  return models as string[];
}

/** Every model's manifest, in index order. */
export async function listModels(options: ZooOptions = {}): Promise<ZooManifest[]> {
  const ids = await listModelIds(options);
  return Promise.all(ids.map((id) => loadManifest(id, options)));
}

export async function loadManifest(id: string, options: ZooOptions = {}): Promise<ZooManifest> {
  const url = modelFileUrl(id, 'manifest.json', options.base);
  const manifest = parseManifest(await fetchJson(url, options), url);
  if (manifest.id !== id) throw new Error(`${url}: id is ${JSON.stringify(manifest.id)}, the folder is ${JSON.stringify(id)}`);
  return manifest;
}

/** Manifests are small and change with the app; the network first, the cache when offline. */
async function fetchJson(url: string, options: ZooOptions): Promise<unknown> {
  const cache = options.cache ?? defaultCache();
  let text: string;
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    await cache.put(url, bytes);
    text = new TextDecoder().decode(bytes);
  } catch (error) {
    const cached = await cache.match(url);
    if (!cached) throw new Error(`${url}: could not be fetched (${error instanceof Error ? error.message : String(error)})`);
    text = new TextDecoder().decode(cached);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${url}: not valid JSON`);
  }
}

/** Checks an untyped manifest; the error names the file and the first field that is wrong. */
export function parseManifest(value: unknown, where = 'manifest.json'): ZooManifest {
  const fail = (field: string, what: string): never => {
    throw new Error(`${where}: ${field} ${what}`);
  };
  const obj = (v: unknown, field: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(field, 'must be an object');
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'must be a non-empty string'));
  const int = (v: unknown, field: string): number => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fail(field, 'must be a whole number'));
  const strings = (v: unknown, field: string): string[] =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : fail(field, 'must be a non-empty list of strings');
  const accuracy = (v: unknown, field: string): number | null =>
    v === null || v === undefined ? null : typeof v === 'number' && v >= 0 && v <= 1 ? v : fail(field, 'must be a fraction in [0, 1] or null');

  const m = obj(value, 'the manifest');
  const backbone = obj(m.backbone, 'backbone');
  const heads = backbone.heads;
  if (!Array.isArray(heads) || !heads.every((h) => Number.isInteger(h) && h > 0)) fail('backbone.heads', 'must be a list of head counts');
  const onnx = obj(m.onnx, 'onnx');
  const attention = obj(m.attention, 'attention');
  const files = obj(m.files, 'files');
  for (const [name, f] of Object.entries(files)) {
    const entry = obj(f, `files["${name}"]`);
    int(entry.bytes, `files["${name}"].bytes`);
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(entry.sha256)) fail(`files["${name}"].sha256`, 'must be 64 hex digits');
  }
  const onnxFile = str(onnx.file, 'onnx.file');
  if (!(onnxFile in files)) fail('files', `has no entry for onnx.file ${JSON.stringify(onnxFile)}`);
  let geometry: GeometrySpec;
  try {
    geometry = parseGeometrySpec(m.geometry);
  } catch (error) {
    return fail('', (error as Error).message);
  }
  let frozen: FrozenSpec | null = null;
  if (m.frozen !== null && m.frozen !== undefined) {
    frozen = m.frozen as FrozenSpec;
    try {
      checkRecipe(frozen);
    } catch (error) {
      fail('', (error as Error).message);
    }
  }
  const parameters = obj(m.parameters ?? { trainable: 0, total: 0 }, 'parameters');
  const metrics = obj(m.metrics ?? {}, 'metrics');
  const source = obj(backbone.source ?? { kind: 'none' }, 'backbone.source');
  const layers = int(attention.layers, 'attention.layers');
  const attentionHeads = int(attention.heads, 'attention.heads');
  if (layers < 1 || attentionHeads < 1) fail('attention', 'must have at least one layer and one head');
  return {
    id: str(m.id, 'id'),
    name: str(m.name, 'name'),
    backbone: {
      name: str(backbone.name, 'backbone.name'),
      modality: str(backbone.modality, 'backbone.modality'),
      layers: int(backbone.layers, 'backbone.layers'),
      heads: heads as number[],
      source: { kind: str(source.kind, 'backbone.source.kind'), license: typeof source.license === 'string' ? source.license : undefined },
    },
    dataset: str(m.dataset, 'dataset'),
    classes: strings(m.classes, 'classes'),
    geometry,
    onnx: { file: onnxFile, inputs: strings(onnx.inputs, 'onnx.inputs'), outputs: strings(onnx.outputs, 'onnx.outputs') },
    attention: { layers, heads: attentionHeads },
    frozen,
    files: files as ZooManifest['files'],
    parameters: { trainable: int(parameters.trainable, 'parameters.trainable'), total: int(parameters.total, 'parameters.total') },
    metrics: {
      testOverallAccuracy: accuracy(metrics.testOverallAccuracy, 'metrics.testOverallAccuracy'),
      testMeanClassAccuracy: accuracy(metrics.testMeanClassAccuracy, 'metrics.testMeanClassAccuracy'),
    },
    ...(m.votes === undefined ? {} : { votes: isVoteCount(m.votes) ? m.votes : fail('votes', `must be a whole number from 1 to ${MAX_VOTES}`) }),
    ...(m.calibration === undefined ? {} : { calibration: parseCalibration(obj(m.calibration, 'calibration'), fail) }),
    ...(m.novelty === undefined ? {} : { novelty: parseNovelty(obj(m.novelty, 'novelty'), fail) }),
    ...(m.upright === undefined ? {} : { upright: parseUpright(obj(m.upright, 'upright'), featuresDim(m, fail), fail) }),
    ...(m.training === undefined ? {} : { training: { rotate: str(obj(m.training, 'training').rotate, 'training.rotate') } }),
  };
}

/** The manifest's calibration block: a positive temperature, a threshold in [0, 1], and
 * optionally the votes per up of the automatic up, the answer they were fitted on, and how a
 * sparse cloud is answered (decide.ts step 5: grown, above which spacing). */
function parseCalibration(c: Record<string, unknown>, fail: (field: string, what: string) => never): Calibration {
  const { temperature, threshold, votesPerUp, answer, sparse, growSpacing } = c;
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) fail('calibration.temperature', 'must be a positive number');
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) fail('calibration.threshold', 'must be a number in [0, 1]');
  if (votesPerUp !== undefined && !isVoteCount(votesPerUp)) fail('calibration.votesPerUp', `must be a whole number from 1 to ${MAX_VOTES}`);
  if (answer !== undefined && answer !== 'mixture' && answer !== 'picked') fail('calibration.answer', 'must be "mixture" or "picked" (the answer the temperature was fitted on)');
  if (sparse !== undefined && sparse !== 'grown' && sparse !== 'repeated') fail('calibration.sparse', 'must be "grown" or "repeated" (how a cloud of at most N_in / 3 points is answered)');
  if (growSpacing !== undefined && (typeof growSpacing !== 'number' || !(growSpacing >= 0) || !Number.isFinite(growSpacing))) {
    fail('calibration.growSpacing', 'must be a finite number >= 0 (the spacing above which a sparse cloud is answered grown)');
  }
  return {
    temperature: temperature as number,
    threshold: threshold as number,
    ...(votesPerUp === undefined ? {} : { votesPerUp: votesPerUp as number }),
    ...(answer === undefined ? {} : { answer: answer as 'mixture' | 'picked' }),
    ...(sparse === undefined ? {} : { sparse: sparse as 'grown' | 'repeated' }),
    ...(growSpacing === undefined ? {} : { growSpacing: growSpacing as number }),
  };
}

/** The manifest's novelty block: a turn-similarity threshold (a cosine, so in [-1, 1]) for the
 * candidate ups the app compares, +z and +y in that order (the score is defined on those two). */
function parseNovelty(n: Record<string, unknown>, fail: (field: string, what: string) => never): Novelty {
  const { threshold, ups } = n;
  if (typeof threshold !== 'number' || !(threshold >= -1 && threshold <= 1)) fail('novelty.threshold', 'must be a number in [-1, 1]');
  if (!Array.isArray(ups) || ups.length !== 2 || ups[0] !== '+z' || ups[1] !== '+y') fail('novelty.ups', 'must be ["+z", "+y"] (the ups the score compares)');
  return { threshold: threshold as number };
}

/** The length of the model's `features` output (features.dim), which the upright block's weights
 * must match; a model without that output cannot have the block. */
function featuresDim(m: Record<string, unknown>, fail: (field: string, what: string) => never): number {
  const outputs = (m.onnx as { outputs?: unknown }).outputs;
  if (!Array.isArray(outputs) || !outputs.includes('features')) fail('upright', "needs the model's 'features' output (onnx.outputs has none): export the model again");
  const features = m.features as { dim?: unknown } | undefined;
  const dim = typeof features === 'object' && features !== null ? features.dim : undefined;
  if (!Number.isInteger(dim) || (dim as number) < 1) fail('features.dim', 'must be a whole number above 0 (the upright block\'s weights are checked against it)');
  return dim as number;
}

/** The manifest's upright block: one finite weight per feature and a finite confidence weight, for
 * the candidate ups +z and +y in that order (the ups the app classifies under on Auto). */
function parseUpright(u: Record<string, unknown>, dim: number, fail: (field: string, what: string) => never): Upright {
  const { ups, weights, confidenceWeight } = u;
  if (!Array.isArray(ups) || ups.length !== 2 || ups[0] !== '+z' || ups[1] !== '+y') fail('upright.ups', 'must be ["+z", "+y"] (the ups the app scores on Auto)');
  if (!Array.isArray(weights) || weights.length === 0) fail('upright.weights', 'must be a non-empty list of numbers');
  const list = weights as unknown[];
  const bad = list.findIndex((w) => typeof w !== 'number' || !Number.isFinite(w));
  if (bad >= 0) fail(`upright.weights[${bad}]`, `must be a finite number, got ${JSON.stringify(list[bad])}`);
  if (list.length !== dim) fail('upright.weights', `has ${list.length} numbers, the features output has ${dim} (features.dim)`);
  if (typeof confidenceWeight !== 'number' || !Number.isFinite(confidenceWeight)) fail('upright.confidenceWeight', 'must be a finite number');
  const look = u.secondLook;
  if (look !== undefined && (typeof look !== 'object' || look === null || Array.isArray(look))) fail('upright.secondLook', 'must be an object');
  const secondLook = look === undefined ? undefined : parseSecondLook(look as Record<string, unknown>, dim, fail);
  return { weights: list as number[], confidenceWeight: confidenceWeight as number, ...(secondLook ? { secondLook } : {}) };
}

/** The manifest names of the second look's ups, in its order (pose.py UP_CANDIDATES after +z, +y). */
const SECOND_LOOK_NAMES = ['-y', '+x', '-x', '-z'];

/** upright.secondLook: a finite threshold, the trigger (one weight per feature for each of +z and
 * +y, their confidence weights, a bias), the choice (one weight per feature and a confidence
 * weight), and the other four ups in their order. */
function parseSecondLook(l: Record<string, unknown>, dim: number, fail: (field: string, what: string) => never): SecondLook {
  const { below, trigger, choice, ups } = l;
  const finite = (v: unknown, field: string, what = 'must be a finite number') => (typeof v === 'number' && Number.isFinite(v) ? v : fail(`upright.secondLook.${field}`, what));
  const object = (v: unknown, field: string) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`upright.secondLook.${field}`, 'must be an object'));
  const featureWeights = (v: unknown, field: string) => {
    if (!Array.isArray(v) || v.length !== dim) fail(`upright.secondLook.${field}`, `must be a list of ${dim} numbers (features.dim)`);
    (v as unknown[]).forEach((w, i) => finite(w, `${field}[${i}]`));
    return v as number[];
  };
  finite(below, 'below', 'must be a finite number (a trigger threshold)');
  const t = object(trigger, 'trigger');
  if (!Array.isArray(t.weights) || t.weights.length !== 2) fail('upright.secondLook.trigger.weights', 'must be two lists of weights (+z, +y)');
  const tw = (t.weights as unknown[]).map((w, i) => featureWeights(w, `trigger.weights[${i}]`));
  if (!Array.isArray(t.confidenceWeights) || t.confidenceWeights.length !== 2) fail('upright.secondLook.trigger.confidenceWeights', 'must be two numbers (+z, +y)');
  const tc = (t.confidenceWeights as unknown[]).map((w, i) => finite(w, `trigger.confidenceWeights[${i}]`) as number);
  const bias = finite(t.bias, 'trigger.bias') as number;
  const c = object(choice, 'choice');
  const cw = featureWeights(c.weights, 'choice.weights');
  const cc = finite(c.confidenceWeight, 'choice.confidenceWeight') as number;
  if (!Array.isArray(ups) || ups.length !== SECOND_LOOK_NAMES.length || ups.some((a, i) => a !== SECOND_LOOK_NAMES[i])) {
    fail('upright.secondLook.ups', `must be ${JSON.stringify(SECOND_LOOK_NAMES)} (the ups scored after +z and +y)`);
  }
  return {
    below: below as number,
    trigger: { weights: [tw[0], tw[1]], confidenceWeights: [tc[0], tc[1]], bias },
    choice: { weights: cw, confidenceWeight: cc },
    ups: SECOND_LOOK_UPS,
  };
}
