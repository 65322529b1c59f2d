// frozen.bin in the browser: the backbone's source files are served by the app itself under
// `<BASE_URL>backbones/<backbone>/<file>` (scripts/vite-plugin-backbones.ts copies them from
// node_modules or ../shared at build time), fetched once, and assembled by the manifest's recipe.
// The result is cached too, so a warm start only checks its sha256.
import { defaultCache, type FileCache } from './cache';
import { baseUrl, fetchFile, modelFileUrl } from './fetchFiles';
import { assembleFrozen, sourceFiles, type FrozenSpec } from './frozen/assembleFrozen';
import type { ProgressCallback } from './progress';
import { sha256Hex } from './sha256';

/** URL of one of a backbone's source files, as the app serves it. */
export function backboneFileUrl(backbone: string, file: string, base = baseUrl()): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(backbone)) throw new Error(`backbone name ${JSON.stringify(backbone)} must be a plain folder name`);
  if (!file || file.includes('..') || file.startsWith('/')) throw new Error(`backbone file ${JSON.stringify(file)} must be a path inside the source folder`);
  return `${base}backbones/${backbone}/${file}`;
}

export interface LoadFrozenOptions {
  cache?: FileCache;
  onProgress?: ProgressCallback;
  fetch?: typeof fetch;
  base?: string;
}

/** The model's frozen.bin: from the cache when a copy there passes the sha256 check, else
 * assembled from the backbone's source files. */
export async function loadFrozen(modelId: string, backbone: string, frozen: FrozenSpec, options: LoadFrozenOptions = {}): Promise<Uint8Array> {
  const cache = options.cache ?? defaultCache();
  const key = modelFileUrl(modelId, frozen.file, options.base);
  const cached = await cache.match(key);
  if (cached && cached.byteLength === frozen.bytes && (await sha256Hex(cached)) === frozen.sha256.toLowerCase()) {
    options.onProgress?.({ phase: 'assemble', file: frozen.file, loaded: frozen.bytes, total: frozen.bytes });
    return cached;
  }
  // Every source file at once; one progress figure over all of them.
  const files = sourceFiles(frozen);
  const loaded = new Map<string, [number, number]>();
  const report = (file: string, done: number, total: number) => {
    loaded.set(file, [done, total]);
    let sumDone = 0;
    let sumTotal = 0;
    for (const [d, t] of loaded.values()) {
      sumDone += d;
      sumTotal += t;
    }
    options.onProgress?.({ phase: 'download', file, loaded: sumDone, total: sumTotal });
  };
  const bytes = new Map<string, Uint8Array>();
  await Promise.all(
    files.map(async (file) => {
      const url = backboneFileUrl(backbone, file, options.base);
      bytes.set(file, await fetchFile(url, { cache, fetch: options.fetch, onProgress: (d, t) => report(file, d, t) }));
    }),
  );
  const out = await assembleFrozen(
    frozen,
    async (file) => bytes.get(file)!,
    (done, total) => options.onProgress?.({ phase: 'assemble', file: frozen.file, loaded: done, total }),
  );
  await cache.put(key, out);
  return out;
}
