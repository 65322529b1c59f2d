// `npm run bench:huge`: huge clouds in the built app (headless Debian Chromium, SwiftShader GL,
// the wasm backend): binary PLY files of 1M and 9M points (e2e/hugePly.ts) picked with the file
// input; prints, per size, the time until the file is read (its name shows), until the viewer has
// drawn it (settled), and until the result shows, the longest main-thread task after picking,
// and peak memory: the page's JS heap (CDP Performance.getMetrics) and the whole browser's
// resident memory (every process of its tree, from /proc, sampled every 250 ms).
// --trace: also records a Chrome trace from picking to the result and prints what each long task
// was doing (scripts/traceLongTasks.ts); tracing slows the page, so the other figures are then not
// comparable.
// Run `vite build` first (the npm script does).   flags: --counts 1000000,9000000 --dist dist --trace
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { preview } from 'vite';
import { chromiumArgs } from '../playwright.config';
import { longTasksSince, recordLongTasks, writeHugePly } from '../e2e/hugePly';
import { longTaskCauses } from './traceLongTasks';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const COUNTS = (flag('counts') ?? '1000000,9000000').split(',').map(Number);
const PAGE_SIZE = 4096;
const TRACE = process.argv.includes('--trace');
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'gpu', 'cc', 'v8.execute'];

/** Resident bytes of a process and all its descendants (Linux /proc). */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  let rss = 0;
  const rssOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      rssOf.set(pid, Number(fields[21]) * PAGE_SIZE);
    } catch {
      // The process ended while we looked.
    }
  }
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    rss += rssOf.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return rss;
}

async function benchOne(browser: Browser, browserPid: number, base: string, count: number) {
  const file = writeHugePly(count);
  const name = path.basename(file);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.addInitScript(recordLongTasks);
    await page.goto(`${base}/?device=wasm`);
    await page.getByTestId('model-name').waitFor({ timeout: 120_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    let peakHeap = 0;
    let peakRss = 0;
    const sample = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      peakHeap = Math.max(peakHeap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      peakRss = Math.max(peakRss, treeRss(browserPid));
    };
    const sampler = setInterval(() => void sample().catch(() => undefined), 250);
    const t0 = await page.evaluate(() => performance.now());
    if (TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    const start = Date.now();
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('file-name').filter({ hasText: name }).waitFor({ timeout: 300_000 });
    const readMs = Date.now() - start;
    await page.waitForSelector('[data-testid=viewer-canvas][data-settled=true]', { timeout: 300_000 });
    const drawnMs = Date.now() - start;
    await page.waitForSelector(`[data-testid=predictions][data-source="${name}"][aria-busy=false]`, { timeout: 600_000 });
    const resultMs = Date.now() - start;
    clearInterval(sampler);
    if (TRACE) for (const line of longTaskCauses((await browser.stopTracing()).toString('utf8'))) console.log(`  ${count}: ${line}`);
    await sample();
    const tasks = await longTasksSince(page, t0);
    const drawn = Number(await page.getByTestId('viewer-canvas').getAttribute('data-drawn'));
    return { count, readMs, drawnMs, resultMs, drawn, longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)), peakHeapMB: peakHeap / 2 ** 20, peakRssMB: peakRss / 2 ** 20 };
  } finally {
    await context.close();
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

async function main() {
  const server = await preview({ logLevel: 'warn', build: { outDir: flag('dist') ?? 'dist' }, preview: { host: '127.0.0.1', port: 4192, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('bench:huge: the preview server has no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  const browserServer = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const pid = browserServer.process().pid;
  if (pid === undefined) throw new Error('bench:huge: the browser has no pid');
  try {
    console.log(`bench:huge: Chromium ${browser.version()}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
    console.log('points      read ms  drawn ms  result ms  drawn pts  long tasks  longest ms  peak JS heap MB  peak browser RSS MB');
    for (const count of COUNTS) {
      const r = await benchOne(browser, pid, base, count);
      console.log(
        [r.count.toString().padEnd(10), r.readMs.toFixed(0).padStart(8), r.drawnMs.toFixed(0).padStart(9), r.resultMs.toFixed(0).padStart(10), r.drawn.toString().padStart(10), r.longTasks.toString().padStart(11), r.longestTaskMs.toFixed(0).padStart(11), r.peakHeapMB.toFixed(0).padStart(16), r.peakRssMB.toFixed(0).padStart(20)].join(' '),
      );
    }
  } finally {
    await browser.close();
    await browserServer.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

await main();
