// The page's side of the model worker: one promise per request, progress through a callback.
import type { UpAxis } from '../../geometry/normalise';
import { copyInSteps } from '../../worker/copyInSteps';
import { connect, type Connection } from '../../worker/transport';
import { VerifiedWorker } from '../../worker/verifiedWorker';
import type { Classification } from '../classifier';
import type { ProgressCallback } from '../progress';
import type { DeviceChoice } from '../session';
import type { ZooManifest } from '../zoo';
import type { Examples } from '../../teach/head';
import type { ClassifyProgress, HeadForModel, ModelApi, OpenedModel, Trained, TrainProgress } from './protocol';

// Started once the build's scripts match their digests (worker/verifiedWorker.ts).
const makeWorker = () => new VerifiedWorker(() => new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }));

/** Failures are the transport's WorkerErrors, named as in the worker (SessionError, FetchFileError, ...). */
export class ModelClient {
  private connection: Connection<ModelApi>;

  constructor() {
    this.connection = connect<ModelApi>(makeWorker(), 'model worker');
  }

  /** Cancels everything under way: the worker is terminated (its calls fail with kind
   * 'disposed') and a fresh one takes its place, with no model open. */
  restart(): void {
    this.connection.close();
    this.connection = connect<ModelApi>(makeWorker(), 'model worker');
  }

  list(): Promise<ZooManifest[]> {
    return this.connection.call('list', {}).then((a) => a.models);
  }

  open(modelId: string, device: DeviceChoice, onProgress?: ProgressCallback): Promise<OpenedModel> {
    return this.connection.call('open', { modelId, device }, { onProgress });
  }

  /** Classifies a copy of `positions` (the caller keeps its array); `votes`: the manifest's when
   * absent; `head`: a taught head ranks its own classes instead of the model's. */
  async classify(positions: Float32Array, up: UpAxis | 'auto', votes?: number, onProgress?: (progress: ClassifyProgress) => void, head?: HeadForModel): Promise<Classification> {
    // In steps: a huge cloud's copy in one go would hold up the page (copyInSteps.ts).
    const copy = await copyInSteps(positions);
    return this.connection.call('classify', { positions: copy, up, votes, head }, { transfer: [copy.buffer], onProgress });
  }

  /** Teaches and cross-validates a head on feature rows, in the worker. */
  train(examples: Examples, onProgress?: (progress: TrainProgress) => void): Promise<Trained> {
    return this.connection.call('train', { examples }, { onProgress });
  }

  dispose(): void {
    this.connection.close();
  }
}
