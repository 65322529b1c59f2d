// Every zoo model in the browser: the model picker lists each committed manifest, and each model
// classifies a ModelNet40 test cloud on WebGPU and on wasm with PyTorch's logits (within 1e-3)
// and top-1. The default model's 32-cloud parity runs in classify.spec.ts; this spec covers the
// whole zoo with one cloud per model and backend.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { dropFile } from './helpers';
import { referenceOf, testCloud, toPly, zooManifest, zooModels } from './modelnet';

const LOGIT_TOLERANCE = 1e-3;
const argmax = (a: number[]) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

// The picker's order, written out by hand from the manifests (not computed by zooOrder(), which
// the app uses): backbone models trained on every heading first (the default, use-lite, since
// its heading fine-tune), then by measured test accuracy, best first, the no-backbone baseline
// last whatever it scores.
const PICKER_ORDER: [id: string, testAccuracy: number][] = [
  ['use-lite-modelnet40', 0.8772],
  ['kwt1-modelnet40', 0.8772],
  ['vit-mnist-modelnet40', 0.8639],
  ['none-modelnet40', 0.8898], // the baseline: after every backbone model
];

test('the model picker lists every committed model, the default first', async ({ page }) => {
  // The hand-written order still describes the committed manifests (else update PICKER_ORDER).
  const committed = readdirSync(path.join('public', 'models')).filter((id) => existsSync(path.join('public', 'models', id, 'manifest.json')));
  expect([...committed].sort()).toEqual(PICKER_ORDER.map(([id]) => id).sort());
  for (const [id, accuracy] of PICKER_ORDER) expect(zooManifest(id).metrics?.testOverallAccuracy, id).toBeCloseTo(accuracy, 4);

  await page.goto('/');
  const options = page.getByTestId('model-picker').locator('option');
  await expect(options).toHaveCount(PICKER_ORDER.length, { timeout: 120_000 });
  expect(await options.evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual(PICKER_ORDER.map(([id]) => id));
});

for (const modelId of zooModels()) {
  for (const device of ['webgpu', 'wasm'] as const) {
    test(`${modelId} on ${device}: a ModelNet40 test cloud gets PyTorch's logits`, async ({ page }) => {
      test.setTimeout(10 * 60_000); // SwiftShader runs WebGPU on the CPU
      const ref = referenceOf(modelId)[0];
      // One vote: the logits shown are the first vote's either way, and SwiftShader is slow.
      // Up forced to z: PyTorch's logits are of the cloud as stored (z up).
      await page.goto(`/?model=${modelId}&device=${device}&votes=1&up=z`);
      await expect(page.getByTestId('model-picker')).toHaveValue(modelId, { timeout: 120_000 });
      await expect(page.getByTestId('model-progress')).toBeHidden({ timeout: 180_000 });
      await dropFile(page, `${ref.id}.ply`, toPly(testCloud(ref.id).points));
      const panel = page.getByTestId('predictions');
      await expect(panel).toHaveAttribute('data-source', `${ref.id}.ply`, { timeout: 300_000 });
      await expect(panel).toHaveAttribute('aria-busy', 'false', { timeout: 300_000 });
      expect(await page.getByTestId('backend').getAttribute('data-value')).toBe(device);
      await expect(page.getByTestId('votes')).toHaveAttribute('data-value', '1');
      const logits = JSON.parse((await page.getByTestId('top-classes').getAttribute('data-logits')) ?? '[]') as number[];
      expect(logits).toHaveLength(ref.logits.length);
      const diff = Math.max(...logits.map((v, i) => Math.abs(v - ref.logits[i])));
      console.log(`${modelId} ${device}: ${ref.id} max |logit difference| ${diff.toExponential(2)}`);
      expect(argmax(logits)).toBe(argmax(ref.logits));
      expect(diff).toBeLessThan(LOGIT_TOLERANCE);
    });
  }
}
