import { describe, expect, it } from 'vitest';
import { headLogits, trainHead } from '../../src/teach/head';
import { headFileText, parseHeadFile, type HeadFile } from '../../src/teach/headFile';
import { blobs } from './toyData';

const SHA = 'ab'.repeat(32);
const MODEL = { id: 'use-lite-modelnet40', sha256: SHA };

function file(): HeadFile {
  const ex = blobs([3, 4, 2], 6, 1);
  return {
    model: MODEL,
    created: '2026-12-02T08:00:00.000Z',
    head: trainHead(ex),
    examplesPerClass: [3, 4, 2],
    crossValidation: { folds: 2, accuracy: 0.875 },
    training: { method: 'logistic-regression', weightDecay: 1e-3, iterations: 100 },
  };
}

/** A valid file's JSON with one change, parsed. */
function parseWith(change: (json: Record<string, any>) => void, model = MODEL): () => HeadFile {
  const json = JSON.parse(headFileText(file()));
  change(json);
  return () => parseHeadFile(JSON.stringify(json), model);
}

describe('head file', () => {
  it('round-trips every value exactly, so the loaded head gives the same logits', () => {
    const f = file();
    const text = headFileText(f);
    const back = parseHeadFile(text, MODEL);
    expect(back).toEqual(f);
    const rows = blobs([2, 2, 2], 6, 9).features;
    expect(headLogits(back.head, rows)).toEqual(headLogits(f.head, rows));
    expect(JSON.parse(text)).toMatchObject({ format: 'any2point-head', version: 1, dim: 6 });
  });

  it('keeps a head whose cross-validation was not possible, and loads without a model to check against', () => {
    const f = { ...file(), crossValidation: null };
    expect(parseHeadFile(headFileText(f)).crossValidation).toBeNull();
  });

  it('refuses a head trained on another model or another export of it', () => {
    expect(parseWith(() => {}, { id: 'kwt1-modelnet40', sha256: SHA })).toThrow(/head file: trained on model use-lite-modelnet40 .* not on the loaded kwt1-modelnet40/);
    expect(parseWith(() => {}, { id: MODEL.id, sha256: 'cd'.repeat(32) })).toThrow(/teach it again on this model/);
  });

  it('names the field of every malformed value', () => {
    expect(() => parseHeadFile('{"format": ')).toThrow(/^head file: not JSON/);
    expect(() => parseHeadFile('[1]')).toThrow(/top level must be a JSON object/);
    const cases: [(j: Record<string, any>) => void, RegExp][] = [
      [(j) => (j.format = 'onnx'), /format is "onnx", expected "any2point-head"/],
      [(j) => (j.version = 2), /version 2 is not supported \(this app reads version 1\)/],
      [(j) => delete j.version, /version undefined is not supported/],
      [(j) => (j.model = 'x'), /model must be an object/],
      [(j) => (j.model.id = ''), /model.id must be a non-empty string/],
      [(j) => (j.model.sha256 = 'AB'.repeat(32)), /model.sha256 must be 64 lowercase hex digits/],
      [(j) => (j.created = 'yesterday'), /created is not a date/],
      [(j) => (j.classes = ['a']), /classes must be an array of at least two names/],
      [(j) => (j.classes[1] = 7), /classes\[1\] must be a non-empty string/],
      [(j) => (j.classes[2] = j.classes[0]), /classes must be distinct/],
      [(j) => (j.dim = 0), /dim must be an integer >= 1, got 0/],
      [(j) => (j.dim = '6'), /dim must be an integer >= 1, got "6"/],
      [(j) => j.examplesPerClass.pop(), /examplesPerClass must be an array of 3 counts/],
      [(j) => (j.examplesPerClass[1] = 0), /examplesPerClass\[1\] must be an integer >= 1/],
      [(j) => (j.crossValidation = 0.9), /crossValidation must be null or \{ folds, accuracy \}/],
      [(j) => (j.crossValidation.folds = 1), /crossValidation.folds must be an integer >= 2/],
      [(j) => (j.crossValidation.folds = 3), /crossValidation.folds is 3, more than the smallest class's 2 examples/],
      [(j) => (j.crossValidation.accuracy = 1.5), /crossValidation.accuracy must be a number in \[0, 1\]/],
      [(j) => (j.training = null), /training must be an object/],
      [(j) => (j.training.method = 'sgd'), /training.method must be "logistic-regression"/],
      [(j) => (j.training.weightDecay = -1), /training.weightDecay must be a positive number/],
      [(j) => (j.training.iterations = 0), /training.iterations must be an integer >= 1/],
      [(j) => j.mean.pop(), /mean has 5 values, expected 6/],
      [(j) => (j.mean = {}), /mean must be an array of 6 numbers/],
      [(j) => (j.mean[4] = null), /mean\[4\] is not a finite number: null/],
      [(j) => (j.bias[0] = 1e39), /bias\[0\] is not a finite number: 1e\+39/],
      [(j) => j.bias.push(0), /bias has 4 values, expected 3/],
      [(j) => j.weights.pop(), /weights must be an array of 3 rows/],
      [(j) => j.weights[2].push(1), /weights\[2\] has 7 values, expected 6/],
      [(j) => (j.weights[1][3] = '0.5'), /weights\[1\]\[3\] is not a finite number: "0.5"/],
    ];
    for (const [change, message] of cases) expect(parseWith(change), String(message)).toThrow(message);
  });
});
