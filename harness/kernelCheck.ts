// The kernel check page (kernels.html): runs every kernel in the browser's WebGPU and compares it
// with its CPU twin; also runs the benchmark for scripts/bench-kernels.ts. Playwright drives it
// through `window.kernels`.
import { cellIds, meanPooling, sameIdMask } from '../src/geometry/cells';
import { SPEC_1D, SPEC_2D } from './exampleSpecs';
import { fps } from '../src/geometry/fps';
import { computeGeometryCPU } from '../src/geometry/cpuPipeline';
import { knn } from '../src/geometry/knn';
import { gather } from '../src/geometry/points';
import { project1d, project2d } from '../src/geometry/project';
import type { GeometryOutput, ProjectionSpec } from '../src/geometry/spec';
import { collinearCloud, duplicateCloud, identicalCloud, latticeCloud, planarCloud, sphereCloud, uniformCloud } from './synthetic';
import { voxelIds } from '../src/geometry/voxels';
import { benchKernels, type BenchKernel, type BenchRow } from './kernelBench';
import { createCells } from '../src/gpu/cells';
import { acquireGpu, type GpuContext } from '../src/gpu/device';
import { runFps } from '../src/gpu/fps';
import { createKnn } from '../src/gpu/knn';
import { createProject } from '../src/gpu/project';
import { runGeometry } from '../src/gpu/runGeometry';
import type { AdapterDescription, Tuning } from '../src/gpu/tuning';
import { createVoxels } from '../src/gpu/voxels';

export interface CheckCase {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckReport {
  adapter: AdapterDescription;
  tuning: Tuning;
  /** Which path runGeometry took with prefer 'gpu'. */
  geometryPath: string;
  cases: CheckCase[];
}

export interface KernelsPage {
  check(): Promise<CheckReport>;
  bench(sizes: number[], runs: Record<number, number>, kernels?: BenchKernel[]): Promise<{ adapter: AdapterDescription; rows: BenchRow[] }>;
}

declare global {
  interface Window {
    kernels?: KernelsPage;
  }
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 0): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance)) return `index ${i}: ${a[i]} vs ${b[i]}`;
  return '';
}

function sameGeometry(a: GeometryOutput, b: GeometryOutput): string {
  const parts: [string, ArrayLike<number>, ArrayLike<number>, number][] = [
    ['points', a.points, b.points, 0],
    ...a.stages.flatMap((s, i): [string, ArrayLike<number>, ArrayLike<number>, number][] => [
      [`fps_${i + 1}`, s.fps, b.stages[i].fps, 0],
      [`knn_${i + 1}`, s.knn, b.stages[i].knn, 0],
    ]),
    ['tokens', a.tokens, b.tokens, 0],
    ['pos', a.pos, b.pos, 1e-5],
    ['cells', a.cells, b.cells, 0],
    ['cellMask', a.cellMask, b.cellMask, 0],
    ['cellMean', a.cellMean, b.cellMean, 1e-7],
    ['voxels', a.voxels, b.voxels, 0],
    ['voxelMask', a.voxelMask, b.voxelMask, 0],
  ];
  for (const [name, x, y, tol] of parts) {
    const d = firstDifference(x, y, tol);
    if (d) return `${name}: ${d}`;
  }
  return '';
}

