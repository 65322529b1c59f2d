// Huge clouds stay fluid (issue 24, point 5): 1M and 9M point PLY files are read, shown (a
// decimated copy: the viewer's point budget) and classified (all points); long main-thread tasks
// are bounded (below), software GL included. Long tasks are recorded by a PerformanceObserver that
// is installed before the page's scripts run; the wait ends on the page's own signals.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { SMALLEST_VIEW_BUDGET, VIEW_POINT_BUDGET } from '../src/worker/shownPoints';
import { longTasksSince, recordLongTasks, writeHugePly } from './hugePly';

// No main-thread task over 200 ms after the file is picked, on a software GL and under load. The
// two that were longer: the compositor reading a software GL's canvas back on the main thread while
// the GL drew the first frame (95-254 ms; now viewer/readbackPresenter.ts) and a 16 MB step of the
// classify copy (80-120 ms; worker/copyInSteps.ts), and at a 9M cloud's result the attention
// values of a million shown points (80-570 ms; ui/useShownPointValues.ts). The longest left was
// 183 ms with two CPU hogs at a load average of 20 on 2 cores, under 150 ms at 10 (docs/huge.md).
// The test prints whether the 200 ms goal held and fails above 1 s: a timing taken on a shared
// machine must not turn a loaded CI run red, while a return of the old freezes (3-22 s) still does.
// `npm run bench:huge` prints the figures against the goal.
const GOAL_TASK_MS = 200;
const MAX_TASK_MS = 1000;

for (const count of [1_000_000, 9_000_000]) {
  test(`${count.toLocaleString('en')} points: shown, classified, no main-thread task over ${MAX_TASK_MS} ms (goal ${GOAL_TASK_MS} ms)`, async ({ page }) => {
    test.setTimeout(240_000);
    const file = writeHugePly(count);
    const name = path.basename(file);
    try {
      await page.addInitScript(recordLongTasks);
      await page.goto('/?device=wasm');
      // The model is open before the file is picked, so the run measures the file, not start-up.
      await expect(page.getByTestId('model-name')).toBeVisible({ timeout: 120_000 });
      const since = await page.evaluate(() => performance.now());
      await page.getByTestId('file-input').setInputFiles(file);

      await expect(page.getByTestId('file-name')).toHaveText(name, { timeout: 120_000 });
      await expect(page.getByTestId('point-count')).toHaveAttribute('data-value', String(count));
      const predictions = page.getByTestId('predictions');
      await expect(predictions).toHaveAttribute('data-source', name, { timeout: 180_000 });
      await expect(predictions).toHaveAttribute('aria-busy', 'false');
      // The viewer gets at most its budget of points (worker/shownPoints.ts), holds SwiftShader's
      // (viewer/pointBudget.ts) and draws as much of that as frames allow (the ramp in
      // pointViewer.ts); the note says how much.
      const viewer = page.getByTestId('viewer');
      await expect(viewer).toHaveAttribute('data-points', String(Math.min(count, VIEW_POINT_BUDGET)));
      const canvas = page.getByTestId('viewer-canvas');
      await expect(canvas).toHaveAttribute('data-settled', 'true', { timeout: 60_000 });
      const drawn = Number(await canvas.getAttribute('data-drawn'));
      expect(drawn).toBeGreaterThan(0);
      expect(drawn).toBeLessThanOrEqual(SMALLEST_VIEW_BUDGET);
      await expect(page.getByTestId('shown-points')).toHaveText(
        `Showing ${drawn.toLocaleString('en')} of ${count.toLocaleString('en')} points (all are classified)`,
      );
      console.log(`${count} points: drawn ${drawn}`);

      const startUp = (await longTasksSince(page, 0)).filter((t) => t.start < since);
      console.log(`start-up: ${startUp.map((t) => t.duration.toFixed(0)).join(', ')}`);
      const tasks = await longTasksSince(page, since);
      const longest = Math.max(0, ...tasks.map((t) => t.duration));
      test.info().annotations.push({ type: 'long tasks', description: `${tasks.length}, longest ${longest.toFixed(0)} ms: ${tasks.map((t) => t.duration.toFixed(0)).join(', ')}` });
      console.log(`${count} points: ${tasks.length} long tasks, longest ${longest.toFixed(0)} ms [${tasks.map((t) => t.duration.toFixed(0)).join(', ')}]`);
      console.log(`${count} points: the ${GOAL_TASK_MS} ms goal ${longest <= GOAL_TASK_MS ? 'held' : 'was MISSED'} (load average ${loadavg()[0].toFixed(1)})`);
      expect(longest, `long tasks after picking (ms): ${tasks.map((t) => `${t.duration.toFixed(0)} at ${(t.start - since).toFixed(0)}`).join(', ')}`).toBeLessThanOrEqual(MAX_TASK_MS);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
}

test('loading a huge file can be cancelled; the app keeps working', async ({ page }) => {
  test.setTimeout(240_000);
  const file = writeHugePly(9_000_000);
  try {
    await page.goto('/?device=wasm');
    await expect(page.getByTestId('model-name')).toBeVisible({ timeout: 120_000 });
    await page.getByTestId('file-input').setInputFiles(file);
    await expect(page.getByTestId('status')).toContainText('huge-9000000.ply');
    await page.getByTestId('cancel-load').click();
    await expect(page.getByTestId('status')).toHaveText('');
    await expect(page.getByTestId('cancel-load')).toHaveCount(0);
    await expect(page.getByTestId('error')).toHaveCount(0);
    await expect(page.getByTestId('file-name')).toHaveCount(0);
    // A fresh worker loads the next file.
    const small = writeHugePly(20_000, 'small.ply');
    try {
      await page.getByTestId('file-input').setInputFiles(small);
      await expect(page.getByTestId('file-name')).toHaveText('small.ply', { timeout: 60_000 });
      await expect(page.getByTestId('predictions')).toHaveAttribute('data-source', 'small.ply', { timeout: 120_000 });
    } finally {
      rmSync(path.dirname(small), { recursive: true, force: true });
    }
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
