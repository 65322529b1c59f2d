// The messages between the CLI's main thread (pool.ts) and its workers (worker.ts).
import type { ModelFiles } from '../model/classifier';
import type { CliDevice } from './args';
import type { CliHead } from './head';
import type { Classified, ClassifiedModel } from './classifyFile';
import type { UpAxis } from '../geometry/normalise';

export type WorkerTask = 'classify' | 'features';

/** workerData: everything a worker needs to open its classifier. */
export interface WorkerSetup {
  task: WorkerTask;
  files: ModelFiles;
  device: CliDevice;
  votes: number | null;
  up: UpAxis | 'auto';
  /** --keep-every-point: files read without the loaders' clean-up. */
  keepEveryPoint: boolean;
  /** classify --objects: each of several objects on a floor classified alone too. */
  objects: boolean;
  /** classify --head: the taught head that ranks the classes instead of the model's own. */
  head: CliHead | null;
}

export interface Job {
  index: number;
  path: string;
  /** One model of the file (an archive's, a batch's cloud: classify --archive-models), classified alone. */
  entry?: string;
}

export type Outcome = { ok: true; value: Classified | ClassifiedModel | Float32Array } | { ok: false; error: string };

export type FromWorker =
  | { type: 'ready'; backend: string; geometry: 'gpu' | 'cpu'; reason: string | null }
  | { type: 'fatal'; error: string }
  | { type: 'result'; index: number; outcome: Outcome };

export type ToWorker = { type: 'job'; job: Job };
