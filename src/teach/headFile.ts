// The file a taught head is saved to and loaded from (and the record kept in IndexedDB):
// versioned JSON, so that a later app can still read it or say clearly why not. A head only means
// something on top of the exact network whose features it was trained on, so the file names the
// model id and the sha256 of its model.onnx (manifest.files["model.onnx"].sha256), and loading it
// for another model is an error. Every field is checked on load: a hand-edited or truncated file
// fails with the field's name, never later as NaN probabilities.

import type { Head } from './head';

export const HEAD_FORMAT = 'any2point-head';
export const HEAD_VERSION = 1;

export interface HeadModel {
  id: string;
  /** sha256 of the model.onnx whose `features` output the head was trained on. */
  sha256: string;
}

export interface HeadFile {
  model: HeadModel;
  /** ISO 8601 date and time of training. */
  created: string;
  head: Head;
  /** Training examples of every class, in class order. */
  examplesPerClass: number[];
  /** Stratified cross-validation (crossValidate.ts); null when a class had a single example. */
  crossValidation: { folds: number; accuracy: number } | null;
  training: { method: 'logistic-regression'; weightDecay: number; iterations: number };
}

// float32 values round-trip exactly through 9 significant digits: half the bytes of the default.
const short = (a: Float32Array): number[] => Array.from(a, (v) => Number(v.toPrecision(9)));

/** The JSON text of a head file. */
export function headFileText(f: HeadFile): string {
  const { head } = f;
  const c = head.classes.length;
  return JSON.stringify({
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    model: { id: f.model.id, sha256: f.model.sha256 },
    created: f.created,
    classes: head.classes,
    examplesPerClass: f.examplesPerClass,
    crossValidation: f.crossValidation,
    training: f.training,
    dim: head.dim,
    mean: short(head.mean),
    bias: short(head.bias),
    weights: Array.from({ length: c }, (_, q) => short(head.weights.subarray(q * head.dim, (q + 1) * head.dim))),
  });
}

class HeadFileError extends Error {
  constructor(message: string) {
    super(`head file: ${message}`);
    this.name = 'HeadFileError';
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function integer(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new HeadFileError(`${field} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function string(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new HeadFileError(`${field} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function numbers(v: unknown, field: string, length: number): Float32Array {
  if (!Array.isArray(v)) throw new HeadFileError(`${field} must be an array of ${length} numbers`);
  if (v.length !== length) throw new HeadFileError(`${field} has ${v.length} values, expected ${length}`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    // Finite as a float32 too: 1e39 would become Infinity in the Float32Array.
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw new HeadFileError(`${field}[${i}] is not a finite number: ${JSON.stringify(x)}`);
    out[i] = x;
  }
  return out;
}

function classNames(v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 2) throw new HeadFileError('classes must be an array of at least two names');
  v.forEach((name, i) => string(name, `classes[${i}]`));
  if (new Set(v).size !== v.length) throw new HeadFileError('classes must be distinct');
  return v as string[];
}

function crossValidation(v: unknown, minCount: number): HeadFile['crossValidation'] {
  if (v === null) return null;
  if (!isObject(v)) throw new HeadFileError('crossValidation must be null or { folds, accuracy }');
  const folds = integer(v.folds, 'crossValidation.folds', 2);
  if (folds > minCount) throw new HeadFileError(`crossValidation.folds is ${folds}, more than the smallest class's ${minCount} examples`);
  const accuracy = v.accuracy;
  if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) throw new HeadFileError(`crossValidation.accuracy must be a number in [0, 1], got ${JSON.stringify(accuracy)}`);
  return { folds, accuracy };
}

function training(v: unknown): HeadFile['training'] {
  if (!isObject(v)) throw new HeadFileError('training must be an object { method, weightDecay, iterations }');
  if (v.method !== 'logistic-regression') throw new HeadFileError(`training.method must be "logistic-regression", got ${JSON.stringify(v.method)}`);
  const wd = v.weightDecay;
  if (typeof wd !== 'number' || !(wd > 0) || !Number.isFinite(wd)) throw new HeadFileError(`training.weightDecay must be a positive number, got ${JSON.stringify(wd)}`);
  return { method: 'logistic-regression', weightDecay: wd, iterations: integer(v.iterations, 'training.iterations', 1) };
}

/**
 * Parse and check a head file. With `model`, the file must have been trained on exactly that
 * model (same id and model.onnx sha256). Throws an Error whose message starts with "head file:"
 * and names the offending field.
 */
export function parseHeadFile(text: string, model?: HeadModel): HeadFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HeadFileError(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new HeadFileError('the top level must be a JSON object');
  if (raw.format !== HEAD_FORMAT) throw new HeadFileError(`format is ${JSON.stringify(raw.format)}, expected "${HEAD_FORMAT}"`);
  if (raw.version !== HEAD_VERSION) {
    throw new HeadFileError(`version ${JSON.stringify(raw.version)} is not supported (this app reads version ${HEAD_VERSION})`);
  }
  if (!isObject(raw.model)) throw new HeadFileError('model must be an object { id, sha256 }');
  const id = string(raw.model.id, 'model.id');
  const sha = string(raw.model.sha256, 'model.sha256');
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new HeadFileError(`model.sha256 must be 64 lowercase hex digits, got ${JSON.stringify(sha)}`);
  if (model && (model.id !== id || model.sha256 !== sha)) {
    throw new HeadFileError(
      `trained on model ${id} (model.onnx sha256 ${sha.slice(0, 12)}…), not on the loaded ${model.id} (${model.sha256.slice(0, 12)}…): teach it again on this model`,
    );
  }
  const created = string(raw.created, 'created');
  if (Number.isNaN(Date.parse(created))) throw new HeadFileError(`created is not a date: ${JSON.stringify(created)}`);
  const classes = classNames(raw.classes);
  const c = classes.length;
  const dim = integer(raw.dim, 'dim', 1);
  if (!Array.isArray(raw.examplesPerClass) || raw.examplesPerClass.length !== c) {
    throw new HeadFileError(`examplesPerClass must be an array of ${c} counts, one per class`);
  }
  const examplesPerClass = raw.examplesPerClass.map((k, i) => integer(k, `examplesPerClass[${i}]`, 1));
  const cv = crossValidation(raw.crossValidation, Math.min(...examplesPerClass));
  const train = training(raw.training);
  const mean = numbers(raw.mean, 'mean', dim);
  const bias = numbers(raw.bias, 'bias', c);
  if (!Array.isArray(raw.weights) || raw.weights.length !== c) throw new HeadFileError(`weights must be an array of ${c} rows, one per class`);
  const weights = new Float32Array(c * dim);
  raw.weights.forEach((row, q) => weights.set(numbers(row, `weights[${q}]`, dim), q * dim));
  return {
    model: { id, sha256: sha },
    created,
    head: { dim, classes, mean, weights, bias },
    examplesPerClass,
    crossValidation: cv,
    training: train,
  };
}
