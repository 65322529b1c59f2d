// The CLI gives the browser's answers: ModelNet40 test clouds written as PLY and classified by
// `any2point classify` have PyTorch's top-1 and logits within the bound the browser's parity test
// holds them to (e2e/classify.spec.ts), for every committed model with a reference (the export's
// tests/fixtures/models/<id>.json, the fixtures the browser tests use). One vote: the reference is
// the cloud in its own point order, z up (as the browser's parity specs force). CLI_PARITY_CLOUDS=32 runs every cloud of the fixtures.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliJsonFile } from '../../src/cli/output';
import { keptWhole, referenceOf, testCloud, zooModel, zooModels } from '../../e2e/modelnet';
import { modelnetFolder, runCli, SWIFTSHADER_ENV } from './runCli';

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
      // Files the loaders keep whole (keptWhole): the reference is the stored cloud's.
      const all = referenceOf(modelId);
      const reference = all.filter((r) => keptWhole(r.id)).slice(0, CLOUDS);
      expect(reference.length).toBeGreaterThanOrEqual(Math.min(CLOUDS, all.length - 1));
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

  it('--device webgpu: the geometry kernels on Dawn (SwiftShader here), the same answers', async () => {
    const modelId = zooModel();
    const ref = referenceOf(modelId)[0];
    const folder = modelnetFolder({ [testCloud(ref.id).label]: [ref.id] });
    folders.push(folder);
    const run = await runCli(['classify', folder, '--device', 'webgpu', '--votes', '1', '--up', 'z', '--jobs', '1'], SWIFTSHADER_ENV);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/on WebGPU \(network: onnxruntime-web wasm, geometry: WebGPU kernels\)/);
    const out = JSON.parse(run.stdout) as { cli: { device: string }; files: CliJsonFile[] };
    expect(out.cli.device).toBe('WebGPU');
    const logits = out.files[0].logits!;
    expect(argmax(logits)).toBe(argmax(ref.logits));
    expect(Math.max(...logits.map((v, i) => Math.abs(v - ref.logits[i])))).toBeLessThan(LOGIT_TOLERANCE);
    // 'auto' does not take a software adapter, and says why.
    const auto = await runCli(['classify', folder, '--votes', '1', '--up', 'z', '--jobs', '1'], SWIFTSHADER_ENV);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/on CPU .*\n.*not on WebGPU: the only WebGPU adapter is a software one/);
  }, 900_000);
});
