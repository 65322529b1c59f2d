// The locked-down page (docs/security.md): the built app's Content-Security-Policy blocks
// injected inline script and eval, yet the app classifies on WebGPU and on wasm, online and
// offline; and a file whose bytes differ from the build's (onnxruntime's wasm, a model file, a
// precached script) is refused with an error that says which and why.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { encodeDraco } from '../tests/io/dracoEncode';
import { toLaz } from '../tests/io/lazWrite';
import { rar5 } from '../tests/io/rarWrite';
import { testCloud, testIdsOf, toLas, toPly } from './modelnet';
import { dropFile } from './helpers';

// Written out by hand (not imported from scripts/vite-plugin-integrity.ts): what the page must say,
// less the hashes of the pages' import maps (the one inline script allowed; they change with
// every build), which policyOf() adds.
const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sri = (bytes: Uint8Array | string) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

/** The policy with the hashes of the app's and the harness pages' import maps, as served. */
async function policyOf(page: Page): Promise<string> {
  const maps = await Promise.all(
    ['/', '/kernels.html'].map(async (url) => {
      const html = await (await page.request.get(url)).text();
      const map = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1];
      if (!map) throw new Error(`${url} has no import map`);
      return `'${sri(map)}'`;
    }),
  );
  return POLICY.replace("'wasm-unsafe-eval'", `'wasm-unsafe-eval' ${maps.join(' ')}`);
}

/** Serves `pattern`'s script with a line added that reports (by a request the test sees) if it ever
 * runs; returns the original's and the modified copy's SRI digests and whether it ran. */
async function tamperScript(context: BrowserContext, pattern: RegExp) {
  const seen = { original: '', modified: '', ran: false };
  await context.route('**/tampered-script-ran', (route) => {
    seen.ran = true;
    return route.fulfill({ body: '' });
  });
  await context.route(pattern, async (route) => {
    const response = await route.fetch();
    const original = await response.text();
    const modified = `${original}\n;fetch('/tampered-script-ran');\n`;
    seen.original = sri(original);
    seen.modified = sri(modified);
    await route.fulfill({ response, body: modified });
  });
  return seen;
}

/** The page's CSP reports (Chromium logs each blocked thing to the console). */
function violations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) seen.push(m.text());
  });
  return seen;
}

/** Clicks a gallery shape and waits for its result; returns the backend that ran. */
async function classifyChair(page: Page): Promise<string | null> {
  await page.getByTestId('gallery-chair').click();
  const panel = page.getByTestId('predictions');
  await expect(panel).toHaveAttribute('data-source', 'gallery:chair', { timeout: 300_000 });
  await expect(panel).toHaveAttribute('aria-busy', 'false', { timeout: 300_000 });
  await expect(page.getByTestId('class-0')).toHaveAttribute('data-label', /.+/);
  await expect(page.getByTestId('classify-error')).toHaveCount(0);
  return page.getByTestId('backend').getAttribute('data-value');
}

/** A copy of `bytes` with one byte changed in the middle. */
function tampered(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.length >> 1] ^= 0xff;
  return copy;
}

test('the policy is sent as a header and a meta tag; injected inline script and eval are blocked', async ({ page }) => {
  const response = await page.goto('/');
  const policy = await policyOf(page);
  expect(response?.headers()['content-security-policy']).toBe(policy);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', policy);
  await expect(page.getByTestId('gallery-chair')).toBeVisible({ timeout: 120_000 });

  // An inline <script> added to the DOM does not run; the browser reports the directive it broke.
  const inline = await page.evaluate(
    () =>
      new Promise<{ directive: string; ran: boolean }>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve({ directive: e.effectiveDirective, ran: 'injectedRan' in window }), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.injectedRan = true';
        document.body.append(script);
      }),
  );
  expect(inline).toEqual({ directive: 'script-src-elem', ran: false });

  // eval and new Function throw (code from strings is refused without 'unsafe-eval'). They run
  // from a task of the page's own: DevTools lets code it evaluates itself call eval.
  const fromStrings = await page.evaluate(
    () =>
      new Promise<Record<string, string>>((resolve) => {
        const attempt = (f: () => unknown) => {
          try {
            return `ran: ${String(f())}`;
          } catch (error) {
            return (error as Error).name;
          }
        };
        setTimeout(() => resolve({ eval: attempt(() => (0, eval)('1 + 1')), Function: attempt(() => new Function('return 2')()) }));
      }),
  );
  expect(fromStrings).toEqual({ eval: 'EvalError', Function: 'EvalError' });
});

for (const device of ['webgpu', 'wasm'] as const) {
  test(`online, under the policy, a gallery shape classifies on ${device}`, async ({ page }) => {
    test.setTimeout(10 * 60_000); // SwiftShader runs WebGPU on the CPU
    const seen = violations(page);
    await page.goto(`/?device=${device}&votes=1`);
    expect(await classifyChair(page)).toBe(device);
    expect(seen).toEqual([]);
  });
}

