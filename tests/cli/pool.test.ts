// The worker pool on stand-in workers (plain scripts speaking the pool's protocol): every file is
// reported once, a worker that dies fails only the file it had and is replaced, a worker that
// cannot open the model while another can is only a dead worker, and the run fails when none can.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FatalError, runPool } from '../../src/cli/pool';
import type { Outcome, WorkerSetup } from '../../src/cli/protocol';

const dir = mkdtempSync(path.join(tmpdir(), 'any2point-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Answers every job with its path's length (a model's job with its entry); exits (as a crash would)
// on a path containing "crash".
const echo = path.join(dir, 'echo.mjs');
writeFileSync(echo, `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'ready', backend: 'wasm', geometry: 'cpu', reason: null });
parentPort.on('message', ({ job }) => {
  if (job.path.includes('crash')) process.exit(3);
  if (job.path.includes('bad')) parentPort.postMessage({ type: 'result', index: job.index, outcome: { ok: false, error: 'bad file' } });
  else parentPort.postMessage({ type: 'result', index: job.index, outcome: { ok: true, value: job.entry ?? job.path.length } });
});
`);
const fatal = path.join(dir, 'fatal.mjs');
writeFileSync(fatal, `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'fatal', error: 'the model does not open' });
`);

// The second worker started (found by the marker files it creates in workerData.dir) cannot open
// the model: it says so (workerData.how 'fatal') or exits ('exit'); every other one is echo.mjs.
const second = path.join(dir, 'second.mjs');
writeFileSync(second, `import { openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
const claim = (name) => { try { openSync(workerData.dir + '/' + name, 'wx'); return true; } catch { return false; } };
if (!claim('first') && claim('second')) {
  if (workerData.how === 'exit') process.exit(4);
  parentPort.postMessage({ type: 'fatal', error: 'no device for this one' });
} else await import(${JSON.stringify(pathToFileURL(echo).href)});
`);

// The first worker started runs the geometry on the CPU, every later one on WebGPU (--device auto
// where one worker's Dawn finds no adapter).
const mixed = path.join(dir, 'mixed.mjs');
writeFileSync(mixed, `import { openSync, readdirSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';
let first = true;
try { openSync(workerData.dir + '/first', 'wx'); } catch { first = false; }
parentPort.postMessage({ type: 'ready', backend: 'wasm', geometry: first ? 'cpu' : 'gpu', reason: first ? 'no adapter' : null });
openSync(workerData.dir + '/ready-' + threadId, 'w');
// No file is answered before all three workers are ready, so none is stopped before it says where it runs.
const allReady = () => new Promise((done) => {
  const poll = setInterval(() => {
    if (readdirSync(workerData.dir).filter((n) => n.startsWith('ready-')).length >= 3) { clearInterval(poll); done(); }
  }, 10);
});
parentPort.on('message', async ({ job }) => {
  await allReady();
  parentPort.postMessage({ type: 'result', index: job.index, outcome: { ok: true, value: 0 } });
});
`);

const setup = {} as WorkerSetup; // the stand-ins read nothing from it

async function run(script: string, paths: string[], jobs: number, data: WorkerSetup = setup) {
  const results = new Map<number, Outcome>();
  const ready: string[] = [];
  await runPool(paths, { script, setup: data, jobs, onReady: (r) => ready.push(r.backend), onResult: (i, o) => {
    expect(results.has(i)).toBe(false);
    results.set(i, o);
  } });
  return { results, ready };
}

describe('runPool', () => {
  it('reports every file once, in any order, with two workers', async () => {
    const paths = ['a', 'bb', 'bad', 'dddd', 'eeeee'];
    const { results, ready } = await run(echo, paths, 2);
    expect(ready).toEqual(['wasm']);
    expect(paths.map((_, i) => results.get(i))).toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
      { ok: false, error: 'bad file' },
      { ok: true, value: 4 },
      { ok: true, value: 5 },
    ]);
  }, 60_000);

  it('fails only the file a dying worker had, and goes on with a new worker', async () => {
    const paths = ['a', 'crash', 'ccc', 'crash-again', 'eeeee'];
    const { results } = await run(echo, paths, 1);
    expect(results.get(1)).toEqual({ ok: false, error: 'the worker classifying it stopped: exit code 3' });
    expect(results.get(3)).toEqual({ ok: false, error: 'the worker classifying it stopped: exit code 3' });
    expect([0, 2, 4].map((i) => results.get(i))).toEqual([{ ok: true, value: 1 }, { ok: true, value: 3 }, { ok: true, value: 5 }]);
  }, 60_000);

  it('goes on when one worker cannot open the model but another can', async () => {
    for (const how of ['fatal', 'exit']) {
      // One of two starting workers fails: the other classifies every file.
      const both = mkdtempSync(path.join(dir, 'jobs-'));
      const { results } = await run(second, ['a', 'bb', 'ccc'], 2, { dir: both, how } as unknown as WorkerSetup);
      expect([0, 1, 2].map((i) => results.get(i)), how).toEqual([{ ok: true, value: 1 }, { ok: true, value: 2 }, { ok: true, value: 3 }]);
      // The replacement for a crashed worker fails: replaced in turn, as a dead worker is.
      const after = mkdtempSync(path.join(dir, 'crash-'));
      const { results: replaced } = await run(second, ['a', 'crash', 'ccc', 'dddd'], 1, { dir: after, how } as unknown as WorkerSetup);
      expect([0, 1, 2, 3].map((i) => replaced.get(i)), how).toEqual([
        { ok: true, value: 1 },
        { ok: false, error: 'the worker classifying it stopped: exit code 3' },
        { ok: true, value: 3 },
        { ok: true, value: 4 },
      ]);
    }
  }, 60_000);

  it('says once when a later worker runs the geometry elsewhere than the first', async () => {
    const seen: string[] = [];
    const data = { dir: mkdtempSync(path.join(dir, 'mixed-')) } as unknown as WorkerSetup;
    await runPool(['a', 'b', 'c', 'd', 'e', 'f'], { script: mixed, setup: data, jobs: 3, onReady: (r) => seen.push(`ready ${r.geometry}`), onMixed: (r) => seen.push(`mixed ${r.geometry}`), onResult: () => undefined });
    // Which of the two speaks first is a race: one ready, then one mixed, on the two devices.
    expect(seen.map((x) => x.split(' ')[0])).toEqual(['ready', 'mixed']);
    expect(seen.map((x) => x.split(' ')[1]).sort()).toEqual(['cpu', 'gpu']);
    const same: string[] = [];
    await runPool(['a', 'b', 'c'], { script: echo, setup, jobs: 3, onMixed: (r) => same.push(r.geometry), onResult: () => undefined });
    expect(same).toEqual([]);
  }, 60_000);

  it("takes up jobs a result adds (an archive's other models) with the workers that were idle, and ends after them", async () => {
    const results = new Map<number, Outcome>();
    const added: number[] = [];
    await runPool(['set.7z', 'b'], {
      script: echo,
      setup,
      jobs: 3, // one more than the files: it waits, idle, for the added jobs
      onResult: (i, o, add) => {
        results.set(i, o);
        if (i === 0) for (const entry of ['set/x.ply', 'set/y.ply', 'set/z.ply']) added.push(add({ path: 'set.7z', entry }));
        if (o.ok && (o.value as unknown) === 'set/z.ply') added.push(add({ path: 'set.7z', entry: 'set/last.ply' }));
      },
    });
    expect(added).toEqual([2, 3, 4, 5]);
    expect([0, 1, 2, 3, 4, 5].map((i) => results.get(i))).toEqual([6, 1, 'set/x.ply', 'set/y.ply', 'set/z.ply', 'set/last.ply'].map((value) => ({ ok: true, value })));
  }, 60_000);

  it('fails the run when a worker cannot open the model', async () => {
    await expect(run(fatal, ['a', 'b'], 2)).rejects.toThrow(FatalError);
    await expect(run(fatal, ['a'], 1)).rejects.toThrow('the model does not open');
  }, 60_000);
});
