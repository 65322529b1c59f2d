// The one device module: adapter/device acquisition (browser `navigator.gpu` or an injected GPU
// object such as Dawn's in Node), typed errors, a pipeline cache keyed by kernel + constants, and
// `execute`, which records work into one command buffer, checks it with error scopes and reads
// results back through one staging buffer.
import { DeviceLostError, GpuValidationError, NoWebGPUError } from './errors';
import { SHADERS, type KernelName } from './shaders';
import { tuningFor, type AdapterDescription, type Tuning } from './tuning';

export interface AcquireOptions {
  /** A GPU object to use instead of `navigator.gpu` (Node: `create([])` from npm `webgpu`). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Called for errors WebGPU raises outside any kernel's error scope. */
  onUncapturedError?: (error: GpuValidationError) => void;
}

/** What a kernel's recording function gets. */
export interface Recorder {
  encoder: GPUCommandEncoder;
  /** A buffer that lives until the work has completed. */
  temp(descriptor: GPUBufferDescriptor): GPUBuffer;
  /** Schedules a copy of `bytes` bytes of `buffer` back to the CPU; results come in call order. */
  read(buffer: GPUBuffer, bytes: number): void;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  readonly tuning: Tuning;
  /** A cached compute pipeline for `kernel` with these override constants. */
  pipeline(kernel: KernelName, constants: Record<string, number>): GPUComputePipeline;
  /** Records work (`record`), submits it, throws a typed error if WebGPU rejected any of it, and
   * returns the bytes requested with `read`. */
  execute(label: string, record: (recorder: Recorder) => void): Promise<ArrayBuffer[]>;
  /** Runs `create` (pipelines, bind groups, buffers) inside error scopes and throws a
   * GpuValidationError naming `label` if WebGPU rejected any of it (after `discard(value)`). */
  scoped<T>(label: string, create: () => T, discard?: (value: T) => void): Promise<T>;
  /** Throws DeviceLostError once the device is gone. */
  assertAlive(): void;
  readonly isLost: boolean;
  destroy(): void;
}

/** Acquires an adapter and a device; throws NoWebGPUError when WebGPU cannot be had. */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = options.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!gpu) throw new NoWebGPUError('WebGPU is not available: navigator.gpu is missing (no WebGPU in this browser, or not a secure context)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  } catch (cause) {
    throw new NoWebGPUError(`WebGPU requestAdapter failed: ${String(cause)}`, { cause });
  }
  if (!adapter) throw new NoWebGPUError('WebGPU is available but no GPU adapter was found');
  const description = describeAdapter(adapter);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.max(8, Math.min(10, adapter.limits.maxStorageBuffersPerShaderStage)),
      },
    });
  } catch (cause) {
    throw new NoWebGPUError(`WebGPU requestDevice failed on ${description.description || description.architecture}: ${String(cause)}`, { cause });
  }
  return new Context(device, description, options.onUncapturedError);
}

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy.isFallbackAdapter),
  };
}

class Context implements GpuContext {
  readonly tuning: Tuning;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<KernelName, GPUShaderModule>();
  private lostInfo: GPUDeviceLostInfo | null = null;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    onUncapturedError?: (error: GpuValidationError) => void,
  ) {
    this.tuning = tuningFor(adapter);
    void device.lost.then((info) => {
      this.lostInfo = info;
    });
    device.addEventListener('uncapturederror', (event) => {
      const error = new GpuValidationError('device', 'uncaptured', (event as GPUUncapturedErrorEvent).error.message);
      if (onUncapturedError) onUncapturedError(error);
      else console.error(error);
    });
  }

  get isLost(): boolean {
    return this.destroyed || this.lostInfo !== null;
  }

  assertAlive(): void {
    if (this.destroyed) throw new DeviceLostError('destroyed', 'WebGPU device was destroyed (dispose() was called)');
    if (this.lostInfo) {
      throw new DeviceLostError(this.lostInfo.reason, `WebGPU device lost (${this.lostInfo.reason}): ${this.lostInfo.message}`);
    }
  }

  pipeline(kernel: KernelName, constants: Record<string, number>): GPUComputePipeline {
    const key = `${kernel}|${Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',')}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(kernel);
      if (!module) {
        module = this.device.createShaderModule({ label: kernel, code: SHADERS[kernel] });
        this.modules.set(kernel, module);
      }
      pipeline = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  async scoped<T>(label: string, create: () => T, discard?: (value: T) => void): Promise<T> {
    this.assertAlive();
    for (const scope of SCOPES) this.device.pushErrorScope(scope);
    let value: T;
    try {
      value = create();
    } catch (error) {
      await this.popScopes(label).catch(() => undefined);
      throw error;
    }
    try {
      await this.popScopes(label);
    } catch (error) {
      discard?.(value);
      throw error;
    }
    return value;
  }

  /** Pops the scopes pushed for SCOPES (innermost first) and throws the first error found. */
  private async popScopes(label: string): Promise<void> {
    const errors = await Promise.all(SCOPES.map(() => this.device.popErrorScope()).reverse());
    const found = errors.findIndex((e) => e !== null);
    if (found >= 0) throw new GpuValidationError(label, SCOPES[found], errors[found]!.message);
  }

  async execute(label: string, record: (recorder: Recorder) => void): Promise<ArrayBuffer[]> {
    this.assertAlive();
    const device = this.device;
    const temps: GPUBuffer[] = [];
    const reads: { buffer: GPUBuffer; bytes: number }[] = [];
    for (const scope of SCOPES) device.pushErrorScope(scope);
    const encoder = device.createCommandEncoder({ label });
    let staging: GPUBuffer | null = null;
    try {
      try {
        record({
          encoder,
          temp: (descriptor) => {
            const buffer = device.createBuffer(descriptor);
            temps.push(buffer);
            return buffer;
          },
          read: (buffer, bytes) => reads.push({ buffer, bytes }),
        });
        const total = reads.reduce((sum, r) => sum + align4(r.bytes), 0);
        if (total > 0) {
          staging = device.createBuffer({ label: `${label} readback`, size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
          let offset = 0;
          for (const r of reads) {
            if (r.bytes > 0) encoder.copyBufferToBuffer(r.buffer, 0, staging, offset, align4(r.bytes));
            offset += align4(r.bytes);
          }
        }
        device.queue.submit([encoder.finish()]);
      } finally {
        // Pop every scope even when recording threw.
        await this.popScopes(label);
      }
      if (!staging) return [];
      try {
        await staging.mapAsync(GPUMapMode.READ);
      } catch (cause) {
        this.assertAlive();
        throw cause;
      }
      // One copy per read straight out of the mapped range (not a copy of the whole range first).
      const mapped = staging.getMappedRange();
      let offset = 0;
      const parts = reads.map((r) => {
        const part = mapped.slice(offset, offset + r.bytes);
        offset += align4(r.bytes);
        return part;
      });
      staging.unmap();
      return parts;
    } finally {
      staging?.destroy();
      for (const buffer of temps) buffer.destroy();
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pipelines.clear();
    this.modules.clear();
    this.device.destroy();
  }
}

// Pushed in this order, popped in reverse: SCOPES[i] pairs with the i-th pop result reversed.
const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}
