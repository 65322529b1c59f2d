// Huge binary PLY files for the "huge clouds stay fluid" checks (e2e/huge.spec.ts and
// scripts/bench-huge.ts): written to a temp dir in Node, so the page gets them by file path
// (setInputFiles) rather than as 100 MB of base64 through the DevTools protocol.
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createRandom } from '../src/geometry/random';

const CHUNK_POINTS = 1 << 18;

/** Writes `count` points on a noisy torus (a shape the model can name) and returns the path. */
export function writeHugePly(count: number, name = `huge-${count}.ply`): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'a2p-huge-'));
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  try {
    const header = `ply\nformat binary_little_endian 1.0\nelement vertex ${count}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`;
    writeSync(fd, header);
    // The project's seeded generator: the same file on every run.
    const random = createRandom(0x9e3779b9 ^ count);
    const chunk = new Float32Array(CHUNK_POINTS * 3);
    for (let done = 0; done < count; ) {
      const n = Math.min(CHUNK_POINTS, count - done);
      for (let i = 0; i < n; i++) {
        const u = random() * 2 * Math.PI;
        const v = random() * 2 * Math.PI;
        const r = 0.3 + 0.01 * random();
        chunk[i * 3] = (1 + r * Math.cos(v)) * Math.cos(u);
        chunk[i * 3 + 1] = (1 + r * Math.cos(v)) * Math.sin(u);
        chunk[i * 3 + 2] = r * Math.sin(v);
      }
      writeSync(fd, new Uint8Array(chunk.buffer, 0, n * 12));
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Installed before the page's own scripts: every long task (> 50 ms) the main thread runs. */
export function recordLongTasks(): void {
  const tasks: { start: number; duration: number }[] = [];
  (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

export interface LongTask {
  start: number;
  duration: number;
}

/** The long tasks `recordLongTasks` has seen that started at or after `since` (page time, ms). */
export function longTasksSince(page: Page, since: number): Promise<LongTask[]> {
  return page.evaluate((t0) => (window as unknown as { __longTasks: LongTask[] }).__longTasks.filter((t) => t.start >= t0), since);
}
