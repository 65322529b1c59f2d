// Where a CLI worker runs the geometry. The browser's WebGPU is npm `webgpu` (Dawn) here: when it
// finds a hardware adapter, it becomes `navigator.gpu` for this thread, so the app's own modules
// (src/gpu's device and kernels) use it unchanged; otherwise the CPU twins run, the path the
// browser takes without WebGPU. A software adapter (SwiftShader, llvmpipe) counts as none for
// 'auto', as in the app: it is slower than the CPU. The network runs on onnxruntime-web's wasm
// backend either way: its WebGPU EP fails under Node on a Dawn device (session created, every run
// "Invalid argument"; none-modelnet40 on SwiftShader, onnxruntime-web 1.30, webgpu 0.6).
import type { DeviceChoice } from '../model/session';
import type { CliDevice } from './args';

export interface DevicePick {
  /** What openClassifier is asked for: 'webgpu' puts the geometry kernels on Dawn (the network
   * stays on wasm), 'wasm' is the all-CPU pipeline. */
  device: DeviceChoice;
  /** Why the CPU path was taken (null when WebGPU was, or --device cpu asked for it). */
  reason: string | null;
}

async function dawnAdapter(): Promise<{ gpu: GPU; adapter: GPUAdapter } | { reason: string }> {
  let webgpu: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (error) {
    return { reason: `npm webgpu could not be loaded (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    const gpu = webgpu.create([]) as GPU;
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: 'npm webgpu (Dawn) found no GPU adapter' };
    Object.assign(globalThis, webgpu.globals);
    // Dawn crashes when its GPU object is garbage-collected: kept for the thread's life.
    (globalThis as Record<string, unknown>).__any2pointDawn = gpu;
    return { gpu, adapter };
  } catch (error) {
    return { reason: `npm webgpu (Dawn) failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function isSoftware(adapter: GPUAdapter): string | null {
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const description = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`.trim();
  const fallback = info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return fallback || /swiftshader|llvmpipe|lavapipe|warp/i.test(description) ? description || 'fallback adapter' : null;
}

/** Makes `gpu` this thread's navigator.gpu (Node has no navigator before 21, and none with gpu). */
function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

export async function pickDevice(choice: CliDevice): Promise<DevicePick> {
  if (choice === 'cpu') return { device: 'wasm', reason: null };
  const found = await dawnAdapter();
  if ('reason' in found) {
    if (choice === 'webgpu') throw new Error(`--device webgpu: ${found.reason}`);
    return { device: 'wasm', reason: found.reason };
  }
  const software = isSoftware(found.adapter);
  if (software && choice === 'auto') {
    return { device: 'wasm', reason: `the only WebGPU adapter is a software one (${software}), slower than the CPU path; --device webgpu uses it anyway` };
  }
  installNavigatorGpu(found.gpu);
  return { device: 'webgpu', reason: null };
}
