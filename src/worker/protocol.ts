// The parse worker's requests (parse.worker.ts), carried by transport.ts. A new request type
// adds an entry here and a handler there.
import type { FormatId } from '../io/formats';
import type { LoadErrorReason, LoadResult } from '../io/types';
import type { Call } from './transport';

export interface ParseApi {
  /** Parses a file's bytes (transferred) into a cloud; the cloud's arrays come back transferred. */
  load: Call<{ name: string; bytes: ArrayBuffer }, { result: LoadResult; ms: number }>;
}

/** Why a request failed: a loader's reason, or the worker itself failing. */
export type FailureReason = LoadErrorReason | 'internal' | 'worker-failed' | 'disposed' | 'unreadable' | 'unknown-request';

/** A failure the UI can show: the same fields as src/io's LoadError. */
export interface WorkerFailure {
  format: FormatId | 'unknown';
  reason: FailureReason;
  message: string;
}
