// Messages between the page and the worker. Every request carries an id that its answer repeats,
// so several requests can be in flight and later message types (classification) slot into the
// two maps below without touching the transport.
import type { FormatId, LoadErrorReason, LoadResult } from '../io/types';

/** What the page can ask, by message type. */
export interface RequestPayloads {
  load: { name: string; bytes: ArrayBuffer };
}

/** What the worker answers on success, by message type. */
export interface ResponsePayloads {
  load: { result: LoadResult; ms: number };
}

export type RequestType = keyof RequestPayloads;

/** Why a request failed: a loader's reason, or the worker itself failing. */
export type FailureReason = LoadErrorReason | 'internal' | 'worker-failed' | 'disposed';

/** A failure the UI can show: the same fields as src/io's LoadError. */
export interface WorkerFailure {
  format: FormatId | 'unknown';
  reason: FailureReason;
  message: string;
}

export type WorkerRequest = {
  [T in RequestType]: { id: number; type: T; payload: RequestPayloads[T] };
}[RequestType];

export type WorkerResponse =
  | { [T in RequestType]: { id: number; type: T; ok: ResponsePayloads[T] } }[RequestType]
  | { id: number; type: RequestType; error: WorkerFailure };
