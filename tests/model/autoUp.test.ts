// The classifier's automatic up and calibration (src/model/decide.ts) on the tiny model: 'auto'
// classifies the cloud z-up and y-up and answers as decide() does over those two runs.
import { describe, expect, it } from 'vitest';
import { uniformCloud } from '../../harness/synthetic';
import { openClassifier } from '../../src/model/classifier';
import { decide } from '../../src/model/decide';
import { parseManifest } from '../../src/model/zoo';
import { tinyZooModel } from './tinyManifest';

describe('classify with up "auto" (tiny model, wasm)', () => {
  const tiny = tinyZooModel();
  const base = parseManifest(tiny.manifest);

  it('keeps the more confident of z and y, with its tokens and vote logits, and says it was detected', async () => {
    const manifest = { ...base, votes: 4, calibration: { temperature: 0.7, threshold: 0 } };
    const clf = await openClassifier({ manifest, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    for (const seed of [3, 5, 8]) {
      const cloud = uniformCloud(200, seed);
      const auto = await clf.classify(cloud, { up: 'auto' });
      // Half the manifest's votes per up: the same four network runs as the default.
      expect(auto.votes).toBe(2);
      const z = await clf.classify(cloud, { up: 'z', votes: 2 });
      const y = await clf.classify(cloud, { up: 'y', votes: 2 });
      const want = decide([{ up: 'z', voteLogits: z.voteLogits }, { up: 'y', voteLogits: y.voteLogits }], manifest.classes, manifest.calibration);
      const chosen = [z, y][want.chosen];
      expect(auto.answer.up).toBe(want.answer.up);
      expect(auto.answer.upDetected).toBe(true);
      expect(auto.answer.upScores.map((s) => s.up)).toEqual(['z', 'y']);
      expect(Array.from(auto.answer.probabilities)).toEqual(Array.from(want.answer.probabilities));
      expect(Array.from(auto.logits)).toEqual(Array.from(chosen.logits));
      expect(auto.tokens).toEqual(chosen.tokens);
      expect(auto.timings.network).toBeGreaterThan(0);
      // A forced up is one run, not detected, at the model's temperature.
      expect(z.answer.upDetected).toBe(false);
      expect(z.answer.temperature).toBe(0.7);
    }
    await clf.dispose();
  });

  it('says "not sure" below the calibration threshold and never without a calibration', async () => {
    const cloud = uniformCloud(100, 2);
    const sure = await openClassifier({ manifest: base, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    expect((await sure.classify(cloud, { up: 'auto' })).answer.notSure).toBe(false);
    await sure.dispose();
    const strict = await openClassifier({ manifest: { ...base, calibration: { temperature: 1, threshold: 1 } }, model: tiny.model, frozen: tiny.frozen }, { device: 'wasm' });
    const r = await strict.classify(cloud, { up: 'auto', votes: 1 });
    expect(r.votes).toBe(1);
    expect(r.answer.notSure).toBe(true);
    expect(r.answer.top[0].probability).toBeLessThan(1);
    await strict.dispose();
  });

  it('reads and checks the manifest\'s calibration block', () => {
    const m = parseManifest({ ...tiny.manifest, calibration: { temperature: 0.8, threshold: 0.6, votesPerUp: 2, test: {} } });
    expect(m.calibration).toEqual({ temperature: 0.8, threshold: 0.6, votesPerUp: 2 });
    expect(() => parseManifest({ ...tiny.manifest, calibration: { temperature: 0, threshold: 0.5 } })).toThrow('calibration.temperature must be a positive number');
    expect(() => parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 2 } })).toThrow('calibration.threshold must be a number in [0, 1]');
    expect(() => parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0.5, votesPerUp: 0 } })).toThrow('calibration.votesPerUp');
    const mixed = parseManifest({ ...tiny.manifest, calibration: { temperature: 0.8, threshold: 0.6, answer: 'mixture' } });
    expect(mixed.calibration).toEqual({ temperature: 0.8, threshold: 0.6, answer: 'mixture' });
    expect(() => parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0.5, answer: 'soft' } })).toThrow('calibration.answer must be "mixture" or "picked"');
    const spaced = parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0.5, sparse: 'grown', growSpacing: 0.04 } });
    expect(spaced.calibration).toEqual({ temperature: 1, threshold: 0.5, sparse: 'grown', growSpacing: 0.04 });
    for (const growSpacing of [-0.1, Infinity, '0.04', null]) {
      expect(() => parseManifest({ ...tiny.manifest, calibration: { temperature: 1, threshold: 0.5, sparse: 'grown', growSpacing } }))
        .toThrow('calibration.growSpacing must be a finite number >= 0');
    }
  });
});
