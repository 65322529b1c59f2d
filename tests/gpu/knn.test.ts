// shaders/knn.wgsl against its CPU twin: identical neighbour lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fps } from '../../src/geometry/fps';
import { knn } from '../../src/geometry/knn';
import { createKnn } from '../../src/gpu/knn';
import { clusterCloud, collinearCloud, duplicateCloud, identicalCloud, latticeCloud, offsetCloud, planarCloud, sphereCloud, uniformCloud } from '../geometry/clouds';
import { assertKnnProperties } from '../geometry/properties';
import { nodeGpu } from './node-gpu';

async function expectTwin(points: Float32Array, s: number, k: number): Promise<void> {
  const run = createKnn(await nodeGpu());
  const centres = fps(points, s);
  expect(await run(points, points.length / 3, centres, k)).toEqual(knn(points, centres, k));
}

describe('knn kernel = CPU twin', () => {
  it.each([
    ['uniform 1024, 512 centres, k 24', uniformCloud(1024, 1), 512, 24],
    ['sphere 512, 64 centres, k 24', sphereCloud(512, 2), 64, 24],
    ['uniform 1024, k 64', uniformCloud(1024, 3), 128, 64],
    ['uniform 1024, k 1', uniformCloud(1024, 4), 128, 1],
    ['lattice ties, k 32', latticeCloud(1000, 3, 5), 200, 32],
    ['duplicates, k 16', duplicateCloud(1000, 8, 6), 200, 16],
    ['all identical, k 24', identicalCloud(100), 50, 24],
    ['collinear, k 24', collinearCloud(800, 7), 100, 24],
    ['planar, k 24', planarCloud(800, 8), 100, 24],
    ['axis-aligned plane z = 0, k 24', planarCloud(2000, 13).map((v, i) => (i % 3 === 2 ? 0 : v)), 300, 24],
    ['two far clusters (sparse grid), k 64', clusterCloud(3000, 14), 300, 64],
    ['far from the origin (coarse float32), k 32', offsetCloud(3000, 15), 300, 32],
    ['sphere 50000, k 24', sphereCloud(50_000, 16), 256, 24],
    ['N < k: 10 points, k 24', uniformCloud(10, 9), 10, 24],
  ])('%s', async (_name, points, s, k) => {
    await expectTwin(points, s, k);
  });

  it('batches clouds independently', async () => {
    const run = createKnn(await nodeGpu());
    const clouds = [uniformCloud(300, 10), latticeCloud(300, 3, 11), sphereCloud(300, 12)];
    const points = new Float32Array(clouds.length * 900);
    const centres = new Uint32Array(clouds.length * 40);
    clouds.forEach((c, b) => {
      points.set(c, b * 900);
      centres.set(fps(c, 40), b * 40);
    });
    const out = await run(points, 300, centres, 24);
    clouds.forEach((c, b) => expect(out.subarray(b * 40 * 24, (b + 1) * 40 * 24)).toEqual(knn(c, centres.subarray(b * 40, (b + 1) * 40), 24)));
  });

  it('satisfies the k-NN properties on random hard clouds', async () => {
    const run = createKnn(await nodeGpu());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), fc.integer(), fc.boolean(), async (n, k, seed, dup) => {
        const p = dup ? duplicateCloud(n, 4, seed) : latticeCloud(n, 5, seed);
        const centres = Uint32Array.from({ length: Math.min(n, 30) }, (_, i) => (i * 7919) % n);
        assertKnnProperties(p, centres, k, await run(p, n, centres, k));
      }),
      { numRuns: 25 },
    );
  });

  it('rejects k > 64 and centres out of range', async () => {
    const run = createKnn(await nodeGpu());
    await expect(run(new Float32Array(30), 10, new Uint32Array([0]), 65)).rejects.toThrow(/at most 64/);
    await expect(run(new Float32Array(30), 10, new Uint32Array([10]), 4)).rejects.toThrow(/index 10/);
  });
});
