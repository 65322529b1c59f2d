// WebGPU in Node for the kernel tests: Dawn (npm `webgpu`) on Chromium's SwiftShader. The object
// `create()` returns must stay referenced for the life of the process, or Dawn crashes at GC.
import { create, globals } from 'webgpu';
import { acquireGpu, type GpuContext } from '../../src/gpu/device';

const holder = globalThis as typeof globalThis & { __dawnGpu?: GPU; __gpuContext?: Promise<GpuContext> };

/** The Dawn GPU object (created once per process). */
export function dawn(): GPU {
  if (!holder.__dawnGpu) {
    Object.assign(globalThis, globals);
    holder.__dawnGpu = create([]) as unknown as GPU;
  }
  return holder.__dawnGpu;
}

/** One shared context per test process; tests must not destroy it. */
export function nodeGpu(): Promise<GpuContext> {
  holder.__gpuContext ??= acquireGpu({
    gpu: dawn(),
    onUncapturedError: (e) => {
      throw e;
    },
  });
  return holder.__gpuContext;
}
