// frozen.bin in the browser: the backbone's source files are served by the app itself under
// `<BASE_URL>backbones/<backbone>/<file>` (scripts/vite-plugin-zoo.ts serves them from
// node_modules or ../shared in dev and copies them into a build), fetched once, and assembled by
// the manifest's recipe.
// The result is cached too, so a warm start only checks its sha256.
import { defaultCache, type FileCache } from './cache';
import { baseUrl, fetchFile, modelFileUrl } from './fetchFiles';
import { assembleFrozen, sourceFiles, type FrozenSpec } from './frozen/assembleFrozen';
import { combinedDownload, type FileProgress, type ProgressCallback } from './progress';
import { sha256Hex } from '../integrity/sha256';

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
  /** Where the source files' bytes are counted, keyed by URL (frozenSourceUrls), when the caller
   * downloads them together with other files; by default one bar over the source files alone. */
  download?: FileProgress;
  /** Assembly waits for this (the rest of the download), so the bar's phases do not interleave. */
  downloadDone?: Promise<unknown>;
}

/** URLs of the backbone source files that frozen.bin is assembled from. */
export function frozenSourceUrls(backbone: string, frozen: FrozenSpec, base?: string): string[] {
  return sourceFiles(frozen).map((file) => backboneFileUrl(backbone, file, base));
}

/** frozen.bin from the cache when the copy there passes the sha256 check, else null. */
export async function cachedFrozen(modelId: string, frozen: FrozenSpec, options: Pick<LoadFrozenOptions, 'cache' | 'base'> = {}): Promise<Uint8Array | null> {
  const cached = await (options.cache ?? defaultCache()).match(modelFileUrl(modelId, frozen.file, options.base));
  const valid = cached && cached.byteLength === frozen.bytes && (await sha256Hex(cached)) === frozen.sha256.toLowerCase();
  return valid ? cached : null;
}

/** Tells the progress bar that frozen.bin is there (taken from the cache). */
export function reportFrozenReady(frozen: FrozenSpec, onProgress?: ProgressCallback): void {
  onProgress?.({ phase: 'assemble', file: frozen.file, loaded: frozen.bytes, total: frozen.bytes });
}

/** The model's frozen.bin: from the cache when a copy there passes the sha256 check, else
 * assembled from the backbone's source files. */
export async function loadFrozen(modelId: string, backbone: string, frozen: FrozenSpec, options: LoadFrozenOptions = {}): Promise<Uint8Array> {
  const cache = options.cache ?? defaultCache();
  const key = modelFileUrl(modelId, frozen.file, options.base);
  const cached = await cachedFrozen(modelId, frozen, options);
  if (cached) {
    reportFrozenReady(frozen, options.onProgress);
    return cached;
  }
  // Every source file at once; one progress figure over all of them.
  const files = sourceFiles(frozen);
  const urls = frozenSourceUrls(backbone, frozen, options.base);
  const report = options.download ?? combinedDownload(urls, options.onProgress);
  const bytes = new Map<string, Uint8Array>();
  await Promise.all(
    files.map(async (file, i) => {
      const url = urls[i]!;
      bytes.set(file, await fetchFile(url, { cache, fetch: options.fetch, onProgress: (d, t) => report(url, d, t) }));
    }),
  );
  await options.downloadDone;
  const out = await assembleFrozen(
    frozen,
    async (file) => bytes.get(file)!,
    (done, total) => options.onProgress?.({ phase: 'assemble', file: frozen.file, loaded: done, total }),
  );
  await cache.put(key, out);
  return out;
}
