// The learned up picker (src/model/upright.ts, docs/pose.md "E"): the scores and picks on the same
// hand-worked numbers as training/tests/test_upright.py, when decide() uses the rule and when it
// keeps max-softmax, and the classifier passing the manifest's block (tiny model whose `features`
// output is the mean of the points it saw).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniformCloud } from '../../harness/synthetic';
import { openClassifier, type TaughtHead } from '../../src/model/classifier';
import { decide, pickUp, wantsSecondLook } from '../../src/model/decide';
import { lookChoice, lookTrigger, needsSecondLook, pickWithSecondLook, SECOND_LOOK_UPS, uprightScore, uprightScores, type SecondLook, type Upright } from '../../src/model/upright';
import { parseManifest } from '../../src/model/zoo';
import { TINY_SHAPE, tinyZooModel } from './tinyManifest';
import { tinyClassifierModel } from './tinyModels';

interface Case { features: number[][]; confidence: number[]; weights: number[]; confidenceWeight: number; scores: number[]; pick: number }
interface LookCase { features: number[][]; confidence: number[]; picker: { weights: number[]; confidenceWeight: number }; secondLook: Omit<SecondLook, 'ups'>; pickerScores: number[]; trigger: number; choice: number[]; look: boolean; pick: number }
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/upright.json', import.meta.url), 'utf8'));
const cases: Case[] = fixtures.cases;
const lookCases: LookCase[] = fixtures.secondLook;

describe('upright (the learned up picker)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i: the hand-worked scores and pick', (_, c) => {
    const upright = { weights: c.weights, confidenceWeight: c.confidenceWeight };
    // Features as the network gives them (float32; the fixture's values are exact in float32).
    const candidates = c.features.map((f, u) => ({ features: Float32Array.from(f), confidence: c.confidence[u] }));
    const scores = uprightScores(candidates, upright)!;
    scores.forEach((s, u) => expect(Math.abs(s - c.scores[u])).toBeLessThan(1e-12));
    candidates.forEach((cand, u) => expect(uprightScore(cand.features, cand.confidence, upright)).toBe(scores[u]));
    expect(pickUp(scores)).toBe(c.pick);
  });

  it('does not apply without a block, with one candidate, or without features of the weights\' length', () => {
    const upright = { weights: [1, -1], confidenceWeight: 2 };
    const z = { features: Float32Array.from([1, 2]), confidence: 0.5 };
    const y = { features: Float32Array.from([2, 0]), confidence: 0.25 };
    expect(uprightScores([z, y], upright)).toHaveLength(2);
    expect(uprightScores([z, y], null)).toBeNull();
    expect(uprightScores([z], upright)).toBeNull();
    expect(uprightScores([z, { ...y, features: null }], upright)).toBeNull();
    expect(uprightScores([z, { ...y, features: undefined }], upright)).toBeNull();
    expect(uprightScores([z, { ...y, features: Float32Array.from([2, 0, 1]) }], upright)).toBeNull();
    expect(() => uprightScore([1, 2, 3], 0.5, upright)).toThrow('3 features for 2 weights');
  });
});

describe('the second look (docs/pose.md "H")', () => {
  const withLook = (c: LookCase): Upright => ({ ...c.picker, secondLook: { ...c.secondLook, ups: SECOND_LOOK_UPS } });
  it.each(lookCases.map((c, i) => [i, c] as const))('case %i: the hand-worked trigger, choice, look and pick', (_, c) => {
    const upright = withLook(c);
    const candidates = c.features.map((f, u) => ({ features: Float32Array.from(f), confidence: c.confidence[u] }));
    const g = lookTrigger(candidates, upright)!;
    expect(Math.abs(g - c.trigger)).toBeLessThan(1e-12);
    expect(lookTrigger(candidates.slice(0, 2), upright)).toBe(g);
    const choice = lookChoice(candidates, upright)!;
    choice.forEach((x, i) => expect(Math.abs(x - c.choice[i])).toBeLessThan(1e-12));
    const scores = uprightScores(candidates, upright)!;
    scores.forEach((x, i) => expect(Math.abs(x - c.pickerScores[i])).toBeLessThan(1e-12));
    expect(needsSecondLook(g, upright)).toBe(c.look);
    expect(pickWithSecondLook(scores, g, choice, upright)).toBe(c.pick);
    expect(needsSecondLook(g, c.picker)).toBe(false);
    expect(lookTrigger(candidates, c.picker)).toBeNull();
    expect(lookChoice(candidates, c.picker)).toBeNull();
    // decide() from logits whose top probability is the case's confidence: the same pick.
    const runs = (['z', 'y', ...SECOND_LOOK_UPS] as const).map((up, i) => {
      const p = c.confidence[i];
      return { up, voteLogits: [Float32Array.from([Math.log(p), Math.log((1 - p) / 2), Math.log((1 - p) / 2)])], features: candidates[i].features };
    });
    expect(wantsSecondLook(runs.slice(0, 2), upright)).toBe(c.look);
    const { chosen, answer } = decide(c.look ? runs : runs.slice(0, 2), ['a', 'b', 'c'], undefined, 5, null, upright);
    expect(chosen).toBe(c.pick);
    expect(answer.secondLook).toBe(c.look);
  });

  it('needs features of the weights\' length and Auto\'s z, y first', () => {
    const c = lookCases[1];
    const upright = withLook(c);
    const runs = (['z', 'y'] as const).map((up, i) => ({ up, voteLogits: [Float32Array.from([0, 0, 1])], features: Float32Array.from(c.features[i]) }));
    expect(wantsSecondLook(runs, upright)).toBe(true);
    expect(wantsSecondLook([runs[0], { ...runs[1], features: null }], upright)).toBe(false);
    expect(wantsSecondLook([runs[0], { ...runs[1], features: Float32Array.from([1, 2, 3]) }], upright)).toBe(false);
    expect(wantsSecondLook([runs[1], runs[0]], upright)).toBe(false);
    expect(wantsSecondLook(runs, null)).toBe(false);
  });
});

