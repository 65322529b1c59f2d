// The page's side of the model worker: one promise per request, progress through a callback.
import type { UpAxis } from '../../geometry/normalise';
import type { Classification } from '../classifier';
import type { ProgressCallback } from '../progress';
import type { DeviceChoice } from '../session';
import type { ZooManifest } from '../zoo';
import type { ModelAnswers, ModelFailure, ModelMessage, ModelRequestType, ModelRequests, OpenedModel } from './protocol';

/** A failure inside the model worker, with the original error's name. */
export class ModelWorkerError extends Error {
  constructor(failure: ModelFailure) {
    super(failure.message);
    this.name = failure.name === 'Error' ? 'ModelWorkerError' : failure.name;
  }
}

interface Pending {
  resolve: (answer: never) => void;
  reject: (error: Error) => void;
  onProgress?: ProgressCallback;
}

export class ModelClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<ModelMessage>) => this.receive(event.data);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.rejectAll(new ModelWorkerError({ name: 'ModelWorkerError', message: `The model worker stopped: ${event.message || 'it could not be started'}` }));
    };
  }

  list(): Promise<ZooManifest[]> {
    return this.request('list', {}).then((a) => a.models);
  }

  open(modelId: string, device: DeviceChoice, onProgress?: ProgressCallback): Promise<OpenedModel> {
    return this.request('open', { modelId, device }, [], onProgress);
  }

  /** Classifies a copy of `positions` (the caller keeps its array); `votes`: the manifest's when absent. */
  classify(positions: Float32Array, up: UpAxis, votes?: number): Promise<Classification> {
    const copy = positions.slice();
    return this.request('classify', { positions: copy, up, votes }, [copy.buffer]);
  }

  dispose(): void {
    this.worker.terminate();
    this.rejectAll(new ModelWorkerError({ name: 'ModelWorkerError', message: 'The model worker was closed.' }));
  }

  private request<T extends ModelRequestType>(type: T, payload: ModelRequests[T], transfer: Transferable[] = [], onProgress?: ProgressCallback): Promise<ModelAnswers[T]> {
    const id = this.nextId++;
    return new Promise<ModelAnswers[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (answer: never) => void, reject, onProgress });
      this.worker.postMessage({ id, type, payload }, transfer);
    });
  }

  private receive(message: ModelMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.kind === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.kind === 'error') pending.reject(new ModelWorkerError(message.error));
    else pending.resolve(message.answer as never);
  }

  private rejectAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
