// One WebGPU device for the whole pipeline: the geometry kernels' context (src/gpu), handed to
// onnxruntime's webgpu EP as its device. Acquired once per worker and kept (ORT sessions come and
// go with the chosen model); acquired again only if it was lost.
import { acquireGpu, type GpuContext } from '../gpu/device';

let shared: Promise<GpuContext> | null = null;

/** The shared context; throws NoWebGPUError when WebGPU cannot be had. */
export async function sharedGpuContext(): Promise<GpuContext> {
  if (shared) {
    const ctx = await shared.catch(() => null);
    if (ctx && !ctx.isLost) return ctx;
  }
  const next = acquireGpu();
  shared = next;
  next.catch(() => {
    if (shared === next) shared = null;
  });
  return next;
}
