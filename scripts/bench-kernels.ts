// `npm run bench:kernels`: the WGSL geometry kernels on Node (Dawn) and in Chromium (both on the
// machine's WebGPU adapter: SwiftShader here) against their CPU twins. Prints a table and writes
// bench-results/kernels.json. Flags: --sizes 1024,10000 --runs 3 --kernels fps,knn --no-browser
// --out <file>
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { create, globals } from 'webgpu';
import { benchKernels, type BenchKernel, type BenchRow } from '../harness/kernelBench';
import { acquireGpu } from '../src/gpu/device';
import type { AdapterDescription } from '../src/gpu/tuning';

const DEFAULT_SIZES = [1024, 10_000, 100_000, 1_000_000];
const DEFAULT_RUNS: Record<number, number> = { 1024: 9, 10000: 5, 100000: 3, 1000000: 3 };

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = flag('sizes')?.split(',').map(Number) ?? DEFAULT_SIZES;
const fixedRuns = flag('runs') ? Number(flag('runs')) : undefined;
const runs = Object.fromEntries(sizes.map((n) => [n, fixedRuns ?? DEFAULT_RUNS[n] ?? 3])) as Record<number, number>;
const kernels = flag('kernels')?.split(',') as BenchKernel[] | undefined;
const log = (line: string) => console.log(`  ${line}`);

async function benchNode(): Promise<{ adapter: AdapterDescription; rows: BenchRow[] }> {
  Object.assign(globalThis, globals);
  const gpu = create([]) as unknown as GPU;
  (globalThis as Record<string, unknown>).__dawnGpu = gpu; // Dawn crashes if this is collected
  const ctx = await acquireGpu({ gpu });
  console.log(`Node/Dawn: ${JSON.stringify(ctx.adapter)}`);
  const rows = await benchKernels({ sizes, runs: (n) => runs[n] ?? 3, gpu: ctx, cpu: true, kernels, log });
  ctx.destroy();
  return { adapter: ctx.adapter, rows };
}

async function benchChromium(): Promise<{ adapter: AdapterDescription; rows: BenchRow[] }> {
  // Imported here, so that `--no-browser` runs with Node and the webgpu package alone (a GPU
  // machine gets this script bundled: docs/performance.md).
  const { chromium } = await import('playwright');
  const { createServer } = await import('vite');
  const { chromiumArgs } = await import('../playwright.config');
  const server = await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('bench: the Vite server has no TCP address');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${address.port}/kernels.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 120_000 });
    const result = await page.evaluate(([s, r, k]) => window.kernels!.bench(s, r, k), [sizes, runs, kernels] as const);
    console.log(`Chromium: ${JSON.stringify(result.adapter)}`);
    for (const row of result.rows) log(`${row.kernel} n=${row.n} (${row.detail}): gpu ${row.gpuMs?.toFixed(1)} ms`);
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

function fmt(ms: number | null): string {
  return ms === null ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function ratio(cpu: number | null, gpu: number | null): string {
  return cpu === null || gpu === null ? '-' : `${(cpu / gpu).toFixed(2)}x`;
}

async function main(): Promise<void> {
  // Other work on the machine slows both sides; the load average is recorded with the figures.
  const loadBefore = loadavg()[0];
  console.log(`bench:kernels on ${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), load ${loadBefore.toFixed(1)}; median of runs per size: ${JSON.stringify(runs)}`);
  const node = await benchNode();
  const browser = process.argv.includes('--no-browser') ? null : await benchChromium();
  const table = node.rows.map((row, i) => {
    const chrome = browser?.rows[i] ?? null;
    return {
      kernel: row.kernel,
      n: row.n,
      detail: row.detail,
      runs: row.runs,
      cpuMs: row.cpuMs,
      dawnMs: row.gpuMs,
      chromiumMs: chrome?.gpuMs ?? null,
      speedupDawn: row.cpuMs !== null && row.gpuMs !== null ? row.cpuMs / row.gpuMs : null,
      speedupChromium: row.cpuMs !== null && chrome?.gpuMs != null ? row.cpuMs / chrome.gpuMs : null,
    };
  });
  console.log('\n| kernel | N | what | CPU twin ms | GPU Dawn ms | GPU Chromium ms | CPU/Dawn | CPU/Chromium |');
  console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of table) {
    console.log(`| ${r.kernel} | ${r.n} | ${r.detail} | ${fmt(r.cpuMs)} | ${fmt(r.dawnMs)} | ${fmt(r.chromiumMs)} | ${ratio(r.cpuMs, r.dawnMs)} | ${ratio(r.cpuMs, r.chromiumMs)} |`);
  }
  const outFile = flag('out') ?? 'bench-results/kernels.json';
  mkdirSync(dirname(outFile), { recursive: true });
  const load = { before: loadBefore, after: loadavg()[0] };
  console.log(`load average before ${load.before.toFixed(1)}, after ${load.after.toFixed(1)}`);
  const out = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, load, runs, adapters: { dawn: node.adapter, chromium: browser?.adapter ?? null }, rows: table };
  writeFileSync(outFile, JSON.stringify(out, null, 2));
  console.log(`\nwrote ${outFile}`);
}

await main();