describe('decide with the learned up picker', () => {
  const labels = ['a', 'b', 'c'];
  // z is the more confident (top e^2 / (e^2 + 2) = 0.787 against e / (e + 2) = 0.576) ...
  const confZ = Math.exp(2) / (Math.exp(2) + 2);
  const confY = Math.E / (Math.E + 2);
  const runs = [
    { up: 'z' as const, voteLogits: [Float32Array.from([2, 0, 0])], features: Float32Array.from([0, 1]) },
    { up: 'y' as const, voteLogits: [Float32Array.from([1, 0, 0])], features: Float32Array.from([1, 0]) },
  ];
  // ... and the learned score prefers y: weights (10, 0) give z 0 + ln 0.787, y 10 + ln 0.576.
  const upright = { weights: [10, 0], confidenceWeight: 1 };

  it('picks the highest learned score, not the more confident up, and reports both', () => {
    expect(decide(runs, labels).answer).toMatchObject({ up: 'z', upRule: 'confidence', upDetected: true });
    const { answer, chosen } = decide(runs, labels, { temperature: 1, threshold: 0 }, 5, null, upright);
    expect(chosen).toBe(1);
    expect(answer).toMatchObject({ up: 'y', upRule: 'learned', upDetected: true });
    expect(answer.upScores.map((s) => s.up)).toEqual(['z', 'y']);
    expect(answer.upScores[0].confidence).toBeCloseTo(confZ, 6);
    expect(answer.upScores[1].confidence).toBeCloseTo(confY, 6);
    expect(answer.upScores[0].score).toBeCloseTo(Math.log(confZ), 6);
    expect(answer.upScores[1].score).toBeCloseTo(10 + Math.log(confY), 6);
    // The answer is the chosen run's: y's probabilities.
    expect(answer.top[0].probability).toBeCloseTo(confY, 6);
    // With a negative feature weight the same block's rule picks z.
    expect(decide(runs, labels, undefined, 5, null, { weights: [-10, 0], confidenceWeight: 1 }).answer.up).toBe('z');
  });

  it('keeps z on a tie of learned scores, even when y is the more confident', () => {
    const tie = [
      { up: 'z' as const, voteLogits: [Float32Array.from([1, 0, 0])], features: Float32Array.from([1, 0]) },
      { up: 'y' as const, voteLogits: [Float32Array.from([3, 0, 0])], features: Float32Array.from([0, 1]) },
    ];
    expect(decide(tie, labels).answer.up).toBe('y');
    const { answer } = decide(tie, labels, undefined, 5, null, { weights: [1, 1], confidenceWeight: 0 });
    expect(answer).toMatchObject({ up: 'z', upRule: 'learned' });
    expect(answer.upScores.map((s) => s.score)).toEqual([1, 1]);
  });

  it('falls back to max-softmax when a run has no features or features of another length', () => {
    for (const y of [{ ...runs[1], features: null }, { ...runs[1], features: undefined }, { ...runs[1], features: Float32Array.from([1, 0, 0]) }]) {
      const { answer } = decide([runs[0], y], labels, undefined, 5, null, upright);
      expect(answer).toMatchObject({ up: 'z', upRule: 'confidence' });
      expect(answer.upScores.every((s) => s.score === undefined)).toBe(true);
    }
  });

  it('a forced up (one run) ignores the block', () => {
    const { answer } = decide([runs[0]], labels, undefined, 5, null, upright);
    expect(answer).toMatchObject({ up: 'z', upRule: 'forced', upDetected: false });
    expect(answer.upScores).toHaveLength(1);
    expect(answer.upScores[0].score).toBeUndefined();
  });
});

