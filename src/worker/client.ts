// The page's side of the parse worker.
import { formatOfName } from '../io/formats';
import { fileSizeRefusal, LIMITS } from '../io/limits';
import type { LoadResult } from '../io/types';
import type { ParseApi } from './protocol';
import { connect, WorkerError, type Connection } from './transport';

export interface LoadedFile {
  result: LoadResult;
  /** Parse time inside the worker. */
  parseMs: number;
  /** From the request to the answer: reading the file, transfer and parsing. */
  totalMs: number;
}

export class ParseClient {
  private readonly connection: Connection<ParseApi>;

  constructor(worker?: Worker) {
    this.connection = connect<ParseApi>(worker ?? new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' }), 'file worker');
  }

  /** Checks the size first, so a file over the limit is never read into memory. Failures are
   * WorkerErrors whose kind is a FailureReason (failure.ts reads them). */
  async loadFile(file: File): Promise<LoadedFile> {
    if (file.size > LIMITS.maxFileBytes) {
      throw new WorkerError({
        name: 'LoadError',
        kind: 'too-large',
        detail: { format: formatOfName(file.name) ?? 'unknown' },
        message: `${file.name}: ${fileSizeRefusal(file.size)}, so it was not read.`,
      });
    }
    const start = performance.now();
    const bytes = await file.arrayBuffer();
    const { result, ms } = await this.connection.call('load', { name: file.name, bytes }, { transfer: [bytes] });
    return { result, parseMs: ms, totalMs: performance.now() - start };
  }

  dispose(): void {
    this.connection.close();
  }
}
