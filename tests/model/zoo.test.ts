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

  describe('the upright block (the learned up picker)', () => {
    // A model with a features output of 3 numbers, and its fitted block as the Python tool writes it.
    const withFeatures = { ...structuredClone(good), onnx: { ...good.onnx, outputs: ['logits', 'attention', 'features'] }, features: { dim: 3 } };
    const block = { rule: 'docs/pose.md', score: 'w . f', ups: ['+z', '+y'], weights: [0.5, -1.5, 0.75], confidenceWeight: 1.25, lambda: 0.001, validation: { pooled: 0.95 } };
    const upright = (f: (u: Record<string, any>, m: Record<string, any>) => void) => {
      const m = structuredClone({ ...withFeatures, upright: block }) as Record<string, any>;
      f(m.upright, m);
      return () => parseManifest(m, 'models/x/manifest.json');
    };

    it('keeps the weights and the confidence weight; absent, none', () => {
      expect(parseManifest({ ...withFeatures, upright: block }).upright).toEqual({ weights: [0.5, -1.5, 0.75], confidenceWeight: 1.25 });
      expect(parseManifest(withFeatures).upright).toBeUndefined();
      expect(parseManifest(good).upright).toBeUndefined();
    });
    it('refuses a bad block, naming the field', () => {
      expect(upright((u) => (u.ups = ['+y', '+z']))).toThrow('models/x/manifest.json: upright.ups must be ["+z", "+y"]');
      expect(upright((u) => delete u.ups)).toThrow('upright.ups');
      expect(upright((u) => (u.weights[1] = null))).toThrow('upright.weights[1] must be a finite number, got null');
      expect(upright((u) => (u.weights[2] = 'x'))).toThrow('upright.weights[2] must be a finite number');
      expect(upright((u) => (u.weights = []))).toThrow('upright.weights must be a non-empty list of numbers');
      expect(upright((u) => (u.weights = [1, 2]))).toThrow('upright.weights has 2 numbers, the features output has 3 (features.dim)');
      expect(upright((u) => (u.weights = [1, 2, 3, 4]))).toThrow('upright.weights has 4 numbers');
      expect(upright((u) => (u.confidenceWeight = Infinity))).toThrow('upright.confidenceWeight must be a finite number');
      expect(upright((u) => delete u.confidenceWeight)).toThrow('upright.confidenceWeight must be a finite number');
      expect(upright((_, m) => (m.upright = [1]))).toThrow('upright must be an object');
    });
    it('keeps a second look (threshold, trigger, choice, the other four ups) and refuses a bad one', () => {
      const trigger = { weights: [[1, 0, -1], [0, 2, 0]], confidenceWeights: [0.5, -0.25], bias: -2 };
      const choice = { weights: [0, 1, 0], confidenceWeight: 0.75 };
      const look = { below: -1.5, trigger, choice, ups: ['-y', '+x', '-x', '-z'], rule: 'docs/pose.md H' };
      expect(parseManifest({ ...withFeatures, upright: { ...block, secondLook: look } }).upright).toEqual({
        weights: [0.5, -1.5, 0.75], confidenceWeight: 1.25,
        secondLook: { below: -1.5, trigger, choice, ups: ['-y', 'x', '-x', '-z'] },
      });
      const bad = (change: Record<string, unknown>) => upright((u) => (u.secondLook = { ...look, ...change }));
      expect(bad({ below: NaN })).toThrow('upright.secondLook.below must be a finite number');
      expect(bad({ below: '1' })).toThrow('upright.secondLook.below must be a finite number');
      expect(bad({ trigger: undefined })).toThrow('upright.secondLook.trigger must be an object');
      expect(bad({ trigger: { ...trigger, weights: [[1, 0, -1]] } })).toThrow('upright.secondLook.trigger.weights must be two lists of weights (+z, +y)');
      expect(bad({ trigger: { ...trigger, weights: [[1, 0, -1], [1, 2]] } })).toThrow('upright.secondLook.trigger.weights[1] must be a list of 3 numbers (features.dim)');
      expect(bad({ trigger: { ...trigger, weights: [[1, null, -1], [0, 2, 0]] } })).toThrow('upright.secondLook.trigger.weights[0][1] must be a finite number');
      expect(bad({ trigger: { ...trigger, confidenceWeights: [1] } })).toThrow('upright.secondLook.trigger.confidenceWeights must be two numbers (+z, +y)');
      expect(bad({ trigger: { ...trigger, bias: Infinity } })).toThrow('upright.secondLook.trigger.bias must be a finite number');
      expect(bad({ choice: [1, 2, 3] })).toThrow('upright.secondLook.choice must be an object');
      expect(bad({ choice: { ...choice, weights: [1, 2] } })).toThrow('upright.secondLook.choice.weights must be a list of 3 numbers (features.dim)');
      expect(bad({ choice: { ...choice, confidenceWeight: undefined } })).toThrow('upright.secondLook.choice.confidenceWeight');
      expect(bad({ ups: ['+x', '-y', '-x', '-z'] })).toThrow('upright.secondLook.ups must be ["-y","+x","-x","-z"]');
      expect(upright((u) => (u.secondLook = 3))).toThrow('upright.secondLook must be an object');
    });
    it('refuses it on a model without a features output, or without features.dim', () => {
      expect(upright((_, m) => (m.onnx.outputs = ['logits', 'attention']))).toThrow("upright needs the model's 'features' output");
      expect(upright((_, m) => delete m.features)).toThrow('features.dim must be a whole number above 0');
    });
  });
});
