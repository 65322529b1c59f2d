// The app as an offline PWA: one visit installs the service worker, which precaches the app,
// onnxruntime's wasm, the models and the backbones' source files; then, with the network off, a
// reload still opens, stays cross-origin isolated, and classifies a gallery shape.
import { expect, test } from '@playwright/test';
import { saveScreenshot } from './helpers';

test('offline: after one visit, a reload without network classifies a gallery shape', async ({ page, context }) => {
  test.setTimeout(10 * 60_000);
  await page.goto('/');
  // Installed (every precached file fetched) and controlling this page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 120_000 }).toBe(true);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  });
  // Both onnxruntime builds: the plain one (wasm backend) and the asyncify one (webgpu backend).
  for (const pattern of [/\/index\.html$/, /ort-wasm-simd-threaded-[^/]*\.wasm$/, /ort-wasm-simd-threaded\.asyncify-[^/]*\.wasm$/, /\/models\/[^/]+\/model\.onnx$/, /\/models\/index\.json$/, /\/backbones\/[^/]+\/.+/]) {
    expect(cached.some((u) => pattern.test(u)), `precached: ${pattern}`).toBe(true);
  }

  await context.setOffline(true);
  await page.reload();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  // COOP/COEP come back with the cached page, so threaded wasm still works offline.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByTestId('gallery-chair').click();
  const panel = page.getByTestId('predictions');
  await expect(panel).toHaveAttribute('data-source', 'gallery:chair', { timeout: 300_000 }); // the model's default votes on SwiftShader
  await expect(page.getByTestId('class-0')).toHaveAttribute('data-label', /.+/);
  await expect(page.getByTestId('classify-error')).toHaveCount(0);
  await saveScreenshot(page, 'offline-gallery-chair');
  await context.setOffline(false);
});

test('the web app manifest makes the app installable', async ({ page, context }) => {
  await page.goto('/');
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return link ? ((await (await fetch(link.href)).json()) as { name: string; icons: { sizes: string; type: string }[]; display: string }) : null;
  });
  expect(manifest?.name).toBe('Any2Point Web');
  expect(manifest?.display).toBe('standalone');
  expect(manifest?.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  // Playwright's contexts are incognito-like; that is the browser session, not the app.
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
});
