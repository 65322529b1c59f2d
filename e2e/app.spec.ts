// The app in Debian's Chromium: files like real exporters write (tests/io/fixtures) dropped onto
// the page, the counts the UI reports, what the viewer draws, and bad files that must not break
// anything.
import { chromium, expect, test, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { LIMITS } from '../src/io/limits';
import { BUNNY_FACTS, bunnyMesh, bunnyObj } from '../tests/io/fixtures/obj';
import { threeMfFile } from '../tests/io/generate';
import { B9_FACTS, b9TrainingPly, cubePly, truncatedPondPly } from '../tests/io/fixtures/ply';
import { dropFile, dropTransfer, framesDrawn, paintedShare, saveScreenshot, valueOf, waitForFrameAfter, waitForLoaded } from './helpers';

/** A binary PLY whose header declares `declared` vertices but whose body holds only `present`. */
function truncatedBinaryPly(declared: number, present: number): Uint8Array {
  const header = `ply\nformat binary_little_endian 1.0\nelement vertex ${declared}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`;
  const body = new Float32Array(present * 3).map((_, i) => Math.sin(i));
  const bytes = new Uint8Array(header.length + body.byteLength);
  bytes.set(new TextEncoder().encode(header));
  bytes.set(new Uint8Array(body.buffer), header.length);
  return bytes;
}

async function open(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Any2Point Web' })).toBeVisible();
  await expect(page.getByText('Drop a point cloud or mesh here')).toBeVisible();
  test.info().annotations.push({ type: 'page errors', description: errors.join('\n') || 'none' });
}

test('a dropped binary PLY point cloud shows its points, counts and colours', async ({ page }) => {
  await open(page);
  await dropFile(page, 'b9_training.ply', b9TrainingPly());
  await waitForLoaded(page, 'b9_training.ply');

  await expect(page.getByTestId('format')).toHaveAttribute('data-value', 'ply');
  expect(await valueOf(page, 'point-count')).toBe(B9_FACTS.count);
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-points', String(B9_FACTS.count));
  await expect(page.getByTestId('vertex-count')).toHaveCount(0); // a point set, not a mesh
  await expect(page.getByTestId('has-colors')).toHaveText('from the file');
  await expect(page.getByTestId('color-source')).toHaveValue('file');
  expect(await valueOf(page, 'load-time')).toBeGreaterThan(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await saveScreenshot(page, 'b9-ply-file-colours');

  // Colour by height instead: the picture changes and most of the cloud lights up.
  await waitForFrameAfter(page, 0);
  const fileColours = await page.getByTestId('viewer').screenshot();
  const framesBefore = await framesDrawn(page);
  await page.getByTestId('color-source').selectOption('height');
  await waitForFrameAfter(page, framesBefore);
  expect((await page.getByTestId('viewer').screenshot()).equals(fileColours)).toBe(false);
  await saveScreenshot(page, 'b9-ply-height');
  expect(await paintedShare(page)).toBeGreaterThan(0.02);
});

test('a 3MF package (as slicers save them) is unzipped in the worker, sampled and classified', async ({ page }) => {
  await open(page);
  await dropFile(page, 'bunny.3mf', threeMfFile(bunnyMesh()));
  await waitForLoaded(page, 'bunny.3mf');
  await expect(page.getByTestId('format')).toHaveAttribute('data-value', '3mf');
  await expect(page.getByTestId('format')).toContainText('3MF mesh');
  expect(await valueOf(page, 'vertex-count')).toBe(BUNNY_FACTS.vertices);
  expect(await valueOf(page, 'face-count')).toBe(BUNNY_FACTS.faces);
  await expect(page.getByTestId('predictions')).toHaveAttribute('data-source', 'bunny.3mf', { timeout: 300_000 });
});

test('a dropped OBJ mesh is sampled and reports the mesh counts', async ({ page }) => {
  await open(page);
  await dropFile(page, 'bunny.obj', bunnyObj());
  await waitForLoaded(page, 'bunny.obj');

  await expect(page.getByTestId('format')).toHaveAttribute('data-value', 'obj');
  expect(await valueOf(page, 'point-count')).toBe(LIMITS.defaultMeshSamples);
  expect(await valueOf(page, 'vertex-count')).toBe(BUNNY_FACTS.vertices);
  expect(await valueOf(page, 'face-count')).toBe(BUNNY_FACTS.faces);
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-points', String(LIMITS.defaultMeshSamples));

  // Turn the view to Y up and check the picture changes. Each comparison waits for the viewer's
  // next drawn frame (its frame counter), never for a length of time.
  await waitForFrameAfter(page, 0);
  const zUp = await page.getByTestId('viewer').screenshot();
  const framesZUp = await framesDrawn(page);
  await page.getByRole('radio', { name: 'Y' }).check();
  await waitForFrameAfter(page, framesZUp);
  expect((await page.getByTestId('viewer').screenshot()).equals(zUp)).toBe(false);
  await saveScreenshot(page, 'bunny-obj');
  expect(await paintedShare(page)).toBeGreaterThan(0.02);

  // Orbit with the mouse: the picture must change.
  const viewer = page.getByTestId('viewer');
  const before = await viewer.screenshot();
  const framesBeforeDrag = await framesDrawn(page);
  const box = await viewer.boundingBox();
  if (!box) throw new Error('viewer has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 40, { steps: 8 });
  await page.mouse.up();
  await waitForFrameAfter(page, framesBeforeDrag);
  expect((await viewer.screenshot()).equals(before)).toBe(false);
});

test('a malformed file shows its error, the previous cloud stays, the next good file loads', async ({ page }) => {
  await open(page);
  await dropFile(page, 'cube.ply', cubePly());
  await waitForLoaded(page, 'cube.ply');
  const cubePoints = await valueOf(page, 'point-count');
  expect(await valueOf(page, 'vertex-count')).toBe(8);

  await dropFile(page, 'truncated.ply', truncatedBinaryPly(1000, 100));
  const error = page.getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-reason', 'truncated');
  await expect(error).toContainText('Could not open truncated.ply');
  await expect(page.getByTestId('error-message')).toHaveText('PLY: header declares 1,000 vertices but the file ends after 100');
  // Nothing else changed: the cube is still the loaded file and still drawn.
  await expect(page.getByTestId('file-name')).toHaveText('cube.ply');
  expect(await valueOf(page, 'point-count')).toBe(cubePoints);
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-points', String(cubePoints));
  await saveScreenshot(page, 'truncated-ply-error');

  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await expect(error).toHaveCount(0);

  // A truncated file shaped like a real exporter's (31-byte vertices, a partial last one): same outcome.
  await dropFile(page, 'pond.0.ply', truncatedPondPly());
  await expect(page.getByTestId('error-message')).toHaveText('PLY: header declares 70,051 vertices but the file ends after 70,048');
  await expect(page.getByTestId('file-name')).toHaveText('cube.ply');

  await dropFile(page, 'bunny.obj', bunnyObj());
  await waitForLoaded(page, 'bunny.obj');
  expect(await valueOf(page, 'face-count')).toBe(BUNNY_FACTS.faces);
  await expect(error).toHaveCount(0);
});

test('the file picker works from the keyboard', async ({ page }) => {
  // Playwright turns on file-chooser interception without waiting for the browser's reply, so a
  // listener added just before the key press can miss the dialog: listen before the page loads.
  const chooser = page.waitForEvent('filechooser');
  await open(page);
  const picker = page.getByRole('button', { name: 'Open a file…' });
  // Tab from the top of the page goes in the order seen: the selected mode tab, then the picker.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tab', { name: 'One file' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(picker).toBeFocused();
  await page.keyboard.press('Enter');
  await (await chooser).setFiles({ name: 'bunny.obj', mimeType: 'model/obj', buffer: Buffer.from(bunnyObj()) });
  await waitForLoaded(page, 'bunny.obj');
  expect(await valueOf(page, 'face-count')).toBe(BUNNY_FACTS.faces);
});

test('a one-million-point binary PLY loads and draws', async ({ page }) => {
  await open(page);
  // Built in the page: 1,000,000 points on a torus knot, so there is a shape to look at.
  const transfer = await page.evaluateHandle(() => {
    const n = 1_000_000;
    const header = new TextEncoder().encode(
      `ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`,
    );
    const xyz = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const t = (i / n) * Math.PI * 2;
      const u = ((i * 7919) % n) / n * Math.PI * 2;
      const r = 2 + Math.cos(3 * t) + 0.35 * Math.cos(u);
      xyz[i * 3] = r * Math.cos(2 * t);
      xyz[i * 3 + 1] = r * Math.sin(2 * t);
      xyz[i * 3 + 2] = -Math.sin(3 * t) + 0.35 * Math.sin(u);
    }
    const transfer = new DataTransfer();
    transfer.items.add(new File([header, xyz], 'million.ply'));
    return transfer;
  });
  await dropTransfer(page, transfer);
  await waitForLoaded(page, 'million.ply');
  expect(await valueOf(page, 'point-count')).toBe(1_000_000);
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-points', '1000000');
  // A software GL's frame reaches the page through an asynchronous readback (readbackPresenter.ts):
  // the picture is awaited, not sampled once.
  await expect.poll(() => paintedShare(page), { timeout: 120_000 }).toBeGreaterThan(0.02);
  await saveScreenshot(page, 'million-ply');
});

test('a file over the size limit is refused before it is read', async ({ page }) => {
  await open(page);
  // References to one 1 MiB blob: a file of that many MiB that costs the browser 1 MiB.
  const drop = async (name: string, mebibytes: number) => {
    const transfer = await page.evaluateHandle(
      ([n, m]) => {
        const chunk = new Blob([new Uint8Array(1024 * 1024)]);
        const transfer = new DataTransfer();
        transfer.items.add(new File(new Array<Blob>(m).fill(chunk), n));
        return transfer;
      },
      [name, mebibytes] as const,
    );
    await dropTransfer(page, transfer);
  };
  await drop('huge.obj', 300);
  const error = page.getByTestId('error');
  await expect(error).toHaveAttribute('data-reason', 'too-large');
  await expect(page.getByTestId('error-message')).toHaveText(
    'huge.obj: the file is 314,572,800 bytes (300 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes), so it was not read.',
  );
  // Scans as text are read past 256 MiB, a slice at a time, to 16 GiB; over it, refused unread.
  await drop('huge.xyz', 17 * 1024);
  await expect(page.getByTestId('error-message')).toHaveText(
    'huge.xyz: the file is 18,253,611,008 bytes (17 GiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes); E57, LAS, PCD and XYZ scans, HDF5 data sets and Blender files are read up to 16 GiB (LIMITS.maxLargeScanBytes), so it was not read.',
  );
  // Under it, one that is not text is refused from its first megabyte.
  await drop('zeros.xyz', 300);
  await expect(page.getByTestId('error-message')).toHaveText('XYZ: the file is binary (byte 0x00 at offset 0), not XYZ text', { timeout: 60_000 });
});

test('without WebGL the viewer says why it cannot draw, and files still load', async ({ baseURL }) => {
  // A browser of its own: launch options cannot change per test inside this file's worker.
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...chromiumArgs, '--disable-webgl'] });
  try {
    const page = await browser.newPage({ baseURL });
    await open(page);
    await expect(page.getByTestId('viewer-error')).toContainText('The 3D view could not start');
    await dropFile(page, 'cube.ply', cubePly());
    await waitForLoaded(page, 'cube.ply');
    expect(await valueOf(page, 'vertex-count')).toBe(8);
    await saveScreenshot(page, 'no-webgl');
  } finally {
    await browser.close();
  }
});
