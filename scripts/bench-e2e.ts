// `npm run bench:e2e`: the whole app in headless Chromium (Debian's, SwiftShader WebGPU here),
// on WebGPU and on wasm: cold start (fresh profile: empty HTTP cache, no service worker), warm
// start (reload with the service worker's cache), and classification latency of a 1024-point
// ModelNet40 test cloud, a 100,000-point cloud and glmark2's bunny.obj, median of runs. Then the
// same model in PyTorch on this CPU (the training package's latency command), for comparison.
// The 1024-point cloud is also classified with the up forced to z at one vote and at the model's
// votes, beside the default (up automatic: z and y, the calibration's votes each), one page per
// setting, dropped on in turn every round (interleaved, so that the load falls on all alike), so
// the cost of the automatic up is measured side by side (docs/confidence.md): a last table gives, per
// device, the default's whole classify against the one-vote z time (the ratio; all the default's
// network passes go in one batched onnxruntime run, src/model/batchFeeds.ts) and PyTorch's time
// for one pass and for the default's passes one after another.
// Prints the tables and writes bench-results/e2e.json. Run `vite build` first (the npm script does).
//   flags: --runs 5 --devices webgpu,wasm --model <id> --votes <n> (default: the manifest's)
//          --clouds modelnet-1024 (only these of modelnet-1024, dense-100k, modelnet-1024-x-up, bunny; default all)
//   E2E_DIST=<dir>: serve that build (vite build --outDir <dir>) instead of dist/, as the e2e tests do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright';
import { preview } from 'vite';
import { chromiumArgs } from '../playwright.config';
import { testCloud, toPly, xUp, zooModel } from '../e2e/modelnet';
import { createRandom } from '../src/geometry/random';
import { MAX_VOTES, parseVotes } from '../src/model/votes';
import { AUTO_UPS } from '../src/model/decide';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const RUNS = Number(flag('runs') ?? 5);
const DEVICES = (flag('devices') ?? 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
const VOTES = flag('votes');
const CLOUDS = flag('clouds')?.split(',');
if (VOTES !== undefined && parseVotes(VOTES) === null) throw new Error(`bench:e2e: --votes must be a whole number from 1 to ${MAX_VOTES}, got ${VOTES}`);
const BUNNY = '/usr/share/glmark2/models/bunny.obj';
// Warm-up drops per cloud, not counted: shader compilation, first allocations, and V8 tiering
// up onnxruntime's wasm in the background (~1.5 s after a model opens, runs are 2-4x slower).
const WARMUP = 3;
// The 1024-point cloud's extra settings: what the automatic up (the default) is measured against.
const UP_SETTINGS: [string, string][] = [
  ['up z, 1 vote', '&up=z&votes=1'],
  ['up z, model votes', '&up=z'],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The model asked for, or the app's default (the zoo's first). */
function modelId(): string {
  return flag('model') ?? zooModel();
}

/** n points on a noisy sphere, as a binary PLY (a dense scan-like cloud). */
function denseCloud(n: number): Uint8Array {
  const r = createRandom(100);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const z = r() * 2 - 1;
    const a = r() * 2 * Math.PI;
    const s = Math.sqrt(1 - z * z) * (1 + 0.02 * (r() - 0.5));
    p.set([s * Math.cos(a), s * Math.sin(a), z * (1 + 0.3 * Math.sin(5 * a))], 3 * i);
  }
  return toPly(p);
}

/** Drops a file on the page the way a browser does. */
async function drop(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const t = new DataTransfer();
      t.items.add(new File([data], name));
      return t;
    },
    { name, base64: Buffer.from(bytes).toString('base64') },
  );
  const target = page.getByTestId('viewer');
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer: transfer });
}

/** Milliseconds from navigation to the model being open (model name shown, no progress bar). */
async function untilModelReady(page: Page, navigate: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await navigate();
  await page.getByTestId('model-name').waitFor({ timeout: 600_000 });
  await page.getByTestId('model-progress').waitFor({ state: 'hidden', timeout: 600_000 });
  return Date.now() - start;
}

interface Latency {
  /** classify() inside the worker: geometry + network + postprocess. */
  classifyMs: number;
  networkMs: number;
  geometryMs: number;
  /** Drop to prediction on screen: reading, parsing (and for meshes sampling), classifying. */
  endToEndMs: number;
  backend: string;
  /** Point orders classify() averaged per up (the manifest's votes, or the calibration's per up). */
  votes: number;
  /** Network passes: votes x the candidate ups when the up was found automatically. */
  passes: number;
}

