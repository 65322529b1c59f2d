// What every command gets from the entry point.
export interface CliContext {
  /** The repository: public/models, scripts/assemble-model.mjs. */
  root: string;
  /** The script a worker thread starts (bin/any2point.mjs). */
  workerScript: string;
  /** A line of progress or diagnosis on stderr. */
  log: (line: string) => void;
}
