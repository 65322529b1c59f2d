// Model files are found by one rule, `<BASE_URL>models/<id>/<file>`, fetched once (the cache
// keeps them), reported byte by byte, and checked against the manifest's sha256.
import { defaultCache, type FileCache } from './cache';
import { sha256Hex } from '../integrity/sha256';

/** The app's base path (Vite's BASE_URL, '/' unless the site is served under a folder). */
export function baseUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return base.endsWith('/') ? base : `${base}/`;
}

/** URL of one file of a zoo model. */
export function modelFileUrl(id: string, file: string, base = baseUrl()): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id)) throw new Error(`model id ${JSON.stringify(id)} must be a plain folder name`);
  if (!file || file.includes('..') || file.startsWith('/')) throw new Error(`model file ${JSON.stringify(file)} must be a path inside the model folder`);
  return `${base}models/${id}/${file}`;
}

export interface ExpectedFile {
  bytes: number;
  sha256: string;
}

export interface FetchOptions {
  cache?: FileCache;
  /** What the manifest says the file is; checked when given. */
  expected?: ExpectedFile;
  /** Bytes received so far and the total (the expected size, else Content-Length, else 0). */
  onProgress?: (loaded: number, total: number) => void;
  /** The fetch to use (the worker's or the page's); defaults to the global one. */
  fetch?: typeof fetch;
}

/** A file that could not be had, or whose bytes are not what the manifest says. */
export class FetchFileError extends Error {
  override name = 'FetchFileError';
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(`${url}: ${message}`);
  }
}

/** The bytes of `url`: from the cache when it holds a copy that passes the check, else fetched
 * (with progress), checked, and put in the cache. */
export async function fetchFile(url: string, options: FetchOptions = {}): Promise<Uint8Array> {
  const cache = options.cache ?? defaultCache();
  const cached = await cache.match(url);
  if (cached) {
    if (!options.expected || (await mismatch(cached, options.expected)) === null) {
      options.onProgress?.(cached.byteLength, cached.byteLength);
      return cached;
    }
    await cache.delete(url); // a stale copy (the model was re-exported): fetch it again
  }
  const bytes = await download(url, options);
  if (options.expected) {
    const problem = await mismatch(bytes, options.expected);
    if (problem) throw new FetchFileError(url, problem);
  }
  await cache.put(url, bytes);
  return bytes;
}

async function mismatch(bytes: Uint8Array, expected: ExpectedFile): Promise<string | null> {
  if (bytes.byteLength !== expected.bytes) return `expected ${expected.bytes} bytes (manifest), got ${bytes.byteLength}`;
  const sha = await sha256Hex(bytes);
  if (sha !== expected.sha256.toLowerCase()) return `sha256 ${sha} does not match the manifest's ${expected.sha256}`;
  return null;
}

async function download(url: string, options: FetchOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url);
  } catch (error) {
    throw new FetchFileError(url, `could not be fetched (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new FetchFileError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  const header = Number(response.headers.get('Content-Length'));
  const total = options.expected?.bytes ?? (Number.isFinite(header) ? header : 0);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.(bytes.byteLength, total || bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    options.onProgress?.(loaded, Math.max(total, loaded));
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
