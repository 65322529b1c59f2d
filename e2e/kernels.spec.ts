// The WGSL geometry kernels in Chromium's WebGPU (SwiftShader here), compared with their CPU twins
// on the kernel check page (kernels.html, harness/kernelCheck.ts).
import { expect, test } from '@playwright/test';

test('every geometry kernel runs on WebGPU in Chromium and equals its CPU twin', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/kernels.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const report = await page.evaluate(() => window.kernels!.check());

  // WebGPU really ran: a real adapter, and the geometry chain reports the GPU path.
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(true);
  expect(report.adapter.architecture || report.adapter.description).not.toBe('');
  expect(report.geometryPath).toBe('gpu');
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(report.adapter) });

  const failed = report.cases.filter((c) => !c.ok);
  expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
  expect(report.cases.length).toBeGreaterThanOrEqual(27);
  expect(errors).toEqual([]);
});