describe('the classifier and the manifest\'s upright block (tiny model, wasm)', () => {
  const tiny = tinyZooModel();
  const built = tinyClassifierModel(TINY_SHAPE, { features: true });
  const base = parseManifest({ ...tiny.manifest, onnx: { ...tiny.manifest.onnx, outputs: ['logits', 'attention', 'features'] } });
  const open = (weights: number[] | null) =>
    openClassifier({ manifest: { ...base, ...(weights ? { upright: { weights, confidenceWeight: 0.5 } } : {}) }, model: built.model, frozen: built.frozen }, { device: 'wasm' });
  // Lopsided (most points in the +++ octant): the tiny model's features (the mean of the
  // normalised points) have a direction, and the y turn moves it.
  const cloud = uniformCloud(400, 3);
  for (let i = 0; i < 400; i++) if (i % 4 !== 0) for (let k = 0; k < 3; k++) cloud[3 * i + k] = Math.abs(cloud[3 * i + k]);

  it('takes the second look only when its trigger on z and y is below its threshold, and keeps the best of six', async () => {
    const plain = await open(null);
    const forced = new Map<string, Awaited<ReturnType<typeof plain.classify>>>();
    for (const up of ['z', 'y', ...SECOND_LOOK_UPS] as const) forced.set(up, await plain.classify(cloud, { up, votes: 1 }));
    await plain.dispose();
    // Picker and choice weights toward the -x run's features: it scores highest of the six.
    const fz = forced.get('z')!.features!;
    const toward = Array.from(forced.get('-x')!.features!, (f, i) => 100 * (f - fz[i]));
    const withLook = (below: number) => openClassifier({ manifest: { ...base, upright: { weights: toward, confidenceWeight: 0.5, secondLook: { below, trigger: { weights: [toward, toward], confidenceWeights: [0, 0], bias: 0 }, choice: { weights: toward, confidenceWeight: 0 }, ups: SECOND_LOOK_UPS } } }, model: built.model, frozen: built.frozen }, { device: 'wasm' });
    const always = await withLook(1e12);
    const looked = await always.classify(cloud, { up: 'auto', votes: 1 });
    expect(looked.answer).toMatchObject({ up: '-x', upRule: 'learned', upDetected: true, secondLook: true });
    expect(looked.answer.upScores.map((u) => u.up)).toEqual(['z', 'y', '-y', 'x', '-x', '-z']);
    expect(Array.from(looked.logits)).toEqual(Array.from(forced.get('-x')!.logits));
    // A taught head never takes it (the picker was fitted on the model's own head).
    const head: TaughtHead = { name: 'sign', classes: ['plus', 'minus'], logits: (f) => new Float32Array([f[0], -f[0]]) };
    expect((await always.classify(cloud, { up: 'auto', votes: 1, head })).answer.upScores).toHaveLength(2);
    await always.dispose();
    const never = await withLook(-1e12);
    const plainAuto = await never.classify(cloud, { up: 'auto', votes: 1 });
    expect(plainAuto.answer.secondLook).toBe(false);
    expect(plainAuto.answer.upScores).toHaveLength(2);
    expect(plainAuto.timings.runs).toBeLessThan(looked.timings.runs);
    await never.dispose();
  });

  it('scores Auto\'s two ups with their features and keeps the learned pick\'s outputs; a taught head ignores it', async () => {
    const plain = await open(null);
    const z = await plain.classify(cloud, { up: 'z', votes: 1 });
    const y = await plain.classify(cloud, { up: 'y', votes: 1 });
    const byConfidence = await plain.classify(cloud, { up: 'auto', votes: 1 });
    expect(byConfidence.answer.upRule).toBe('confidence');
    await plain.dispose();
    // Weights along f_y - f_z, scaled well past the confidence term: the learned rule picks y with
    // them and z with their opposite, whichever the more confident up is.
    const toward = Array.from(z.features!, (fz, i) => 100 * (y.features![i] - fz));
    for (const [weights, want] of [[toward, y], [toward.map((w) => -w), z]] as const) {
      const learned = await open([...weights]);
      const auto = await learned.classify(cloud, { up: 'auto', votes: 1 });
      expect(auto.answer).toMatchObject({ up: want.answer.up, upRule: 'learned', upDetected: true });
      [z, y].forEach((r, u) => {
        let dot = 0;
        for (let i = 0; i < weights.length; i++) dot += weights[i] * r.features![i];
        expect(auto.answer.upScores[u].score).toBeCloseTo(dot + 0.5 * Math.log(r.answer.upScores[0].confidence), 9);
      });
      expect(Array.from(auto.logits)).toEqual(Array.from(want.logits));
      expect(auto.tokens).toEqual(want.tokens);
      const head: TaughtHead = { name: 'sign', classes: ['plus', 'minus'], logits: (f) => new Float32Array([f[0], -f[0]]) };
      expect((await learned.classify(cloud, { up: 'auto', votes: 1, head })).answer.upRule).toBe('confidence');
      expect((await learned.classify(cloud, { up: 'y', votes: 1 })).answer.upRule).toBe('forced');
      await learned.dispose();
    }
  });
});
