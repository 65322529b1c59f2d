import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerFrom, AUTO_UPS, decide, mixedProbabilities, pickUp, upWeights, votedProbabilities } from '../../src/model/decide';
import type { Upright } from '../../src/model/upright';
import type { UpAxis } from '../../src/geometry/upTurn';

interface Case {
  labels: string[];
  logits: number[][][];
  temperature: number;
  threshold: number;
  upConfidences: number[];
  up: number;
  probabilities: number[];
  notSure: boolean;
}

// The same hand-worked numbers training/tests/test_decide.py checks the Python twin on.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/decide.json', import.meta.url), 'utf8'));
const cases: Case[] = fixture.cases;

interface Mixture {
  labels: string[];
  logits: number[][][];
  features: number[][];
  upright: Upright;
  temperature: number;
  threshold: number;
  weights: number[];
  up: number;
  probabilities: number[];
  notSure: boolean;
}
const mixtures: Mixture[] = fixture.mixtures;
const SIX: UpAxis[] = ['z', 'y', '-y', 'x', '-x', '-z'];

describe('decide (the automatic up, temperature and "not sure")', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i: the hand-worked up, probabilities and verdict', (_, c) => {
    const runs = c.logits.map((votes, u) => ({ up: AUTO_UPS[u], voteLogits: votes.map((l) => Float32Array.from(l)) }));
    const { answer, chosen } = decide(runs, c.labels, { temperature: c.temperature, threshold: c.threshold });
    expect(chosen).toBe(c.up);
    expect(answer.up).toBe(AUTO_UPS[c.up]);
    expect(answer.upDetected).toBe(true);
    answer.upScores.forEach((s, u) => expect(s.confidence).toBeCloseTo(c.upConfidences[u], 6));
    Array.from(answer.probabilities).forEach((p, k) => expect(p).toBeCloseTo(c.probabilities[k], 6));
    expect(answer.top[0].probability).toBeCloseTo(Math.max(...c.probabilities), 6);
    expect(answer.notSure).toBe(c.notSure);
  });

  it('keeps the earlier candidate on a tie and the larger one otherwise', () => {
    expect(pickUp([0.5, 0.5])).toBe(0);
    expect(pickUp([0.4, 0.6])).toBe(1);
    expect(pickUp([0.7, 0.6])).toBe(0);
    expect(() => pickUp([])).toThrow(/no candidates/);
  });

  it('a forced up is one run: not detected, and never "not sure" without a calibration', () => {
    const { answer } = decide([{ up: 'y', voteLogits: [Float32Array.from([0, 0, 0])] }], ['a', 'b', 'c']);
    expect(answer.up).toBe('y');
    expect(answer.upDetected).toBe(false);
    expect(answer.notSure).toBe(false);
    expect(answer.temperature).toBe(1);
  });

  it('a temperature above 1 flattens, below 1 sharpens, and keeps one vote\'s order', () => {
    const l = [Float32Array.from([2, 1, 0])];
    const [p1, p2, ph] = [1, 2, 0.5].map((t) => votedProbabilities(l, t));
    expect(p2[0]).toBeLessThan(p1[0]);
    expect(ph[0]).toBeGreaterThan(p1[0]);
    expect(ph[0]).toBeGreaterThan(ph[1]);
    expect(() => votedProbabilities(l, 0)).toThrow(/positive/);
  });

  it.each(mixtures.map((c, i) => [i, c] as const))('mixture %i: the up marginalised with a calibration fitted on mixtures', (_, c) => {
    const runs = c.logits.map((votes, u) => ({ up: SIX[u], voteLogits: votes.map((l) => Float32Array.from(l)), features: Float32Array.from(c.features[u]) }));
    const calibration = { temperature: c.temperature, threshold: c.threshold, answer: 'mixture' as const };
    const { answer, chosen } = decide(runs, c.labels, calibration, 5, null, c.upright);
    expect(chosen).toBe(c.up);
    expect(answer.mixed).toBe(true);
    answer.upScores.forEach((s, u) => expect(s.weight).toBeCloseTo(c.weights[u], 7)); // features are float32
    Array.from(answer.probabilities).forEach((p, k) => expect(p).toBeCloseTo(c.probabilities[k], 6));
    expect(answer.notSure).toBe(c.notSure);
    // the same runs with a calibration fitted on picked answers: the chosen up's answer alone
    const picked = decide(runs, c.labels, { ...calibration, answer: 'picked' }, 5, null, c.upright).answer;
    expect(picked.mixed).toBe(false);
    expect(picked.upScores.every((s) => s.weight === undefined)).toBe(true);
    expect(Array.from(picked.probabilities)).toEqual(Array.from(votedProbabilities(runs[c.up].voteLogits, c.temperature)));
  });

  it('mixes only with a learned picker: max-softmax and a forced up keep the picked answer', () => {
    const runs = mixtures[0].logits.map((votes, u) => ({ up: AUTO_UPS[u], voteLogits: votes.map((l) => Float32Array.from(l)) }));
    const calibration = { temperature: 1, threshold: 0, answer: 'mixture' as const };
    const { answer } = decide(runs, mixtures[0].labels, calibration);
    expect(answer.mixed).toBe(false);
    expect(answer.up).toBe('y');
    expect(decide(runs.slice(0, 1), mixtures[0].labels, calibration).answer.mixed).toBe(false);
  });

  it('up weights are a softmax over the scores that pick the up', () => {
    upWeights([Math.log(3), 0, 5], false).forEach((w, i) => expect(w).toBeCloseTo([0.75, 0.25, 0][i], 12));
    upWeights([0, Math.log(2), Math.log(5)], true).forEach((w, i) => expect(w).toBeCloseTo([1 / 8, 2 / 8, 5 / 8][i], 12));
    expect(() => mixedProbabilities([{ voteLogits: [Float32Array.from([0, 0])] }], [0.5, 0.5], 1)).toThrow(/2 weights for 1 runs/);
  });
});

