// Geometry with a fallback: the GPU chain when WebGPU works, the CPU twins when it does not, and
// the caller is told which path ran and why.
import { computeGeometryCPU, type GeometryOptions } from '../geometry/cpuPipeline';
import type { GeometryOutput, GeometrySpec } from '../geometry/spec';
import { acquireGpu, type GpuContext } from './device';
import { DeviceLostError, NoWebGPUError } from './errors';
import { createGeometry, type GpuGeometry } from './geometryStage';

export type GeometryPath = 'gpu' | 'cpu';

export interface GeometryRun {
  output: GeometryOutput;
  path: GeometryPath;
  /** Why the CPU path ran when the GPU was preferred. */
  fallbackReason?: string;
}

export interface RunGeometryOptions extends GeometryOptions {
  /** Default 'gpu'; 'cpu' runs the CPU twins without touching WebGPU. */
  prefer?: GeometryPath;
  /** A context to use; otherwise one is acquired (and kept) from `gpu` or `navigator.gpu`. */
  context?: GpuContext;
  /** A GPU object to acquire from instead of `navigator.gpu` (Node). */
  gpu?: GPU;
}

const shared = new Map<GPU | undefined, Promise<{ ctx: GpuContext; geometry: GpuGeometry }>>();
const runners = new WeakMap<GpuContext, GpuGeometry>();

async function sharedGeometry(gpu: GPU | undefined): Promise<{ ctx: GpuContext; geometry: GpuGeometry }> {
  let entry = shared.get(gpu);
  if (!entry) {
    entry = acquireGpu({ gpu }).then((ctx) => ({ ctx, geometry: createGeometry(ctx) }));
    shared.set(gpu, entry);
  }
  try {
    const value = await entry;
    if (!value.ctx.isLost) return value;
  } catch (error) {
    shared.delete(gpu);
    throw error;
  }
  // The device was lost: try once more with a fresh one.
  shared.delete(gpu);
  return sharedGeometry(gpu);
}

function geometryFor(ctx: GpuContext): GpuGeometry {
  let g = runners.get(ctx);
  if (!g) {
    g = createGeometry(ctx);
    runners.set(ctx, g);
  }
  return g;
}

/** Raw cloud (N x 3) -> geometry on the preferred path; falls back to the CPU twins when WebGPU
 * is missing or the device is lost. Other GPU errors (validation) are bugs and are thrown. */
export async function runGeometry(points: Float32Array, spec: GeometrySpec, options: RunGeometryOptions = {}): Promise<GeometryRun> {
  const prefer = options.prefer ?? 'gpu';
  if (prefer !== 'gpu' && prefer !== 'cpu') throw new Error(`runGeometry: prefer must be 'gpu' or 'cpu', got ${JSON.stringify(prefer)}`);
  if (prefer === 'cpu') return { output: computeGeometryCPU(points, spec, options), path: 'cpu' };
  try {
    const geometry = options.context ? geometryFor(options.context) : (await sharedGeometry(options.gpu)).geometry;
    return { output: await geometry.runCloud(points, spec, options), path: 'gpu' };
  } catch (error) {
    if (!(error instanceof NoWebGPUError || error instanceof DeviceLostError)) throw error;
    return { output: computeGeometryCPU(points, spec, options), path: 'cpu', fallbackReason: error.message };
  }
}
