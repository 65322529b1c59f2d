// All network passes of one classify in one batched onnxruntime run (src/model/batchFeeds.ts), in
// Chromium on both backends: with the up on Auto (z and y, one vote each: two passes in one run;
// on WebGPU the two passes' inputs are stacked by GPU copies), the logits shown are those of the
// chosen up's forced one-vote run (a single pass), for a z-up cloud (slot 0 chosen) and the same
// cloud saved y-up (slot 1 chosen). (The single-pass runs' parity with PyTorch is classify.spec's.)
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './helpers';
import { testCloud, toPly, zooModel } from './modelnet';

const TOLERANCE = 1e-4; // batch-1 and batched runs of the same pass (the parity bound is 1e-3)
const CLOUD = 'chair_0890';

/** The cloud turned from z up to y up: (x, y, z) -> (x, z, -y), the benchmark's `up+y`. */
function yUp(points: Float32Array): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) [out[i], out[i + 1], out[i + 2]] = [points[i], points[i + 2], -points[i + 1]];
  return out;
}

async function open(page: Page, device: 'webgpu' | 'wasm', up: 'auto' | 'z' | 'y'): Promise<void> {
  await page.goto(`/?device=${device}&model=${zooModel()}&votes=1${up === 'auto' ? '' : `&up=${up}`}`);
  await expect(page.getByTestId('model-picker')).toHaveValue(zooModel(), { timeout: 120_000 });
  await expect(page.getByTestId('model-progress')).toBeHidden({ timeout: 180_000 });
  await expect(page.getByTestId(`up-${up}`)).toBeChecked();
}

interface Result {
  logits: number[];
  up: string | null;
  backend: string | null;
  votes: number;
}

async function classify(page: Page, name: string, points: Float32Array): Promise<Result> {
  await dropFile(page, name, toPly(points));
  const panel = page.getByTestId('predictions');
  await expect(panel).toHaveAttribute('data-source', name, { timeout: 300_000 });
  await expect(panel).toHaveAttribute('aria-busy', 'false', { timeout: 300_000 });
  return {
    logits: JSON.parse((await page.getByTestId('top-classes').getAttribute('data-logits')) ?? '[]') as number[],
    up: await page.getByTestId('up-line').getAttribute('data-value'),
    backend: await page.getByTestId('backend').getAttribute('data-value'),
    votes: Number(await page.getByTestId('votes').getAttribute('data-value')),
  };
}

const maxDiff = (a: number[], b: number[]) => {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
};

for (const device of ['webgpu', 'wasm'] as const) {
  test(`Auto up, one vote: the batched run's logits are the forced up's single-pass ones (${device})`, async ({ page }) => {
    test.setTimeout(20 * 60_000); // SwiftShader runs the WebGPU path on the CPU
    const chair = testCloud(CLOUD);
    const clouds: [string, Float32Array, 'z' | 'y'][] = [
      [`${CLOUD}.ply`, chair.points, 'z'],
      [`${CLOUD}-y-up.ply`, yUp(chair.points), 'y'],
    ];
    await open(page, device, 'auto');
    const auto: Result[] = [];
    for (const [name, points] of clouds) auto.push(await classify(page, name, points));
    const forced: Result[] = [];
    for (const [i, [name, points, up]] of clouds.entries()) {
      expect(auto[i].up, name).toBe(up);
      expect(auto[i].backend).toBe(device);
      expect(auto[i].votes).toBe(1);
      await open(page, device, up);
      forced.push(await classify(page, `forced-${name}`, points));
    }
    const diffs = clouds.map((_, i) => maxDiff(auto[i].logits, forced[i].logits));
    console.log(`${device}: Auto (one batched run) vs the forced up (one pass), max |logit difference| z ${diffs[0].toExponential(2)}, y ${diffs[1].toExponential(2)}`);
    for (const d of diffs) expect(d).toBeLessThan(TOLERANCE);
  });
}