describe('answerFrom (step 5: a sparse cloud answered from its grown passes)', () => {
  const labels = ['a', 'b', 'c'];
  const run = (up: UpAxis, logits: number[]) => ({ up, voteLogits: [Float32Array.from(logits)] });

  it('keeps the up and its weights, mixes the grown passes with them, and re-checks the threshold', () => {
    // Given (repeated): z is picked with weight 3/4 (learned scores ln 3, 0 over z, y).
    const given = decide([run('z', [0, 0, 0]), run('y', [0, 0, 0])], labels, { temperature: 1, threshold: 0.5, answer: 'mixture' }).answer;
    const answer = { ...given, mixed: true, upScores: [{ up: 'z' as UpAxis, confidence: 1 / 3, weight: 0.75 }, { up: 'y' as UpAxis, confidence: 1 / 3, weight: 0.25 }] };
    expect(answer.notSure).toBe(true); // 1/3 < 0.5
    // Grown: z says a with probability e^2 / (e^2 + 2), y says b likewise.
    const grown = [run('y', [0, 2, 0]), run('z', [2, 0, 0])];
    const r = answerFrom(answer, grown, labels, { temperature: 1, threshold: 0.5 });
    const p = Math.exp(2) / (Math.exp(2) + 2);
    const q = 1 / (Math.exp(2) + 2);
    [0.75 * p + 0.25 * q, 0.75 * q + 0.25 * p, q].forEach((v, k) => expect(r.probabilities[k]).toBeCloseTo(v, 6));
    expect(r.top[0].label).toBe('a');
    expect([r.up, r.grown, r.lowConfidence, r.notSure]).toEqual(['z', true, false, false]);
    expect(r.upScores).toEqual(answer.upScores);
    // Not mixed: the answer's own up, at the temperature; the novelty verdict stays.
    const picked = { ...answer, mixed: false, up: 'y' as UpAxis, unlikeTraining: true };
    const s = answerFrom(picked, grown, labels, { temperature: 2, threshold: 0 });
    expect(Array.from(s.probabilities)).toEqual(Array.from(votedProbabilities(grown[0].voteLogits, 2)));
    expect([s.top[0].label, s.lowConfidence, s.notSure]).toEqual(['b', false, true]);
    expect(() => answerFrom(picked, [grown[1]], labels)).toThrow(/no run of up y/);
  });
});
