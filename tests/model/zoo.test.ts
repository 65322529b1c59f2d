import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/model/zoo';
import { tinyZooModel } from './tinyManifest';

describe('parseManifest', () => {
  const good = tinyZooModel().manifest;
  const edit = (f: (m: Record<string, any>) => void) => {
    const m = structuredClone(good) as Record<string, any>;
    f(m);
    return () => parseManifest(m, 'models/x/manifest.json');
  };

  it('reads a manifest of the zoo schema', () => {
    const m = parseManifest(good);
    expect(m.classes).toHaveLength(6);
    expect(m.geometry.stages[1]).toEqual({ centers: 8, k: 4 });
    expect(m.frozen?.recipe).toHaveLength(1);
    expect(m.metrics.testOverallAccuracy).toBe(0.5);
    expect(m.votes).toBeUndefined();
    expect(parseManifest({ ...good, votes: 8 }).votes).toBe(8);
    // The zoo order reads training.rotate from parsed manifests (the CLI's default model): kept.
    expect(m.training).toBeUndefined();
    expect(parseManifest({ ...good, training: { rotate: 'z' } }).training).toEqual({ rotate: 'z' });
    expect(edit((m) => (m.training = { rotate: 3 }))).toThrow('training.rotate');
  });
  it('allows a model without frozen weights and without metrics', () => {
    const m = parseManifest({ ...good, frozen: null, metrics: { testOverallAccuracy: null } });
    expect(m.frozen).toBeNull();
    expect(m.metrics.testOverallAccuracy).toBeNull();
  });
  it('names the file and the field that is wrong', () => {
    expect(edit((m) => delete m.classes)).toThrow('models/x/manifest.json: classes must be a non-empty list of strings');
    expect(edit((m) => (m.files = {}))).toThrow('files has no entry for onnx.file "model.onnx"');
    expect(edit((m) => (m.files['model.onnx'].sha256 = 'abc'))).toThrow('files["model.onnx"].sha256 must be 64 hex digits');
    expect(edit((m) => (m.geometry.stages[0].k = 100))).toThrow('geometry.stages[0].k must be at most 64');
    expect(edit((m) => (m.frozen.bytes = 4))).toThrow('past frozen.bytes 4');
    expect(edit((m) => (m.metrics.testOverallAccuracy = 93.1))).toThrow('metrics.testOverallAccuracy must be a fraction in [0, 1] or null');
    expect(edit((m) => (m.votes = 0))).toThrow('models/x/manifest.json: votes must be a whole number from 1 to 32');
    expect(edit((m) => (m.votes = 2.5))).toThrow('votes must be a whole number from 1 to 32');
  });
});