/** One drop of `bytes` as `name`, timed, until its prediction is shown. */
async function dropOnce(page: Page, name: string, bytes: Uint8Array): Promise<Latency> {
  const start = Date.now();
  await drop(page, name, bytes);
  await page.locator(`[data-testid="predictions"][data-source="${name}"][aria-busy="false"]`).waitFor({ timeout: 600_000 });
  const endToEndMs = Date.now() - start;
  const value = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  const votes = await value('votes');
  const detected = (await page.getByTestId('up-line').getAttribute('data-detected')) === 'true';
  return {
    classifyMs: await value('time-total'),
    networkMs: await value('time-network'),
    geometryMs: await value('time-geometry'),
    endToEndMs,
    backend: (await page.getByTestId('backend').getAttribute('data-value')) ?? '',
    votes,
    passes: votes * (detected ? AUTO_UPS.length : 1),
  };
}

function medians(rows: Latency[]): Latency {
  return {
    classifyMs: median(rows.map((r) => r.classifyMs)),
    networkMs: median(rows.map((r) => r.networkMs)),
    geometryMs: median(rows.map((r) => r.geometryMs)),
    endToEndMs: median(rows.map((r) => r.endToEndMs)),
    backend: rows[0].backend,
    votes: rows[0].votes,
    passes: rows[0].passes,
  };
}

/** The same cloud dropped on every page (one page per setting, each with its own model session)
 * in turn, round after round, so that the machine's load falls on every setting alike. */
async function latencies(pages: [string, Page][], label: string, ext: string, bytes: Uint8Array, runs: number): Promise<Record<string, Latency>> {
  const rows = new Map<string, Latency[]>(pages.map(([setting]) => [setting, []]));
  for (let run = 1 - WARMUP; run <= runs; run++) {
    for (const [setting, page] of pages) {
      const name = `${label}-${setting.replace(/\W+/g, '-')}-${run + WARMUP}.${ext}`;
      // Only the front tab draws at full rate (the others' animation frames are throttled).
      if (pages.length > 1) await page.bringToFront();
      const row = await dropOnce(page, name, bytes);
      if (run > 0) rows.get(setting)!.push(row);
      console.log(`    ${name}: classify ${row.classifyMs.toFixed(0)} ms (network ${row.networkMs.toFixed(0)}), end to end ${row.endToEndMs} ms${run <= 0 ? ' (warm-up, not counted)' : ''}`);
    }
  }
  return Object.fromEntries([...rows].map(([setting, r]) => [setting, medians(r)]));
}

async function benchDevice(browser: Browser, base: string, model: string, device: string, clouds: [string, string, Uint8Array][]) {
  const url = `${base}/?device=${device}&model=${model}${VOTES ? `&votes=${VOTES}` : ''}`;
  // Cold: a fresh context has an empty HTTP cache, no Cache Storage and no service worker.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
  const coldMs = await untilModelReady(page, () => page.goto(url));
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(await untilModelReady(page, () => page.reload()));
  console.log(`  ${device}: cold start ${coldMs} ms, warm start ${warm.join(' / ')} ms`);
  const runs = device === 'webgpu' ? Math.min(RUNS, 3) : RUNS;
  const byCloud: Record<string, Latency> = {};
  for (const [label, ext, bytes] of clouds.filter(([l]) => l !== 'modelnet-1024')) {
    Object.assign(byCloud, Object.fromEntries(Object.entries(await latencies([[label, page]], label, ext, bytes, runs))));
  }
  // The 1024-point cloud: the default and the UP_SETTINGS, one page each, interleaved.
  const [label, ext, bytes] = clouds.find(([l]) => l === 'modelnet-1024')!;
  const pages: [string, Page][] = [[label, page]];
  for (const [name, query] of UP_SETTINGS) {
    const other = await context.newPage();
    other.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
    await untilModelReady(other, () => other.goto(`${base}/?device=${device}&model=${model}${query}`));
    pages.push([`${label}, ${name}`, other]);
  }
  Object.assign(byCloud, await latencies(pages, label, ext, bytes, runs));
  await context.close();
  return { coldMs, warmMs: median(warm), latencies: byCloud };
}

