// A module a reader loads only when a file needs it (the Draco and LAZ decoders' WebAssembly,
// three's FBX loader): loaded once, on the first call of `ready`, which settles (never rejects)
// when it can be used or is known not to work; a failed load is tried again by the next file,
// and a module that broke on a file (an aborted Emscripten module stays aborted) is dropped so
// that the next file loads a fresh one. Once loaded, the readers use it synchronously.

export interface LazyModule<T> {
  /** Loads it unless it is loaded; settles once it can be used or is known not to work. */
  ready(): Promise<void>;
  /** The module, or null before it loaded or after it failed or was dropped. */
  get(): T | null;
  /** Why it could not be loaded ('it is still loading' before the first load settles). */
  why(): string;
  /** Forgets it: the next `ready` loads it afresh. */
  drop(): void;
}

export function lazyModule<T>(load: () => Promise<T>): LazyModule<T> {
  let module: T | null = null;
  let loading: Promise<void> | null = null;
  let failed: string | null = null;
  const attempt = async (): Promise<void> => {
    try {
      module = await load();
      failed = null;
    } catch (error) {
      failed = error instanceof Error ? error.message : String(error);
      loading = null; // the next file that needs it tries again
    }
  };
  return {
    ready: () => {
      if (module) return Promise.resolve();
      loading ??= attempt();
      return loading;
    },
    get: () => module,
    why: () => failed ?? 'it is still loading',
    drop: () => {
      module = null;
      loading = null;
    },
  };
}

/** Whether this runs in Node (the CLI, the tests), where decoders read their wasm beside them. */
export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
