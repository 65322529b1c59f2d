// The kernel benchmark, shared by the Node command (scripts/bench-kernels.ts, Dawn) and the
// browser check page (Chromium): the same clouds, the same calls, median of runs. GPU times are
// what a caller waits for: upload, dispatch and readback included.
import { cellIds, meanPooling, sameIdMask } from '../src/geometry/cells';
import { SPEC_1D } from './exampleSpecs';
import { fps } from '../src/geometry/fps';
import { geometryOfNormalisedCPU } from '../src/geometry/cpuPipeline';
import { knn } from '../src/geometry/knn';
import { project1d } from '../src/geometry/project';
import { sphereCloud } from './synthetic';
import { voxelIds } from '../src/geometry/voxels';
import type { GpuContext } from '../src/gpu/device';
import { createFps } from '../src/gpu/fps';
import { createGeometry } from '../src/gpu/geometryStage';
import { createKnn } from '../src/gpu/knn';
import { createTokenStage } from '../src/gpu/tokenStage';

export type BenchKernel = 'fps' | 'knn' | 'project+pool' | 'geometry';

export interface BenchRow {
  kernel: BenchKernel;
  /** Input points. */
  n: number;
  /** What exactly ran. */
  detail: string;
  runs: number;
  /** Median milliseconds, null when that side did not run. */
  gpuMs: number | null;
  cpuMs: number | null;
}

export interface BenchOptions {
  sizes: number[];
  /** Timed runs per size (after one untimed GPU warm-up). */
  runs: (n: number) => number;
  /** null: CPU twins only. */
  gpu: GpuContext | null;
  cpu: boolean;
  kernels?: BenchKernel[];
  log?: (line: string) => void;
}

const T = 64;
const K = 24;

async function median(runs: number, body: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function measure(options: BenchOptions, runs: number, gpu: (() => Promise<unknown>) | null, cpu: () => unknown): Promise<[number | null, number | null]> {
  let gpuMs: number | null = null;
  if (gpu) {
    await gpu(); // pipelines compile on first use
    gpuMs = await median(runs, gpu);
  }
  const cpuMs = options.cpu ? await median(runs, cpu) : null;
  return [gpuMs, cpuMs];
}

/** Runs the benchmark; rows come in kernel-major order. */
export async function benchKernels(options: BenchOptions): Promise<BenchRow[]> {
  const ctx = options.gpu;
  const kernels = options.kernels ?? ['fps', 'knn', 'project+pool', 'geometry'];
  const rows: BenchRow[] = [];
  const push = (row: BenchRow) => {
    rows.push(row);
    options.log?.(`${row.kernel} n=${row.n} (${row.detail}): gpu ${row.gpuMs?.toFixed(1) ?? '-'} ms, cpu ${row.cpuMs?.toFixed(1) ?? '-'} ms`);
  };
  for (const kernel of kernels) {
    if (kernel === 'geometry') {
      const spec = SPEC_1D;
      const cloud = sphereCloud(spec.points, 99);
      const geometry = ctx ? createGeometry(ctx) : null;
      const runs = options.runs(spec.points);
      const [gpuMs, cpuMs] = await measure(options, runs, geometry ? () => geometry.run(cloud, spec) : null, () => geometryOfNormalisedCPU(cloud, spec));
      geometry?.dispose();
      push({ kernel, n: spec.points, detail: '1 cloud, 1024 -> 512 (k 24) -> 64 (k 24), 1D projection, cells, voxels', runs, gpuMs, cpuMs });
      continue;
    }
    for (const n of options.sizes) {
      const runs = options.runs(n);
      const cloud = sphereCloud(n, n);
      if (kernel === 'fps') {
        const s = Math.min(1024, n >> 1);
        const run = ctx ? createFps(ctx) : null;
        const [gpuMs, cpuMs] = await measure(options, runs, run ? () => run(cloud, n, s) : null, () => fps(cloud, s));
        push({ kernel, n, detail: `${n} -> ${s}`, runs, gpuMs, cpuMs });
      } else if (kernel === 'knn') {
        const s = Math.min(1024, n >> 1);
        const centres = Uint32Array.from({ length: s }, (_, i) => Math.floor((i * n) / s));
        const run = ctx ? createKnn(ctx) : null;
        const [gpuMs, cpuMs] = await measure(options, runs, run ? () => run(cloud, n, centres, K) : null, () => knn(cloud, centres, K));
        push({ kernel, n, detail: `${s} centres, k ${K}`, runs, gpuMs, cpuMs });
      } else {
        // The per-token part for a batch of clouds holding n points in all (n / 1024 clouds of
        // T = 64 tokens): 1D projection, cells + mask + mean pooling, voxels + mask.
        const clouds = Math.max(1, Math.round(n / 1024));
        const tokens = cloud.subarray(0, clouds * T * 3);
        const p = SPEC_1D.projection;
        // GPU: all clouds in one dispatch per kernel, one submit, one readback (src/gpu/tokenStage.ts).
        const stage = ctx ? createTokenStage(ctx) : null;
        const gpuRun = stage ? () => stage.run(tokens, T, p, SPEC_1D.voxels) : null;
        const cpuRun = () => {
          for (let b = 0; b < clouds; b++) {
            const tk = tokens.subarray(b * T * 3, (b + 1) * T * 3);
            const ids = cellIds(project1d(tk, p.lines, p.length), p);
            meanPooling(sameIdMask(ids, T), T);
            sameIdMask(voxelIds(tk, SPEC_1D.voxels), T);
          }
        };
        const [gpuMs, cpuMs] = await measure(options, runs, gpuRun, cpuRun);
        stage?.dispose();
        push({ kernel, n, detail: `${clouds} clouds x ${T} tokens`, runs, gpuMs, cpuMs });
      }
    }
  }
  return rows;
}
