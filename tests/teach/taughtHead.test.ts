// The classifier with a taught head (src/model/classifier.ts, ClassifyOptions.head) on the tiny
// model of tests/model/tinyModels.ts, whose `features` output is the mean of the points it saw:
// the expected features come from the CPU geometry, the expected ranking from a hand-set head.
import { describe, expect, it } from 'vitest';
import { uniformCloud } from '../../harness/synthetic';
import { computeGeometryCPU } from '../../src/geometry/cpuPipeline';
import { openClassifier, type TaughtHead } from '../../src/model/classifier';
import { modelIdentity, taughtHeadFor } from '../../src/model/taughtHead';
import { parseManifest } from '../../src/model/zoo';
import { TINY_SHAPE, tinyZooModel } from '../model/tinyManifest';
import { tinyClassifierModel } from '../model/tinyModels';

const manifest = parseManifest(tinyZooModel().manifest);

/** mean_n of the resampled, normalised points the network saw. */
function pointMean(cloud: Float32Array): number[] {
  const g = computeGeometryCPU(cloud, manifest.geometry);
  const n = TINY_SHAPE.points;
  return [0, 1, 2].map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += g.points[3 * i + c];
    return s / n;
  });
}

/** Two classes: "plus" scores sum(features), "minus" its negation. */
const signHead: TaughtHead = {
  name: 'sign',
  classes: ['plus', 'minus'],
  logits: (f) => {
    const s = f[0] + f[1] + f[2];
    return new Float32Array([10 * s, -10 * s]);
  },
};

describe('a taught head in place of the model’s own', () => {
  it('returns the features output and ranks the taught classes from it, attention as without a head', async () => {
    const built = tinyClassifierModel(TINY_SHAPE, { features: true });
    const clf = await openClassifier({ manifest, model: built.model, frozen: built.frozen }, { device: 'wasm' });
    const cloud = uniformCloud(300, 11);
    const own = await clf.classify(cloud, { votes: 1 });
    const mean = pointMean(cloud);
    expect(own.features).not.toBeNull();
    expect(Array.from(own.features ?? [])).toHaveLength(3);
    mean.forEach((m, c) => expect(own.features?.[c]).toBeCloseTo(m, 5));
    expect(own.head).toBeNull();
    expect(own.top[0].label).not.toMatch(/plus|minus/);

    const taught = await clf.classify(cloud, { votes: 1, head: signHead });
    expect(taught.head).toBe('sign');
    expect(taught.top.map((c) => c.label).sort()).toEqual(['minus', 'plus']);
    expect(taught.top[0].label).toBe(mean[0] + mean[1] + mean[2] > 0 ? 'plus' : 'minus');
    const s = 10 * (mean[0] + mean[1] + mean[2]);
    expect(taught.probabilities[0]).toBeCloseTo(1 / (1 + Math.exp(-2 * s)), 4);
    expect(Array.from(taught.attention.data)).toEqual(Array.from(own.attention.data));
    await clf.dispose();
  });

  it('a shifted cloud flips the taught class (the head really reads the features)', async () => {
    const built = tinyClassifierModel(TINY_SHAPE, { features: true });
    const clf = await openClassifier({ manifest, model: built.model, frozen: built.frozen }, { device: 'wasm' });
    // Normalisation centres the cloud, so the mean of the resampled points is small but its sign
    // follows the cloud's lopsidedness: a cloud dense on +x and one dense on -x differ.
    const lopsided = (sign: number) => {
      const c = uniformCloud(400, 3);
      for (let i = 0; i < 400; i++) if (i % 4 !== 0) for (let k = 0; k < 3; k++) c[3 * i + k] = sign * Math.abs(c[3 * i + k]);
      return c;
    };
    const labels = await Promise.all([1, -1].map(async (sign) => {
      const cloud = lopsided(sign);
      const mean = pointMean(cloud);
      const r = await clf.classify(cloud, { votes: 1, head: signHead });
      return { label: r.top[0].label, expected: mean[0] + mean[1] + mean[2] > 0 ? 'plus' : 'minus' };
    }));
    for (const { label, expected } of labels) expect(label).toBe(expected);
    expect(new Set(labels.map((l) => l.label)).size).toBe(2);
    await clf.dispose();
  });

  it('refuses a head on a model without the features output, and a head of the wrong class count', async () => {
    const plain = tinyClassifierModel(TINY_SHAPE);
    const clf = await openClassifier({ manifest, model: plain.model, frozen: plain.frozen }, { device: 'wasm' });
    const cloud = uniformCloud(100, 5);
    expect((await clf.classify(cloud, { votes: 1 })).features).toBeNull();
    await expect(clf.classify(cloud, { votes: 1, head: signHead })).rejects.toThrow(/no 'features' output.*"sign"/);
    await clf.dispose();
    const built = tinyClassifierModel(TINY_SHAPE, { features: true });
    const withFeatures = await openClassifier({ manifest, model: built.model, frozen: built.frozen }, { device: 'wasm' });
    const short: TaughtHead = { ...signHead, classes: ['plus', 'minus', 'zero'] };
    await expect(withFeatures.classify(cloud, { votes: 1, head: short })).rejects.toThrow(/2 logits for 3 classes/);
    await withFeatures.dispose();
  });
});

describe('taughtHeadFor: a head only for the model it was taught on', () => {
  const own = modelIdentity(manifest);
  const head = { dim: 3, classes: ['plus', 'minus'], mean: new Float32Array(3), weights: new Float32Array([1, 1, 1, -1, -1, -1]), bias: new Float32Array(2) };

  it('takes the manifest’s id and the sha256 of its ONNX file', () => {
    expect(own).toEqual({ modelId: 'tiny-test', modelSha256: tinyZooModel().manifest.files['model.onnx'].sha256 });
  });

  it('refuses another model and another version of the same one, naming both', () => {
    expect(() => taughtHeadFor(manifest, { name: 'h', ...own, modelId: 'other-model', head })).toThrow(/taught on the model other-model, not on tiny-test/);
    expect(() => taughtHeadFor(manifest, { name: 'h', ...own, modelSha256: 'f'.repeat(64), head })).toThrow(/another version of tiny-test \(model sha256 ffffffffffff…/);
  });

  it('applies the head (unit-scaled features, as src/teach/head.ts) and refuses features of another width', () => {
    const taught = taughtHeadFor(manifest, { name: 'h', ...own, head });
    // (3, 0, 4) scaled to unit length is (0.6, 0, 0.8): logits 1.4 and -1.4.
    const logits = taught.logits(new Float32Array([3, 0, 4]));
    expect(logits[0]).toBeCloseTo(1.4, 6);
    expect(logits[1]).toBeCloseTo(-1.4, 6);
    expect(() => taught.logits(new Float32Array(4))).toThrow(/reads 3 features; tiny-test gives 4/);
  });
});
