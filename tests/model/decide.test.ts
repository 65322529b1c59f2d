import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTO_UPS, decide, mixedProbabilities, pickUp, upWeights, votedProbabilities } from '../../src/model/decide';
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
