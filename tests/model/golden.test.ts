// Every committed zoo model reproduces the golden outputs its export wrote
// (tests/fixtures/models/<id>.json: geometry inputs of real ModelNet40 test clouds -> PyTorch's
// logits and attention). The frozen weights are assembled first from their original source by
// scripts/assemble-model.mjs (byte-exact, sha256-checked); the model runs on onnxruntime-web's
// wasm backend in Node through src/model/session.ts, as the app runs it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/model/manifest';
import { createSession, type InputTensor } from '../../src/model/session';

interface GoldenInput {
  type: 'float32' | 'int32';
  dims: number[];
  data: number[];
}
interface Golden {
  model: string;
  tolerance: number;
  clouds: { id: string; label: number; inputs: Record<string, GoldenInput>; logits: number[]; attention: { dims: number[]; data: number[] }; features: number[] }[];
}

const root = join(__dirname, '..', '..');
const fixtureDir = join(root, 'tests', 'fixtures', 'models');
const fixtures = existsSync(fixtureDir) ? readdirSync(fixtureDir).filter((f) => f.endsWith('.json')) : [];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((best, v, i, all) => (v > all[best] ? i : best), 0);

describe('committed models reproduce their golden logits', () => {
  it('there is at least one committed model with a golden fixture', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const file of fixtures) {
    const golden = JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as Golden;
    it(`${golden.model}: onnxruntime-web (wasm) matches PyTorch within ${golden.tolerance}`, async () => {
      const dir = join(root, 'public', 'models', golden.model);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
      const model = readFileSync(join(dir, manifest.onnx.file));
      // The committed files are the ones the manifest describes.
      const onnxEntry = manifest.files[manifest.onnx.file];
      expect(model.byteLength).toBe(onnxEntry.bytes);
      expect(createHash('sha256').update(model).digest('hex')).toBe(onnxEntry.sha256);

      const externalData = [];
      if (manifest.frozen) {
        execFileSync('node', [join(root, 'scripts', 'assemble-model.mjs'), dir], { cwd: root, stdio: 'pipe' });
        externalData.push({ path: manifest.frozen.file, data: new Uint8Array(readFileSync(join(dir, manifest.frozen.file))) });
      }
      const session = await createSession(new Uint8Array(model), { device: 'wasm', externalData });
      try {
        expect(session.backend).toBe('wasm');
        expect([...session.inputNames]).toEqual(manifest.onnx.inputs);
        for (const cloud of golden.clouds) {
          const feeds: Record<string, InputTensor> = {};
          for (const name of manifest.onnx.inputs) {
            const g = cloud.inputs[name];
            feeds[name] = g.type === 'int32'
              ? { type: 'int32', data: Int32Array.from(g.data), dims: g.dims }
              : { type: 'float32', data: Float32Array.from(g.data), dims: g.dims };
          }
          const out = await session.run(feeds);
          expect(out.logits.dims).toEqual([1, manifest.classes.length]);
          expect(maxAbsDiff(out.logits.data, cloud.logits)).toBeLessThan(golden.tolerance);
          expect(argmax(out.logits.data)).toBe(argmax(cloud.logits));
          expect(out.attention.dims).toEqual(cloud.attention.dims.length === 3 ? [1, ...cloud.attention.dims] : cloud.attention.dims);
          expect(maxAbsDiff(out.attention.data, cloud.attention.data)).toBeLessThan(golden.tolerance);
          // The head's input, which a taught head is trained on (src/teach/head.ts).
          expect(out.features.dims).toEqual([1, manifest.features?.dim]);
          expect(maxAbsDiff(out.features.data, cloud.features)).toBeLessThan(golden.tolerance);
        }
      } finally {
        await session.dispose();
      }
    }, 120_000);
  }
});
