import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache } from '../../src/model/cache';
import { fetchFile, modelFileUrl } from '../../src/model/fetchFiles';
import { sha256Hex } from '../../src/integrity/sha256';
import { startServer, type TestServer } from './httpServer';

let server: TestServer;
let origin = '';
const files = () => server.files;
const hits = () => server.hits;

beforeAll(async () => {
  server = await startServer();
  origin = server.origin;
});
afterAll(() => server.close());

function serve(path: string, size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31 + seed) & 0xff);
  files().set(path, bytes);
  return bytes;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('model file locations', () => {
  it('follow <base>models/<id>/<file>', () => {
    expect(modelFileUrl('use-lite-modelnet40', 'model.onnx', '/')).toBe('/models/use-lite-modelnet40/model.onnx');
    expect(modelFileUrl('m', 'manifest.json', '/app/')).toBe('/app/models/m/manifest.json');
  });
  it('refuse ids and files that leave the folder', () => {
    expect(() => modelFileUrl('../x', 'model.onnx')).toThrow('model id "../x" must be a plain folder name');
    expect(() => modelFileUrl('m', '../../etc/passwd')).toThrow('must be a path inside the model folder');
  });
});

describe('sha256Hex', () => {
  it('equals Node crypto, also for a view into a larger buffer', async () => {
    const big = serve('/unused', 10000, 3);
    expect(await sha256Hex(big)).toBe(sha(big));
    const view = big.subarray(100, 5000);
    expect(await sha256Hex(view)).toBe(sha(view));
  });
});

describe('fetchFile', () => {
  it('downloads with progress up to the total, checks sha256 and caches', async () => {
    const bytes = serve('/models/a/model.onnx', 50_000, 1);
    const cache = memoryCache();
    const seen: [number, number][] = [];
    const url = `${origin}/models/a/model.onnx`;
    const got = await fetchFile(url, { cache, expected: { bytes: bytes.length, sha256: sha(bytes) }, onProgress: (l, t) => seen.push([l, t]) });
    expect(got).toEqual(bytes);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual([50_000, 50_000]);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    expect(await cache.match(url)).toEqual(bytes);
    // Second time: from the cache, no request.
    const before = hits().get('/models/a/model.onnx');
    expect(await fetchFile(url, { cache, expected: { bytes: bytes.length, sha256: sha(bytes) } })).toEqual(bytes);
    expect(hits().get('/models/a/model.onnx')).toBe(before);
  });

  it('rejects bytes whose sha256 differs from the manifest, and does not cache them', async () => {
    const bytes = serve('/models/b/model.onnx', 1000, 2);
    const cache = memoryCache();
    const url = `${origin}/models/b/model.onnx`;
    const wrong = '0'.repeat(64);
    await expect(fetchFile(url, { cache, expected: { bytes: 1000, sha256: wrong } })).rejects.toThrow(
      `${url}: sha256 ${sha(bytes)} does not match the manifest's ${wrong}`,
    );
    await expect(fetchFile(url, { cache, expected: { bytes: 999, sha256: sha(bytes) } })).rejects.toThrow('expected 999 bytes (manifest), got 1000');
    expect(await cache.match(url)).toBeUndefined();
  });

  it('replaces a stale cached copy with the served file', async () => {
    const bytes = serve('/models/c/model.onnx', 2000, 5);
    const cache = memoryCache();
    const url = `${origin}/models/c/model.onnx`;
    await cache.put(url, new Uint8Array(2000));
    expect(await fetchFile(url, { cache, expected: { bytes: 2000, sha256: sha(bytes) } })).toEqual(bytes);
    expect(await cache.match(url)).toEqual(bytes);
  });

  it('names the URL and the HTTP status when the file is missing', async () => {
    const url = `${origin}/models/none/model.onnx`;
    await expect(fetchFile(url, { cache: memoryCache() })).rejects.toThrow(`${url}: HTTP 404 Not Found`);
  });
});
