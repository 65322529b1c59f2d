// The novelty check (src/model/novelty.ts, docs/confidence.md): the turn similarity on the same
// hand-worked numbers as training/tests/test_novelty.py, how decide() combines it with the
// confidence check, the classifier passing the two ups' features (tiny model whose `features`
// output is the mean of the points it saw), and the manifest block's validation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniformCloud } from '../../harness/synthetic';
import { openClassifier, type TaughtHead } from '../../src/model/classifier';
import { decide } from '../../src/model/decide';
import { turnSimilarity, unlikeTraining } from '../../src/model/novelty';
import { parseManifest } from '../../src/model/zoo';
import { TINY_SHAPE, tinyZooModel } from './tinyManifest';
import { tinyClassifierModel } from './tinyModels';

interface Case { featuresZ: number[]; featuresY: number[]; threshold: number; similarity: number; flagged: boolean }
const cases: Case[] = JSON.parse(readFileSync(new URL('../fixtures/novelty.json', import.meta.url), 'utf8')).cases;

describe('novelty (turn similarity of the two ups\' features)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i: the hand-worked similarity and verdict', (_, c) => {
    const s = turnSimilarity(Float32Array.from(c.featuresZ), Float32Array.from(c.featuresY));
    expect(s).toBeCloseTo(c.similarity, 12);
    expect(unlikeTraining(s, { threshold: c.threshold })).toBe(c.flagged);
  });

  it('refuses features of different lengths', () => {
    expect(() => turnSimilarity([1, 2], [1, 2, 3])).toThrow('2 features at up z, 3 at up y');
  });

  it('decide: either check makes the answer "not sure", each reported; only with z and y features', () => {
    const logits = [Float32Array.from([2, 0, 0])]; // top 0.787 at T = 1
    const [alike, apart] = [cases[0], cases[1]]; // similarities 0.707 and 0.96
    const runs = (c: Case) => [
      { up: 'z' as const, voteLogits: logits, features: Float32Array.from(c.featuresZ) },
      { up: 'y' as const, voteLogits: logits, features: Float32Array.from(c.featuresY) },
    ];
    const calibration = { temperature: 1, threshold: 0.5 };
    const novel = decide(runs(alike), ['a', 'b', 'c'], calibration, 5, { threshold: 0.7 }).answer;
    expect(novel).toMatchObject({ notSure: true, lowConfidence: false, unlikeTraining: true });
    expect(novel.turnSimilarity).toBeCloseTo(alike.similarity, 12);
    const sure = decide(runs(apart), ['a', 'b', 'c'], calibration, 5, { threshold: 0.97 }).answer;
    expect(sure).toMatchObject({ notSure: false, lowConfidence: false, unlikeTraining: false });
    const both = decide(runs(alike), ['a', 'b', 'c'], { temperature: 1, threshold: 0.9 }, 5, { threshold: 0.7 }).answer;
    expect(both).toMatchObject({ notSure: true, lowConfidence: true, unlikeTraining: true });
    // No novelty block, a forced up (one run), or a run without features: not computed, not flagged.
    expect(decide(runs(alike), ['a', 'b', 'c'], calibration).answer).toMatchObject({ turnSimilarity: null, unlikeTraining: false, notSure: false });
    expect(decide(runs(alike).slice(0, 1), ['a', 'b', 'c'], calibration, 5, { threshold: -1 }).answer.turnSimilarity).toBeNull();
    expect(decide([runs(alike)[0], { ...runs(alike)[1], features: null }], ['a', 'b', 'c'], calibration, 5, { threshold: -1 }).answer.unlikeTraining).toBe(false);
  });
});

describe('the classifier and the manifest\'s novelty block (tiny model, wasm)', () => {
  const tiny = tinyZooModel();
  const built = tinyClassifierModel(TINY_SHAPE, { features: true });
  const base = parseManifest({ ...tiny.manifest, onnx: { ...tiny.manifest.onnx, outputs: ['logits', 'attention', 'features'] } });
  const files = (threshold: number) => ({ manifest: { ...base, novelty: { threshold } }, model: built.model, frozen: built.frozen });
  // Lopsided (most points in the +++ octant): the mean of the normalised points, the tiny model's
  // features, has a direction, and the y turn moves it.
  const cloud = uniformCloud(400, 3);
  for (let i = 0; i < 400; i++) if (i % 4 !== 0) for (let k = 0; k < 3; k++) cloud[3 * i + k] = Math.abs(cloud[3 * i + k]);

  it('scores Auto with the features of up z and up y, and flags above the threshold only', async () => {
    const open = await openClassifier(files(1), { device: 'wasm' });
    const z = await open.classify(cloud, { up: 'z', votes: 1 });
    const y = await open.classify(cloud, { up: 'y', votes: 1 });
    const want = turnSimilarity(z.features!, y.features!);
    expect(Math.abs(want)).toBeLessThan(0.99); // the turn changed the features
    const auto = await open.classify(cloud, { up: 'auto', votes: 1 });
    expect(auto.answer.turnSimilarity).toBeCloseTo(want, 6);
    expect(auto.answer.unlikeTraining).toBe(false);
    expect(z.answer.turnSimilarity).toBeNull(); // a forced up has one run: no check
    await open.dispose();

    const strict = await openClassifier(files(want - 1e-3), { device: 'wasm' });
    const flagged = await strict.classify(cloud, { up: 'auto', votes: 1 });
    expect(flagged.answer).toMatchObject({ unlikeTraining: true, notSure: true, lowConfidence: false });
    // A taught head has its own classes: never marked by this check.
    const head: TaughtHead = { name: 'sign', classes: ['plus', 'minus'], logits: (f) => new Float32Array([f[0], -f[0]]) };
    const taught = await strict.classify(cloud, { up: 'auto', votes: 1, head });
    expect(taught.answer).toMatchObject({ turnSimilarity: null, unlikeTraining: false, notSure: false });
    await strict.dispose();
  });

  it('reads and checks the block: a cosine threshold for the ups +z, +y', () => {
    const m = parseManifest({ ...tiny.manifest, novelty: { threshold: 0.77, ups: ['+z', '+y'], flaggedVal: { pooled: 0.02 } } });
    expect(m.novelty).toEqual({ threshold: 0.77 });
    expect(parseManifest(tiny.manifest).novelty).toBeUndefined();
    expect(() => parseManifest({ ...tiny.manifest, novelty: { threshold: 1.5, ups: ['+z', '+y'] } })).toThrow('novelty.threshold must be a number in [-1, 1]');
    expect(() => parseManifest({ ...tiny.manifest, novelty: { threshold: 0.5, ups: ['+y', '+z'] } })).toThrow('novelty.ups');
    expect(() => parseManifest({ ...tiny.manifest, novelty: { threshold: 0.5 } })).toThrow('novelty.ups');
    expect(() => parseManifest({ ...tiny.manifest, novelty: 3 })).toThrow('novelty');
  });
});
