// How a parse failure crosses the worker boundary and back: a LoadError's reason travels as the
// transport's `kind` and its format in `detail`, so the page can show both.
import { LoadError } from '../io/types';
import type { FailureReason, WorkerFailure } from './protocol';
import { WorkerError, type SerialisedError } from './transport';

/** The worker's side: anything thrown while parsing, as the transport carries it. */
export function serialiseLoadError(error: unknown): SerialisedError {
  if (error instanceof LoadError) {
    return { name: error.name, message: error.message, kind: error.reason, detail: { format: error.format } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'Error', message: `Unexpected error: ${message}`, kind: 'internal', detail: { format: 'unknown' } };
}

/** The page's side: any error from loading a file, as the fields the error banner shows. */
export function toWorkerFailure(error: unknown): WorkerFailure {
  if (error instanceof WorkerError) {
    // The kinds and formats are the ones serialiseLoadError and the transport write.
    const format = typeof error.detail.format === 'string' ? (error.detail.format as WorkerFailure['format']) : 'unknown';
    return { format, reason: error.kind as FailureReason, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { format: 'unknown', reason: 'internal', message };
}
