// Where downloaded model files are kept between visits: the Cache API when the context has one
// (window or worker), a Map otherwise (Node, private modes without storage).

export interface FileCache {
  match(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
  delete(url: string): Promise<void>;
}

export const CACHE_NAME = 'any2point-model-files';

export function memoryCache(): FileCache {
  const files = new Map<string, Uint8Array>();
  return {
    match: async (url) => files.get(url),
    put: async (url, bytes) => void files.set(url, bytes),
    delete: async (url) => void files.delete(url),
  };
}

/** A FileCache over one Cache Storage bucket. */
export function cacheStorage(storage: CacheStorage, name = CACHE_NAME): FileCache {
  const open = () => storage.open(name);
  return {
    async match(url) {
      const response = await (await open()).match(url);
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(url, bytes) {
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
      const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) };
      await (await open()).put(url, new Response(body, { headers }));
    },
    async delete(url) {
      await (await open()).delete(url);
    },
  };
}

let shared: FileCache | null = null;

/** The Cache API when present, memory otherwise; one instance per context. */
export function defaultCache(): FileCache {
  if (!shared) {
    const storage = typeof caches !== 'undefined' ? caches : undefined;
    shared = storage ? cacheStorage(storage) : memoryCache();
  }
  return shared;
}
