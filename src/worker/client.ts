// The page's side of the worker: typed requests matched to answers by id.
import { formatOfName } from '../io/extensions';
import { formatBytes, LIMITS } from '../io/limits';
import type { LoadResult } from '../io/types';
import type {
  RequestPayloads,
  RequestType,
  ResponsePayloads,
  WorkerFailure,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

/** A request the worker (or the page-side checks before it) turned down. */
export class WorkerRequestError extends Error implements WorkerFailure {
  readonly format: WorkerFailure['format'];
  readonly reason: WorkerFailure['reason'];
  constructor(failure: WorkerFailure) {
    super(failure.message);
    this.name = 'WorkerRequestError';
    this.format = failure.format;
    this.reason = failure.reason;
  }
}

export interface LoadedFile {
  result: LoadResult;
  /** Parse time inside the worker. */
  parseMs: number;
  /** From the request to the answer: reading the file, transfer and parsing. */
  totalMs: number;
}

interface Pending {
  resolve: (answer: never) => void;
  reject: (error: Error) => void;
}

export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.settle(event.data);
    // A worker that fails to start or throws outside a handler would leave callers waiting.
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.rejectAll(new WorkerRequestError({
        format: 'unknown',
        reason: 'worker-failed',
        message: `The file worker stopped: ${event.message || 'it could not be started'}`,
      }));
    };
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestPayloads[T],
    transfer: Transferable[] = [],
  ): Promise<ResponsePayloads[T]> {
    const id = this.nextId++;
    return new Promise<ResponsePayloads[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (answer: never) => void, reject });
      const message = { id, type, payload } as WorkerRequest;
      this.worker.postMessage(message, transfer);
    });
  }

  /** Checks the size first, so a file over the limit is never read into memory. */
  async loadFile(file: File): Promise<LoadedFile> {
    if (file.size > LIMITS.maxFileBytes) {
      throw new WorkerRequestError({
        format: formatOfName(file.name) ?? 'unknown',
        reason: 'too-large',
        message: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes), so it was not read.`,
      });
    }
    const start = performance.now();
    const bytes = await file.arrayBuffer();
    const { result, ms } = await this.request('load', { name: file.name, bytes }, [bytes]);
    return { result, parseMs: ms, totalMs: performance.now() - start };
  }

  dispose(): void {
    this.worker.terminate();
    this.rejectAll(new WorkerRequestError({ format: 'unknown', reason: 'disposed', message: 'The file worker was closed.' }));
  }

  private settle(response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if ('error' in response) pending.reject(new WorkerRequestError(response.error));
    else pending.resolve(response.ok as never);
  }

  private rejectAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