async function check(ctx: GpuContext): Promise<CheckReport> {
  const cases: CheckCase[] = [];
  const record = async (name: string, body: () => Promise<string>) => {
    try {
      const detail = await body();
      cases.push({ name, ok: detail === '', detail });
    } catch (error) {
      cases.push({ name, ok: false, detail: String(error) });
    }
  };
  const fpsCases: [string, Float32Array, number][] = [
    ['uniform 1024 -> 512', uniformCloud(1024, 1), 512],
    ['sphere 100000 -> 1024', sphereCloud(100_000, 2), 1024],
    ['lattice ties 1000 -> 600', latticeCloud(1000, 4, 3), 600],
    ['duplicates 1024 -> 1000', duplicateCloud(1024, 4, 4), 1000],
    ['identical 300 -> 200', identicalCloud(300), 200],
    ['collinear 2000 -> 300', collinearCloud(2000, 5), 300],
    ['planar 2000 -> 300', planarCloud(2000, 6), 300],
    ['N < S 100 -> 256', uniformCloud(100, 7), 256],
  ];
  for (const [name, cloud, s] of fpsCases) {
    await record(`fps ${name}`, async () => {
      const gpu = await runFps(ctx, cloud, cloud.length / 3, s);
      const cpu = fps(cloud, s);
      return firstDifference(gpu.indices, cpu) || firstDifference(gpu.centres, gather(cloud, cpu));
    });
  }
  const knnCases: [string, Float32Array, number, number][] = [
    ['uniform 1024 k 24', uniformCloud(1024, 8), 512, 24],
    ['uniform 1024 k 64', uniformCloud(1024, 9), 128, 64],
    ['lattice ties k 32', latticeCloud(1000, 3, 10), 200, 32],
    ['duplicates k 16', duplicateCloud(1000, 8, 11), 200, 16],
    ['N < k', uniformCloud(10, 12), 10, 24],
  ];
  for (const [name, cloud, s, k] of knnCases) {
    await record(`knn ${name}`, async () => {
      const centres = fps(cloud, s);
      return firstDifference(await createKnn(ctx)(cloud, cloud.length / 3, centres, k), knn(cloud, centres, k));
    });
  }
  const projections: [string, ProjectionSpec][] = [
    ['1D', SPEC_1D.projection],
    ['2D', SPEC_2D.projection],
  ];
  const tokenClouds: [string, Float32Array][] = [
    ['sphere', sphereCloud(64, 13)],
    ['lattice', latticeCloud(64, 3, 14)],
    ['identical', identicalCloud(64)],
    ['collinear', collinearCloud(64, 15)],
  ];
  for (const [pname, p] of projections) {
    for (const [cname, tokens] of tokenClouds) {
      await record(`project+cells ${pname} ${cname}`, async () => {
        const ref = p.kind === '1d' ? project1d(tokens, p.lines, p.length) : project2d(tokens, p.views, p.distance, p.grid);
        const pos = await createProject(ctx)(tokens, 64, p);
        const cells = await createCells(ctx)(ref, 64, p);
        const ids = cellIds(ref, p);
        const mask = sameIdMask(ids, 64);
        return firstDifference(pos, ref, 1e-5) || firstDifference(cells.cells, ids) || firstDifference(cells.mask, mask) || firstDifference(cells.mean, meanPooling(mask, 64), 1e-7);
      });
    }
  }
  for (const [cname, tokens] of tokenClouds) {
    await record(`voxels ${cname}`, async () => {
      const out = await createVoxels(ctx)(tokens, 64, 4);
      const ids = voxelIds(tokens, 4);
      return firstDifference(out.voxels, ids) || firstDifference(out.mask, sameIdMask(ids, 64));
    });
  }
  let geometryPath = 'not run';
  for (const [name, spec] of [
    ['1D', SPEC_1D],
    ['2D', SPEC_2D],
  ] as const) {
    await record(`geometry ${name} (5000-point cloud, resampled on the GPU)`, async () => {
      const cloud = sphereCloud(5000, 16);
      const run = await runGeometry(cloud, spec, { context: ctx });
      geometryPath = run.path;
      return sameGeometry(run.output, computeGeometryCPU(cloud, spec));
    });
  }
  return { adapter: ctx.adapter, tuning: ctx.tuning, geometryPath, cases };
}

let context: Promise<GpuContext> | null = null;
const gpuContext = () => (context ??= acquireGpu());

window.kernels = {
  check: async () => check(await gpuContext()),
  bench: async (sizes, runs, kernels) => {
    const ctx = await gpuContext();
    const rows = await benchKernels({ sizes, runs: (n) => runs[n] ?? 3, gpu: ctx, cpu: false, kernels });
    return { adapter: ctx.adapter, rows };
  },
};
document.body.dataset.ready = 'true';
