// The CLI gives the browser's answers: ModelNet40 test clouds written as PLY and classified by
// `any2point classify` have PyTorch's top-1 and logits within the bound the browser's parity test
// holds them to (e2e/classify.spec.ts), for every committed model with a reference (the export's
// tests/fixtures/models/<id>.json, the fixtures the browser tests use). One vote: the reference is
// the cloud in its own point order, z up (as the browser's parity specs force). CLI_PARITY_CLOUDS=32 runs every cloud of the fixtures.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliJsonFile } from '../../src/cli/output';
import { referenceOf, testCloud, zooModels } from '../../e2e/modelnet';
import { modelnetFolder, runCli } from './runCli';

const LOGIT_TOLERANCE = 1e-3; // the browser's (e2e/classify.spec.ts)
const CLOUDS = Number(process.env.CLI_PARITY_CLOUDS ?? 4);
const argmax = (a: number[]) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

describe('any2point classify matches PyTorch on the parity clouds', () => {
  it('every committed model is checked', () => {
    expect(zooModels().length).toBeGreaterThan(0);
  });

  for (const modelId of zooModels()) {
    it(`${modelId}: ${CLOUDS} clouds, same top-1, logits within ${LOGIT_TOLERANCE}`, async () => {
      const reference = referenceOf(modelId).slice(0, CLOUDS);
      expect(reference).toHaveLength(CLOUDS);
      // Class folders named after the true class, so the run also reports accuracy.
      const byClass: Record<string, string[]> = {};
      for (const r of reference) (byClass[testCloud(r.id).label] ??= []).push(r.id);
      const folder = modelnetFolder(byClass);
      folders.push(folder);
      const run = await runCli(['classify', folder, '--model', modelId, '--votes', '1', '--up', 'z', '--jobs', '2']);
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { meta: { model: string }; cli: { device: string }; files: CliJsonFile[] };
      expect(out.meta.model).toBe(modelId);
      const byId = new Map(out.files.map((f) => [path.basename(f.file, '.ply'), f]));
      let maxDiff = 0;
      for (const ref of reference) {
        const logits = byId.get(ref.id)?.logits;
        expect(logits, ref.id).toHaveLength(ref.logits.length);
        expect(argmax(logits!), ref.id).toBe(argmax(ref.logits));
        maxDiff = Math.max(maxDiff, ...logits!.map((v, i) => Math.abs(v - ref.logits[i])));
      }
      console.log(`${modelId} (${out.cli.device}): ${CLOUDS} clouds, max |logit difference| ${maxDiff.toExponential(2)}`);
      expect(maxDiff).toBeLessThan(LOGIT_TOLERANCE);
    }, 900_000);
  }
});
