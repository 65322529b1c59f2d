// The parse worker's requests (parse.worker.ts), carried by transport.ts. A new request type
// adds an entry here and a handler there.
import type { FormatId } from '../io/formats';
import type { LoadErrorReason, LoadResult } from '../io/types';
import type { ShownPoints } from './shownPoints';
import type { Call } from './transport';

/** How far a load is: reading the file's bytes, parsing them, or picking the points to draw. */
export type ParseProgress = { stage: 'read'; loaded: number; total: number } | { stage: 'parse' } | { stage: 'view' };

export interface ParseApi {
  /** Parses a file (a Blob, read in the worker, or its bytes, transferred) into a cloud, and the
   * points the viewer draws (shownPoints.ts); every array comes back transferred. */
  load: Call<
    ({ name: string; file: Blob } | { name: string; bytes: ArrayBuffer }) & {
      keepEveryPoint?: boolean;
      /** The model to read from a zip archive, by its path in it (default: the largest). */
      archiveEntry?: string;
      /** Files the file needs beside it (a .gltf's separate buffers), by name. */
      companions?: { name: string; file: Blob }[];
    },
    { result: LoadResult; ms: number; shown: ShownPoints },
    ParseProgress
  >;
}

/** Why a request failed: a loader's reason, or the worker itself failing. */
export type FailureReason = LoadErrorReason | 'internal' | 'worker-failed' | 'disposed' | 'unreadable' | 'unknown-request';

/** A failure the UI can show: the same fields as src/io's LoadError. */
export interface WorkerFailure {
  format: FormatId | 'unknown';
  reason: FailureReason;
  message: string;
}
