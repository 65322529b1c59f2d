// The worker pool: `jobs` worker threads (worker.ts), each with its own classifier, take files one
// at a time from a shared queue, so a slow file holds up one worker, not the batch. A result may
// add jobs to the queue (an archive's or a data set's other models: classifyCommand.ts), which
// idle workers take up; the pool ends when every job, added ones too, is done. A file that
// fails is reported and the pool goes on; a worker that dies (out of memory, a crash in native
// code) fails the file it had and is replaced. If no worker can even open the model, the run
// fails as a whole (FatalError).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, Job, Outcome, WorkerSetup } from './protocol';

export class FatalError extends Error {
  override name = 'FatalError';
}

export interface PoolReady {
  backend: string;
  geometry: 'gpu' | 'cpu';
  reason: string | null;
}

export interface PoolOptions {
  /** bin/any2point.mjs: started as a worker, it loads worker.ts. */
  script: string;
  setup: WorkerSetup;
  jobs: number;
  /** Called once, when the first worker has opened the model. */
  onReady?: (ready: PoolReady) => void;
  /** Called once if a later worker runs the geometry elsewhere than the first (each worker picks
   * its device itself: with --device auto one may find no adapter while another does). */
  onMixed?: (ready: PoolReady) => void;
  /** Called for every job, in the order they finish; `add` queues another job (a model of a file)
   * and gives its index. The first jobs' indices are the paths'. */
  onResult: (index: number, outcome: Outcome, add: (job: Omit<Job, 'index'>) => number) => void;
}

/** Worker threads for `files` files (Infinity when files may add jobs): as asked (--jobs), else one
 * per core; never more than files. */
export function jobsFor(asked: number | null, files: number): number {
  return Math.max(1, Math.min(asked ?? availableParallelism(), files));
}

/** Most replacements for dead workers before the run is given up. */
const MAX_RESTARTS = 8;

export function runPool(paths: readonly string[], options: PoolOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue: Omit<Job, 'index'>[] = paths.map((path) => ({ path }));
    /** Workers with nothing to do while jobs still run (which may add more). */
    const idle: (() => void)[] = [];
    const add = (job: Omit<Job, 'index'>): number => {
      queue.push(job);
      idle.shift()?.();
      return queue.length - 1;
    };
    let next = 0;
    let finished = 0;
    let restarts = 0;
    let readyOnce = false;
    let firstGeometry: PoolReady['geometry'] | null = null;
    let mixed = false;
    let failed = false;
    const live = new Set<Worker>();
    const stopAll = () => {
      for (const w of live) void w.terminate();
      live.clear();
    };
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(error);
    };
    const done = (index: number, outcome: Outcome) => {
      finished++;
      options.onResult(index, outcome, add);
      if (finished === queue.length) {
        stopAll();
        resolve();
      }
    };

    const start = () => {
      const worker = new Worker(options.script, { workerData: options.setup });
      live.add(worker);
      let current: number | null = null;
      let ready = false;
      const feed = () => {
        if (next >= queue.length) {
          current = null;
          if (finished < queue.length) {
            idle.push(feed); // a job still running may add more
            return;
          }
          live.delete(worker);
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ type: 'job', job: { index: current, ...queue[current]! } });
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'fatal') {
          void worker.terminate();
          died(m.error, m.error);
        } else if (m.type === 'ready') {
          ready = true;
          if (!readyOnce) {
            readyOnce = true;
            firstGeometry = m.geometry;
            options.onReady?.({ backend: m.backend, geometry: m.geometry, reason: m.reason });
          } else if (m.geometry !== firstGeometry && !mixed) {
            mixed = true;
            options.onMixed?.({ backend: m.backend, geometry: m.geometry, reason: m.reason });
          }
          feed();
        } else if (m.type === 'result' && m.index === current) {
          current = null;
          done(m.index, m.outcome);
          if (!failed && finished < queue.length) feed();
        }
      });
      const died = (why: string, unopened = `a worker stopped before it opened the model: ${why}`) => {
        if (!live.has(worker) || failed) return;
        live.delete(worker);
        if (!ready && !readyOnce) {
          // No worker has opened the model yet: the run fails once none is left that still might
          // (with several starting, one whose device setup failed does not sink the others).
          if (live.size === 0) fail(new FatalError(unopened));
          return;
        }
        // Once a worker has opened the model it can be opened, so a later one that dies before it
        // is ready (a replacement, a slow starter) counts as a death like any other.
        if (current !== null) {
          const index = current;
          current = null;
          done(index, { ok: false, error: `the worker classifying it stopped: ${why}` });
        }
        if (finished < queue.length && (next < queue.length || live.size === 0)) {
          if (++restarts > MAX_RESTARTS) fail(new FatalError(`workers stopped ${restarts} times; last: ${why}`));
          else start();
        }
      };
      worker.on('error', (error) => died(error.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    };

    if (paths.length === 0) {
      resolve();
      return;
    }
    for (let i = 0; i < options.jobs; i++) start();
  });
}
