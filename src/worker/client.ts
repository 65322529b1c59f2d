// The page's side of the parse worker.
import { companionsOf } from '../files/companions';
import { formatOfName } from '../io/formats';
import { largestRead } from '../io/limits';
import type { LoadResult } from '../io/types';
import type { ParseApi, ParseProgress } from './protocol';
import type { ShownPoints } from './shownPoints';
import { connect, WorkerError, type Connection, type Endpoint } from './transport';
import { VerifiedWorker } from './verifiedWorker';

export interface LoadedFile {
  result: LoadResult;
  /** What the viewer draws: the cloud, or a subset within its point budget. */
  shown: ShownPoints;
  /** Parse time inside the worker. */
  parseMs: number;
  /** From the request to the answer: reading the file, transfer and parsing. */
  totalMs: number;
}

// Started once the build's scripts match their digests (verifiedWorker.ts).
const makeWorker = (): Endpoint => new VerifiedWorker(() => new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' }));

export class ParseClient {
  private connection: Connection<ParseApi>;

  constructor(private readonly createWorker: () => Endpoint = makeWorker) {
    this.connection = connect<ParseApi>(createWorker(), 'file worker');
  }

  /** Checks the size first, so a file over the limit is never read. The worker reads the file
   * itself, so its bytes never pass through the page. Failures are WorkerErrors whose kind is a
   * FailureReason (failure.ts reads them). */
  async loadFile(file: File, onProgress?: (progress: ParseProgress) => void, keepEveryPoint = false, archiveEntry?: string): Promise<LoadedFile> {
    // Binary PLYs of vertices alone, scans, HDF5 data sets and Blender files are read past
    // maxFileBytes, a slice or a part at a time (io/largeFile.ts).
    const named = formatOfName(file.name);
    const largest = largestRead(named);
    if (file.size > largest.bytes) {
      throw new WorkerError({
        name: 'LoadError',
        kind: 'too-large',
        detail: { format: named ?? 'unknown' },
        message: `${file.name}: ${largest.refusal(file.size)}, so it was not read.`,
      });
    }
    const start = performance.now();
    const companions = companionsOf(file).map((c) => ({ name: c.name, file: c }));
    const payload = { name: file.name, file, keepEveryPoint, ...(companions.length > 0 ? { companions } : {}), ...(archiveEntry === undefined ? {} : { archiveEntry }) };
    const { result, ms, shown } = await this.connection.call('load', payload, { onProgress });
    return { result, shown, parseMs: ms, totalMs: performance.now() - start };
  }

  /** Stops whatever the worker is doing: it is terminated (its calls fail with kind 'disposed')
   * and a fresh one takes its place, so later files load as before. */
  cancel(): void {
    this.connection.close();
    this.connection = connect<ParseApi>(this.createWorker(), 'file worker');
  }

  dispose(): void {
    this.connection.close();
  }
}
