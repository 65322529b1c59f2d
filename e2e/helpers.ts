// Shared e2e utilities: dropping files onto the page the way a browser does (a DataTransfer
// carried by drag events), waiting for the viewer's frames, and reading what the viewer drew.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type JSHandle, type Page } from '@playwright/test';

export const SCREENSHOT_DIR = path.join('test-results', 'screenshots');

/** Makes a DataTransfer holding one file, in the page. */
async function dataTransferWith(page: Page, name: string, bytes: Uint8Array): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle(
    ({ name, base64 }) => {
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name));
      return transfer;
    },
    { name, base64: Buffer.from(bytes).toString('base64') },
  );
}

/** Drags a DataTransfer over the page (the overlay shows) and drops it. */
export async function dropTransfer(page: Page, dataTransfer: JSHandle<DataTransfer>): Promise<void> {
  // Any element will do: the whole window is the drop target.
  const target = page.getByRole('main');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
}

/** Drops a file whose bytes come from the test process. */
export async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await dropTransfer(page, await dataTransferWith(page, name, bytes));
}

/** Waits until `name` is the loaded file; fails at once, with its text, if its error shows instead. */
export async function waitForLoaded(page: Page, name: string): Promise<void> {
  const fileName = page.getByTestId('file-name');
  // An error left over from an earlier file does not count.
  const error = page.getByTestId('error').filter({ hasText: `Could not open ${name}` });
  await expect(fileName.filter({ hasText: name }).or(error)).toBeVisible({ timeout: 120_000 });
  if (await error.isVisible()) throw new Error(`loading ${name} failed: ${await error.textContent()}`);
  await expect(fileName).toHaveText(name);
  await expect(page.getByTestId('status')).toHaveText('');
}

/** How many frames the viewer has drawn (its canvas's data-frames; 0 before the first). */
export async function framesDrawn(page: Page): Promise<number> {
  return Number((await page.getByTestId('viewer-canvas').getAttribute('data-frames')) ?? 0);
}

/**
 * Waits until the viewer has drawn a frame after the `since`-th and its camera has stopped gliding
 * (data-settled), however long a loaded machine takes: the signal, not the clock, ends the wait.
 */
export async function waitForFrameAfter(page: Page, since: number): Promise<void> {
  await expect.poll(() => framesDrawn(page), { timeout: 120_000 }).toBeGreaterThan(since);
  await expect(page.getByTestId('viewer-canvas')).toHaveAttribute('data-settled', 'true', { timeout: 120_000 });
}

/** The plain integer a data-testid element carries in data-value. */
export async function valueOf(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute('data-value');
  if (value === null) throw new Error(`[data-testid=${testId}] has no data-value`);
  return Number(value);
}

export async function saveScreenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Share of the viewer's pixels that the points painted: the background is a dark grey gradient
 * (every channel below 40), points are coloured or bright.
 */
export async function paintedShare(page: Page): Promise<number> {
  const png = await page.getByTestId('viewer').screenshot();
  return page.evaluate(async (base64) => {
    // Decoded here, not fetched as a data: URL: the app's CSP (connect-src 'self') refuses that.
    const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D context to read the screenshot');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.max(data[i], data[i + 1], data[i + 2]) > 60) painted++;
    }
    return painted / (data.length / 4);
  }, png.toString('base64'));
}