test('offline, under the policy, a gallery shape classifies on webgpu and on wasm', async ({ page, context }) => {
  test.setTimeout(15 * 60_000);
  const seen = violations(page);
  await page.goto('/?votes=1');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 120_000 }).toBe(true);
  await context.setOffline(true);
  for (const device of ['webgpu', 'wasm'] as const) {
    const response = await page.goto(`/?device=${device}&votes=1`);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    // The service worker serves index.html with the headers it was cached with, the policy included.
    expect(response?.headers()['content-security-policy']).toBe(await policyOf(page));
    expect(await classifyChair(page)).toBe(device);
  }
  expect(seen).toEqual([]);
  await context.setOffline(false);
});

test.describe('without a service worker, what the app fetches is checked against the build', () => {
  test.use({ serviceWorkers: 'block' });

  test("a modified script of the page is refused by its integrity attribute", async ({ page, context }) => {
    await context.route(/\/assets\/main-[^/]+\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: `${await response.text()}\n// modified\n` });
    });
    const refused = page.waitForEvent('console', (m) => /integrity/.test(m.text()) && /main-[^/]+\.js/.test(m.text()));
    await page.goto('/');
    expect((await refused).text()).toMatch(/Failed to find a valid digest in the 'integrity' attribute/);
    await expect(page.locator('#root')).toBeEmpty();
  });

  test('a modified lazily loaded chunk (the 3D viewer) is refused by the import map, and never runs', async ({ page, context }) => {
    const seen = await tamperScript(context, /\/assets\/Viewer-[^/]+\.js$/);
    const refused = page.waitForEvent('console', (m) => /integrity/.test(m.text()) && /Viewer-[^/]+\.js/.test(m.text()));
    await page.goto('/');
    expect((await refused).text()).toMatch(/Failed to find a valid digest in the 'integrity' attribute/);
    await expect(page.getByTestId('viewer-error')).toContainText('Failed to fetch dynamically imported module', { timeout: 60_000 });
    // The workers are not started either: the page checked every script of the build first.
    const error = page.getByTestId('classify-error');
    await expect(error).toContainText(/The model worker stopped: script Viewer-[^ ]+\.js does not match the build/, { timeout: 60_000 });
    await expect(error).toContainText(`sha256 expected ${seen.original}, got ${seen.modified}; the workers were not started`);
    expect(seen.ran).toBe(false);
  });

  // The workers' own scripts, and onnxruntime's chunk (loaded by the model worker; its thread workers run it too).
  for (const script of ['model.worker', 'parse.worker', 'ort.wasm.bundle.min'] as const) {
    test(`a modified ${script} script is refused before any worker starts, with both digests`, async ({ page, context }) => {
      const name = script.replaceAll('.', '\\.');
      const seen = await tamperScript(context, new RegExp(`/assets/${name}-[^/]+\\.js$`));
      await page.goto('/?device=wasm');
      const error = page.getByTestId('classify-error');
      await expect(error).toContainText(new RegExp(`The model worker stopped: script ${name}-[^ ]+\\.js does not match the build`), { timeout: 60_000 });
      await expect(error).toContainText(`sha256 expected ${seen.original}, got ${seen.modified}; the workers were not started`);
      expect(seen.ran).toBe(false);
    });
  }

  // The model worker fetches these files; the context's routes cover its requests.
  test('a modified onnxruntime wasm is refused with both digests', async ({ page, context }) => {
    test.setTimeout(5 * 60_000);
    const original = readFileSync('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm');
    const modified = tampered(original);
    await context.route(/\/assets\/ort-wasm-simd-threaded-[^/.]+\.wasm$/, (route) => route.fulfill({ body: modified, contentType: 'application/wasm' }));
    await page.goto('/?device=wasm&votes=1');
    await page.getByTestId('gallery-chair').click();
    await expect(page.getByTestId('classify-error')).toContainText(
      `onnxruntime wasm (ort-wasm-simd-threaded.wasm): sha256 mismatch, expected ${sha256(original)}, got ${sha256(modified)}`,
      { timeout: 120_000 },
    );
  });

  // The parse worker fetches the Draco decoder's wasm only for a file with Draco data.
  test('a modified Draco decoder wasm is refused with both digests, and other files still open', async ({ page, context }) => {
    test.setTimeout(5 * 60_000);
    const original = readFileSync('node_modules/draco3d/draco_decoder.wasm');
    const modified = tampered(original);
    await context.route(/\/assets\/draco_decoder-[^/.]+\.wasm$/, (route) => route.fulfill({ body: modified, contentType: 'application/wasm' }));
    await page.goto('/?device=wasm&votes=1');
    const { bytes } = await encodeDraco({ positions: new Float32Array(Array.from({ length: 3 * 200 }, (_, i) => Math.sin(i * 1.7))) });
    await dropFile(page, 'scan.drc', bytes);
    await expect(page.getByTestId('error')).toContainText(
      `Draco decoder wasm (draco_decoder.wasm): sha256 mismatch, expected ${sha256(original)}, got ${sha256(modified)}`,
      { timeout: 120_000 },
    );
    await page.getByTestId('gallery-chair').click();
    await expect(page.getByTestId('predictions')).toHaveAttribute('aria-busy', 'false', { timeout: 120_000 });
    await expect(page.getByTestId('top-classes')).toBeVisible();
  });

  // The LAZ decoder's wasm likewise, only for a LAZ file; once the route is gone the same file opens.
  test('a modified LAZ decoder wasm is refused with both digests; the genuine one then reads the file', async ({ page, context }) => {
    test.setTimeout(5 * 60_000);
    const original = readFileSync('node_modules/laz-perf/lib/laz-perf.wasm');
    const modified = tampered(original);
    const wasm = /\/assets\/laz-perf-[^/.]+\.wasm$/;
    await context.route(wasm, (route) => route.fulfill({ body: modified, contentType: 'application/wasm' }));
    await page.goto('/?device=wasm&votes=1');
    const laz = toLaz(toLas(testCloud(testIdsOf('airplane')[0]!).points, [0, 0, 0]));
    await dropFile(page, 'scan.laz', laz);
    await expect(page.getByTestId('error')).toContainText(
      `LAZ decoder wasm (laz-perf.wasm): sha256 mismatch, expected ${sha256(original)}, got ${sha256(modified)}`,
      { timeout: 120_000 },
    );
    await context.unroute(wasm);
    await dropFile(page, 'scan.laz', laz);
    await expect(page.getByTestId('predictions')).toHaveAttribute('aria-busy', 'false', { timeout: 120_000 });
    await expect(page.getByTestId('format')).toHaveAttribute('data-value', 'las');
  });

  // 7-Zip's wasm likewise, only for a .7z or .rar download.
  test('a modified 7-Zip wasm is refused with both digests; the genuine one then reads the archive', async ({ page, context }) => {
    test.setTimeout(5 * 60_000);
    const original = readFileSync('node_modules/7z-wasm/7zz.wasm');
    const modified = tampered(original);
    const wasm = /\/assets\/7zz-[^/.]+\.wasm$/;
    await context.route(wasm, (route) => route.fulfill({ body: modified, contentType: 'application/wasm' }));
    await page.goto('/?device=wasm&votes=1');
    const rar = rar5([{ name: 'set/airplane.ply', data: toPly(testCloud(testIdsOf('airplane')[0]!).points) }]);
    await dropFile(page, 'set.rar', rar);
    await expect(page.getByTestId('error')).toContainText(
      `archive decoder wasm (7zz.wasm): sha256 mismatch, expected ${sha256(original)}, got ${sha256(modified)}`,
      { timeout: 120_000 },
    );
    await context.unroute(wasm);
    await dropFile(page, 'set.rar', rar);
    await expect(page.getByTestId('predictions')).toHaveAttribute('aria-busy', 'false', { timeout: 120_000 });
    await expect(page.getByTestId('format')).toHaveAttribute('data-value', 'ply');
  });

  test('a modified model file is refused against the manifest', async ({ page, context }) => {
    test.setTimeout(5 * 60_000);
    const served: { original: Buffer; modified: Buffer }[] = [];
    await context.route(/\/models\/[^/]+\/model\.onnx$/, (route) => {
      const id = new URL(route.request().url()).pathname.split('/').at(-2);
      const original = readFileSync(`public/models/${id}/model.onnx`);
      served.push({ original, modified: tampered(original) });
      return route.fulfill({ body: served.at(-1)?.modified });
    });
    await page.goto('/?device=wasm&votes=1');
    await page.getByTestId('gallery-chair').click();
    await expect(page.getByText(/does not match the manifest's/).first()).toBeVisible({ timeout: 120_000 });
    const { original, modified } = served[0];
    await expect(page.getByText(`sha256 ${sha256(modified)} does not match the manifest's ${sha256(original)}`).first()).toBeVisible();
  });
});

test('the service worker refuses to install a precached file whose bytes differ from the build', async ({ page, context }) => {
  test.setTimeout(5 * 60_000);
  // The service worker's own fetches are routed by the context (Chromium).
  await context.route(/\/assets\/ort\.wasm\.bundle\.min-[^/]+\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `${await response.text()}\n// modified\n` });
  });
  // The outcome of the app's own registration (registerSW.js), however fast the install fails.
  await page.addInitScript(() => {
    const container = navigator.serviceWorker;
    const register = container.register.bind(container);
    (window as unknown as { installOutcome: Promise<string> }).installOutcome = new Promise((resolve) => {
      container.register = async (...args: Parameters<ServiceWorkerContainer['register']>) => {
        const registration = await register(...args);
        const worker = registration.installing ?? registration.waiting ?? registration.active;
        const settle = () => worker && (worker.state === 'redundant' || worker.state === 'activated') && resolve(worker.state);
        worker?.addEventListener('statechange', settle);
        settle();
        return registration;
      };
    });
  });
  await page.goto('/');
  expect(await page.evaluate(() => (window as unknown as { installOutcome: Promise<string> }).installOutcome)).toBe('redundant');
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
});
