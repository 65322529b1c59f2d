// Launch sizes per kind of adapter, defined once: the runners pass them to the shaders as
// override constants and use the same numbers in their dispatch arithmetic.

export interface Tuning {
  /** Profile name, reported by the benchmark. */
  profile: 'cpu-fallback' | 'gpu';
  /** Invocations of the one FPS workgroup per cloud. */
  fpsWorkgroup: number;
  /** Workgroup size of the per-row kernels (k-NN, projection, cells, voxels). */
  rowWorkgroup: number;
  /** Invocations of the one grid-building workgroup per cloud. */
  gridWorkgroup: number;
  /** FPS blocks (grid cells): aim for this many points per block, at most fpsMaxGrid^3 blocks,
   * fpsSuperblock blocks per superblock. */
  fpsPointsPerBlock: number;
  fpsMaxGrid: number;
  fpsSuperblock: number;
  /** k-NN grid: aim for this many points per cell, at most knnMaxGrid^3 cells. */
  knnPointsPerCell: number;
  knnMaxGrid: number;
}

/** SwiftShader (and any CPU fallback adapter) runs a workgroup as one 4-wide SIMD group; larger
 * workgroups and barriers between them cost far more there than on a GPU (measured, see
 * scripts/bench-kernels.ts). */
const CPU_FALLBACK: Tuning = {
  profile: 'cpu-fallback',
  fpsWorkgroup: 4,
  rowWorkgroup: 4,
  gridWorkgroup: 4,
  fpsPointsPerBlock: 32,
  fpsMaxGrid: 32,
  fpsSuperblock: 16,
  knnPointsPerCell: 8,
  knnMaxGrid: 64,
};
// For real GPUs: conventional sizes, checked for correctness only where a GPU was available
// (this project's test machines have SwiftShader alone).
const GPU: Tuning = {
  profile: 'gpu',
  fpsWorkgroup: 256,
  rowWorkgroup: 64,
  gridWorkgroup: 256,
  fpsPointsPerBlock: 64,
  fpsMaxGrid: 16,
  fpsSuperblock: 16,
  knnPointsPerCell: 8,
  knnMaxGrid: 64,
};

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

export function isCpuAdapter(info: AdapterDescription): boolean {
  return info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|warp/i.test(`${info.architecture} ${info.description} ${info.vendor}`);
}

export function tuningFor(info: AdapterDescription): Tuning {
  return isCpuAdapter(info) ? CPU_FALLBACK : GPU;
}

/** Workgroup counts for `rows` invocations in workgroups of `size`, split over x and y when x
 * would exceed the per-dimension limit (kernels recover the row as gid.x + gid.y * x * size:
 * rowIndex in shaders/common/rows.wgsl). */
export function rowDispatch(rows: number, size: number, maxPerDimension: number): [number, number] {
  const groups = Math.max(1, Math.ceil(rows / size));
  if (groups <= maxPerDimension) return [groups, 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y];
}