/** The training package's per-cloud PyTorch latency of the same model, when it has the command. */
function pytorchLatency(model: string): { medianMs: number; threads: number } | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import any2point.tools.latency'], { cwd: 'training', encoding: 'utf8' });
  if (probe.status !== 0) return 'not measured: the training package has no any2point.tools.latency command';
  const out = execFileSync('/usr/bin/python3', ['-m', 'any2point.tools.latency', '--model-dir', `../public/models/${model}`, '--json'], {
    cwd: 'training',
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { medianMs: number; threads: number };
}

/** Per device: the default's classify of the 1024-point cloud against one vote z up, and PyTorch's
 * time for one pass and for the default's passes run one after another. */
function summary(results: Record<string, Awaited<ReturnType<typeof benchDevice>>>, torch: ReturnType<typeof pytorchLatency>) {
  const pytorchOneMs = typeof torch === 'string' ? null : torch.medianMs;
  return Object.entries(results).map(([device, r]) => {
    const def = r.latencies['modelnet-1024'];
    const one = r.latencies['modelnet-1024, up z, 1 vote'];
    return {
      device,
      backend: def.backend,
      passes: def.passes,
      defaultMs: def.classifyMs,
      oneVoteMs: one.classifyMs,
      ratio: def.classifyMs / one.classifyMs,
      pytorchOneMs,
      pytorchDefaultMs: pytorchOneMs === null ? null : pytorchOneMs * def.passes,
    };
  });
}

async function main(): Promise<void> {
  const model = modelId();
  const dist = process.env.E2E_DIST ?? 'dist';
  if (!existsSync(`${dist}/index.html`)) throw new Error(`bench:e2e: run \`vite build\` first (${dist}/index.html is missing)`);
  const chair = testCloud('chair_0890');
  const clouds: [string, string, Uint8Array][] = [
    ['modelnet-1024', 'ply', toPly(chair.points)],
    ['dense-100k', 'ply', denseCloud(100_000)],
    // The same chair saved +x up: on Auto neither z nor y looks upright, so the second look
    // classifies the other four ups too (docs/pose.md "H"): six passes in two batched runs.
    ['modelnet-1024-x-up', 'ply', toPly(xUp(chair.points))],
  ];
  if (existsSync(BUNNY)) clouds.push(['bunny', 'obj', new Uint8Array(readFileSync(BUNNY))]);
  else console.log(`  ${BUNNY} missing (Debian package glmark2-data): bunny not measured`);
  const measured = CLOUDS ? clouds.filter(([l]) => l === 'modelnet-1024' || CLOUDS.includes(l)) : clouds;

  const server = await preview({ logLevel: 'warn', build: { outDir: dist }, preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('bench:e2e: the preview server has no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const results: Record<string, Awaited<ReturnType<typeof benchDevice>>> = {};
  try {
    console.log(`bench:e2e: model ${model}, ${RUNS} runs (WebGPU ${Math.min(RUNS, 3)}), Chromium ${browser.version()}, ${cpus().length} CPUs (${cpus()[0]?.model}), load ${loadavg()[0].toFixed(2)}`);
    for (const device of DEVICES) results[device] = await benchDevice(browser, base, model, device, measured);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  const torch = pytorchLatency(model);

  console.log('\n| device | cold start | warm start | cloud | votes | classify (median) | network | geometry | drop to result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [device, r] of Object.entries(results)) {
    for (const [label, l] of Object.entries(r.latencies)) {
      console.log(`| ${device} (${l.backend}) | ${r.coldMs} ms | ${r.warmMs} ms | ${label} | ${l.votes} | ${l.classifyMs.toFixed(0)} ms | ${l.networkMs.toFixed(0)} ms | ${l.geometryMs.toFixed(0)} ms | ${l.endToEndMs} ms |`);
    }
  }
  console.log(typeof torch === 'string' ? `\nPyTorch: ${torch}` : `\nPyTorch (same model, ${torch.threads} threads, this CPU): ${torch.medianMs.toFixed(1)} ms per cloud and vote`);
  const defaults = summary(results, torch);
  console.log('\nThe default (up automatic, its votes) against one vote z up, modelnet-1024, medians:');
  console.log('| device | default: passes | default: classify | one vote z: classify | default / one vote | PyTorch: one pass | PyTorch: the default\'s passes | default / PyTorch |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const d of defaults) {
    const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
    console.log(`| ${d.device} (${d.backend}) | ${d.passes} | ${ms(d.defaultMs)} | ${ms(d.oneVoteMs)} | ${d.ratio.toFixed(2)} | ${ms(d.pytorchOneMs)} | ${ms(d.pytorchDefaultMs)} | ${d.pytorchDefaultMs ? (d.defaultMs / d.pytorchDefaultMs).toFixed(2) : 'n/a'} |`);
  }
  console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/e2e.json', `${JSON.stringify({ model, runs: RUNS, results, defaults, pytorch: torch, cpus: cpus().length, load: loadavg(), when: new Date().toISOString() }, null, 2)}\n`);
  console.log('wrote bench-results/e2e.json');
}

await main();
