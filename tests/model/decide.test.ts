import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTO_UPS, decide, pickUp, votedProbabilities } from '../../src/model/decide';

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
const cases: Case[] = JSON.parse(readFileSync(new URL('../fixtures/decide.json', import.meta.url), 'utf8')).cases;

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
});
