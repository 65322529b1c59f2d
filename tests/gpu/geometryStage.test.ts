// The whole GPU chain (createGeometry) against computeGeometryCPU, and the CPU fallback.
import { describe, expect, it } from 'vitest';
import { computeGeometryCPU, geometryOfNormalisedCPU } from '../../src/geometry/cpuPipeline';
import { normalise, resample } from '../../src/geometry/normalise';
import type { GeometryOutput, GeometrySpec } from '../../src/geometry/spec';
import { createGeometry } from '../../src/gpu/geometryStage';
import { runGeometry } from '../../src/gpu/runGeometry';
import { create } from 'webgpu';
import { duplicateCloud, identicalCloud, latticeCloud, sphereCloud, uniformCloud } from '../geometry/clouds';
import { SPEC_1D, SPEC_2D } from '../geometry/specs';
import { nodeGpu } from './node-gpu';

function expectSame(gpu: GeometryOutput, cpu: GeometryOutput): void {
  expect(gpu.batch).toBe(cpu.batch);
  expect(gpu.points).toEqual(cpu.points);
  gpu.stages.forEach((s, i) => {
    expect(s.fps).toEqual(cpu.stages[i].fps);
    expect(s.knn).toEqual(cpu.stages[i].knn);
  });
  expect(gpu.tokens).toEqual(cpu.tokens);
  for (let i = 0; i < cpu.pos.length; i++) expect(Math.abs(gpu.pos[i] - cpu.pos[i])).toBeLessThanOrEqual(1e-5);
  expect(gpu.cells).toEqual(cpu.cells);
  expect(gpu.cellMask).toEqual(cpu.cellMask);
  for (let i = 0; i < cpu.cellMean.length; i++) expect(Math.abs(gpu.cellMean[i] - cpu.cellMean[i])).toBeLessThanOrEqual(1e-7);
  expect(gpu.voxels).toEqual(cpu.voxels);
  expect(gpu.voxelMask).toEqual(cpu.voxelMask);
}

/** Concatenates per-cloud CPU outputs into one batched output. */
function concat(outputs: GeometryOutput[]): GeometryOutput {
  const cat = <A extends Float32Array | Uint32Array>(parts: A[]): A => {
    const out = new (parts[0].constructor as new (n: number) => A)(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p as never, o);
      o += p.length;
    }
    return out;
  };
  const first = outputs[0];
  return {
    batch: outputs.length,
    points: cat(outputs.map((o) => o.points)),
    stages: first.stages.map((_, i) => ({ fps: cat(outputs.map((o) => o.stages[i].fps)), knn: cat(outputs.map((o) => o.stages[i].knn)) })),
    tokens: cat(outputs.map((o) => o.tokens)),
    pos: cat(outputs.map((o) => o.pos)),
    cells: cat(outputs.map((o) => o.cells)),
    cellMask: cat(outputs.map((o) => o.cellMask)),
    cellMean: cat(outputs.map((o) => o.cellMean)),
    voxels: cat(outputs.map((o) => o.voxels)),
    voxelMask: cat(outputs.map((o) => o.voxelMask)),
  };
}

describe('createGeometry = computeGeometryCPU', () => {
  const specs: [string, GeometrySpec][] = [
    ['1D', SPEC_1D],
    ['2D', SPEC_2D],
  ];
  for (const [name, spec] of specs) {
    it(`${name}: raw clouds of every size (resample by FPS, repeat, as is), y-up`, async () => {
      const geometry = createGeometry(await nodeGpu());
      try {
        for (const [cloud, up] of [
          [sphereCloud(5000, 1).map((v) => v * 7 + 3), 'z'],
          [uniformCloud(1024, 2), 'y'],
          [latticeCloud(300, 4, 3), 'z'],
          [identicalCloud(2000), 'z'],
        ] as const) {
          expectSame(await geometry.runCloud(cloud, spec, { up }), computeGeometryCPU(cloud, spec, { up }));
        }
        // A sparse cloud grown instead of repeated (grow.ts), on both paths.
        const sparse = uniformCloud(Math.floor(spec.points / 3), 5);
        const grown = computeGeometryCPU(sparse, spec, { up: 'y', grow: true });
        expect(Array.from(grown.points)).not.toEqual(Array.from(computeGeometryCPU(sparse, spec, { up: 'y' }).points));
        expectSame(await geometry.runCloud(sparse, spec, { up: 'y', grow: true }), grown);
      } finally {
        geometry.dispose();
      }
    });

    it(`${name}: a batch of normalised clouds`, async () => {
      const geometry = createGeometry(await nodeGpu());
      try {
        const clouds = [uniformCloud(1024, 4), duplicateCloud(1024, 3, 5), sphereCloud(1024, 6)].map((c) => resample(normalise(c), spec.points));
        const batch = new Float32Array(clouds.length * spec.points * 3);
        clouds.forEach((c, b) => batch.set(c, b * spec.points * 3));
        const gpu = await geometry.run(batch, spec);
        expectSame(gpu, concat(clouds.map((c) => geometryOfNormalisedCPU(c, spec))));
        // Warm rerun through the cached plan gives the same result.
        expectSame(await geometry.run(batch, spec), gpu);
      } finally {
        geometry.dispose();
      }
    });
  }

  it('rejects a batch that is not a whole number of clouds', async () => {
    const geometry = createGeometry(await nodeGpu());
    await expect(geometry.run(new Float32Array(3 * 1000), SPEC_1D)).rejects.toThrow(/whole number of clouds of 1024/);
  });
});

describe('runGeometry', () => {
  const cloud = sphereCloud(3000, 7);

  it('runs on the GPU when WebGPU works and says so', async () => {
    const run = await runGeometry(cloud, SPEC_2D, { context: await nodeGpu() });
    expect(run.path).toBe('gpu');
    expectSame(run.output, computeGeometryCPU(cloud, SPEC_2D));
  });

  it('falls back to the CPU twins when there is no adapter, and says why', async () => {
    // A real Dawn instance restricted to a backend Linux does not have: requestAdapter -> null.
    const noAdapter = create(['backend=d3d12']) as unknown as GPU;
    (globalThis as Record<string, unknown>).__noAdapterGpu = noAdapter;
    const run = await runGeometry(cloud, SPEC_1D, { gpu: noAdapter });
    expect(run.path).toBe('cpu');
    expect(run.fallbackReason).toMatch(/no GPU adapter/);
    expectSame(run.output, computeGeometryCPU(cloud, SPEC_1D));
  });

  it("runs the CPU twins when asked to, without touching WebGPU", async () => {
    const run = await runGeometry(cloud, SPEC_1D, { prefer: 'cpu' });
    expect(run.path).toBe('cpu');
    expect(run.fallbackReason).toBeUndefined();
  });
});
