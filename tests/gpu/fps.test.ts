// shaders/fps.wgsl against its CPU twin: identical indices on random and hard clouds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fps } from '../../src/geometry/fps';
import { gather } from '../../src/geometry/points';
import { createFps, runFps } from '../../src/gpu/fps';
import { clusterCloud, collinearCloud, duplicateCloud, identicalCloud, latticeCloud, offsetCloud, planarCloud, sphereCloud, uniformCloud } from '../geometry/clouds';
import { assertFpsProperties } from '../geometry/properties';
import { nodeGpu } from './node-gpu';

async function expectTwin(points: Float32Array, s: number): Promise<void> {
  const ctx = await nodeGpu();
  const gpu = await runFps(ctx, points, points.length / 3, s);
  const cpu = fps(points, s);
  expect(gpu.indices).toEqual(cpu);
  expect(gpu.centres).toEqual(gather(points, cpu));
}

describe('fps kernel = CPU twin', () => {
  it.each([
    ['uniform 1024 -> 512', uniformCloud(1024, 1), 512],
    ['sphere 1024 -> 512', sphereCloud(1024, 2), 512],
    ['uniform 512 -> 64', uniformCloud(512, 3), 64],
    ['uniform 20000 -> 1024', uniformCloud(20_000, 4), 1024],
    ['sphere 50000 -> 256', sphereCloud(50_000, 5), 256],
    ['lattice ties 1000 -> 600', latticeCloud(1000, 4, 6), 600],
    ['duplicates 1024 -> 1000', duplicateCloud(1024, 4, 7), 1000],
    ['all identical 300 -> 200', identicalCloud(300), 200],
    ['collinear 2000 -> 300', collinearCloud(2000, 8), 300],
    ['planar 2000 -> 300', planarCloud(2000, 9), 300],
    ['axis-aligned plane z = 0', planarCloud(3000, 15).map((v, i) => (i % 3 === 2 ? 0 : v)), 500],
    ['two far clusters (sparse grid)', clusterCloud(5000, 16), 700],
    ['far from the origin (coarse float32)', offsetCloud(5000, 17), 700],
    ['N < S: 100 -> 256', uniformCloud(100, 10), 256],
    ['one point -> 4', new Float32Array([0.5, -1, 2]), 4],
  ])('%s', async (_name, points, s) => {
    await expectTwin(points, s);
  });

  it('batches clouds independently', async () => {
    const ctx = await nodeGpu();
    const clouds = [uniformCloud(700, 11), latticeCloud(700, 3, 12), identicalCloud(700), sphereCloud(700, 13)];
    const batch = new Float32Array(clouds.length * 700 * 3);
    clouds.forEach((c, b) => batch.set(c, b * 700 * 3));
    const out = await createFps(ctx)(batch, 700, 300);
    clouds.forEach((c, b) => expect(out.subarray(b * 300, (b + 1) * 300)).toEqual(fps(c, 300)));
  });

  it('resamples 1,000,000 points to 1024 exactly like the CPU twin', async () => {
    await expectTwin(sphereCloud(1_000_000, 14), 1024);
  }, 300_000);

  it('satisfies the FPS properties on random hard clouds', async () => {
    const ctx = await nodeGpu();
    const run = createFps(ctx);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 300 }), fc.integer(), fc.constantFrom(0, 1, 2), async (n, s, seed, kind) => {
        const p = kind === 0 ? latticeCloud(n, 3, seed) : kind === 1 ? duplicateCloud(n, 3, seed) : uniformCloud(n, seed);
        assertFpsProperties(p, await run(p, n, s), s);
      }),
      { numRuns: 25 },
    );
  });

  it('rejects malformed input with a clear error', async () => {
    const run = createFps(await nodeGpu());
    await expect(run(new Float32Array(10), 3, 2)).rejects.toThrow(/whole number of clouds/);
    await expect(run(new Float32Array([0, NaN, 0]), 1, 2)).rejects.toThrow(/non-finite/);
    await expect(run(new Float32Array(3), 1, 0)).rejects.toThrow(/sample count/);
  });
});
