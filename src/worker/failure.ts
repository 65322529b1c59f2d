import { LoadError } from '../io/types';
import type { WorkerFailure } from './protocol';

/** Turns anything thrown while handling a request into a failure the UI can show. */
export function toFailure(error: unknown): WorkerFailure {
  if (error instanceof LoadError) {
    return { format: error.format, reason: error.reason, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { format: 'unknown', reason: 'internal', message: `Unexpected error: ${message}` };
}
