// The only file that imports onnxruntime-web. It picks the execution provider ('auto' -> webgpu
// when a hardware adapter exists, else wasm), says which one really ran and why, runs one
// inference at a time, and runs the webgpu EP on a GPUDevice it is given (the geometry kernels'
// device), so the whole pipeline uses one device.
//
// Two onnxruntime builds, one per backend, each loaded on first use (its own chunk and wasm):
//  - webgpu: 'onnxruntime-web/webgpu', ORT's native WebGPU EP plus the wasm EP in one ~27 MB wasm
//    (asyncify build). It takes an external GPUDevice, and on Chromium's SwiftShader adapter it
//    ran this project's network 2.5x faster than the default entry's JSEP build (warm, 9 s vs
//    23 s).
//  - wasm: 'onnxruntime-web/wasm', the plain threaded SIMD build (~14 MB). Asyncify instruments
//    the whole binary, and the wasm EP pays for it: use-lite-modelnet40 per cloud, warm, in
//    Chromium (accuracy.html, 2 threads) 30 ms asyncify vs 22 ms plain, geometry included; in
//    Node (1 thread, network only) 123 ms vs 31 ms.
// Node (the unit tests, wasm only) loads the wasm entry from the package as it is.
// In the browser each build's wasm is fetched by src/model/ortWasm.ts, checked against the sha256
// the build recorded, and handed over as bytes; its JavaScript loader is the one bundled in the
// entry's chunk (no wasmPaths, so ORT loads no separate .mjs). See docs/security.md.
import type * as OrtModule from 'onnxruntime-web/wasm';

type Ort = typeof OrtModule;

export const DEVICES = ['auto', 'webgpu', 'wasm'] as const;
export type DeviceChoice = (typeof DEVICES)[number];
export type Backend = Exclude<DeviceChoice, 'auto'>;

export interface ExternalFile {
  /** The name the model's external initializers use as their `location`. */
  path: string;
  data: Uint8Array;
}

export interface CreateSessionOptions {
  device?: DeviceChoice;
  /** Files holding external initializers (the assembled frozen weights). */
  externalData?: ExternalFile[];
  /** The GPUDevice the webgpu EP runs on (the geometry kernels' one); ORT makes its own if absent. */
  gpuDevice?: GPUDevice;
  /** What the adapter behind `gpuDevice` is; 'auto' does not pick a software fallback adapter. */
  gpuAdapterInfo?: { isFallbackAdapter: boolean; description: string };
}

export type TensorType = 'float32' | 'int32';

/** An input: CPU data, or a WebGPU buffer on the session's device (webgpu backend only). */
export type InputTensor =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: TensorType; gpuBuffer: GPUBuffer; dims: readonly number[] };

/** An output, copied to the CPU. Only float32 and int32 outputs are read (what the zoo exports). */
export type OutputTensor =
  | { type: 'float32'; data: Float32Array; dims: number[] }
  | { type: 'int32'; data: Int32Array; dims: number[] };

export interface ModelSession {
  /** The execution provider that created the session and runs it. */
  readonly backend: Backend;
  /** Why 'auto' did not get webgpu (null when it did, or when a backend was asked for). */
  readonly fallbackReason: string | null;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The GPUDevice the webgpu backend runs on (the one given, else ORT's own). */
  readonly gpuDevice: GPUDevice | null;
  /** True when axis 0 of every input is symbolic (the 'batch' axis of the zoo's exports): one run
   * can take several clouds stacked along it. False for a model exported with batch 1 (an old
   * cached one), which takes one cloud per run. */
  readonly batched: boolean;
  /** Runs the model; calls are queued, one at a time. Outputs are copied to the CPU. */
  run(feeds: Record<string, InputTensor>): Promise<Record<string, OutputTensor>>;
  dispose(): Promise<void>;
}

/** A failure of this module; the message names the option or input that is wrong. */
export class SessionError extends Error {
  override name = 'SessionError';
}

const ortPromises: Partial<Record<Backend, Promise<Ort>>> = {};

/** The ORT build for a backend, loaded on first use (a separate chunk, so its threads' worker
 * script is ORT alone). */
function loadOrt(backend: Backend): Promise<Ort> {
  ortPromises[backend] ??= (async () => {
    const ort = await (backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm'));
    await configureWasm(ort, backend);
    return ort;
  })();
  // A failed load (an integrity error, no network) is not kept: the next session tries again.
  ortPromises[backend].catch(() => delete ortPromises[backend]);
  return ortPromises[backend];
}

function isBrowser(): boolean {
  return typeof location !== 'undefined' && /^https?:$/.test(location.protocol);
}

async function configureWasm(ort: Ort, backend: Backend): Promise<void> {
  ort.env.logLevel = 'error';
  if (!isBrowser()) {
    // Node finds its wasm beside its own module; one thread keeps tests light.
    ort.env.wasm.numThreads = 1;
    return;
  }
  // The app serves (and its service worker precaches) the wasm itself: no CDN, works offline.
  const { fetchOrtWasm } = await import('./ortWasm');
  ort.env.wasm.wasmBinary = await fetchOrtWasm(backend);
  // Threads need SharedArrayBuffer, which needs cross-origin isolation (COOP + COEP).
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  ort.env.wasm.numThreads = isolated ? Math.max(1, Math.min(4, cores)) : 1;
}

/** Whether 'auto' should use WebGPU here; the reason when not. A software fallback adapter
 * (SwiftShader, WARP, llvmpipe) emulates a GPU on the CPU: the wasm EP is faster there. */
export async function probeWebGPU(known?: CreateSessionOptions['gpuAdapterInfo']): Promise<{ ok: true } | { ok: false; reason: string }> {
  let info = known;
  if (!info) {
    const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
    if (!gpu) return { ok: false, reason: 'navigator.gpu is missing (no WebGPU in this browser or context)' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned no adapter' };
      const a = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
      info = { isFallbackAdapter: Boolean(a.isFallbackAdapter ?? legacy.isFallbackAdapter), description: `${a.vendor} ${a.architecture} ${a.description}`.trim() };
    } catch (error) {
      return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${message(error)}` };
    }
  }
  if (info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|warp/i.test(info.description)) {
    return { ok: false, reason: `the only WebGPU adapter is a software fallback (${info.description || 'fallback adapter'}), slower than WebAssembly; choose WebGPU to use it anyway` };
  }
  return { ok: true };
}

export async function createSession(model: Uint8Array, options: CreateSessionOptions = {}): Promise<ModelSession> {
  const device = options.device ?? 'auto';
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new SessionError(`device must be one of ${DEVICES.map((d) => `'${d}'`).join(', ')}, got ${JSON.stringify(device)}`);
  }
  if (!(model instanceof Uint8Array) || model.byteLength === 0) {
    throw new SessionError('model must be a non-empty Uint8Array of ONNX bytes');
  }
  if (device !== 'auto') return open(model, device, options, null);

  const probe = await probeWebGPU(options.gpuAdapterInfo);
  if (!probe.ok) return open(model, 'wasm', options, probe.reason);
  try {
    // webgpu alone: ['webgpu', 'wasm'] would fall back silently and hide which one ran.
    return await open(model, 'webgpu', options, null);
  } catch (error) {
    return open(model, 'wasm', options, `the webgpu execution provider failed: ${message(error)}`);
  }
}

async function open(
  model: Uint8Array,
  backend: Backend,
  options: CreateSessionOptions,
  fallbackReason: string | null,
): Promise<ModelSession> {
  const ort = await loadOrt(backend);
  let inner: OrtModule.InferenceSession;
  const provider = backend === 'webgpu' && options.gpuDevice ? { name: 'webgpu' as const, device: options.gpuDevice } : backend;
  try {
    inner = await ort.InferenceSession.create(model, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only: ORT warns on every shape op it keeps on the CPU
      externalData: options.externalData?.map((f) => ({ path: f.path, data: f.data })),
    });
  } catch (error) {
    throw new SessionError(`could not create an onnxruntime session on ${backend}: ${message(error)}`, { cause: error });
  }
  const gpuDevice = backend === 'webgpu' ? (options.gpuDevice ?? (await ort.env.webgpu.device) ?? null) : null;
  const session = new Session(ort, inner, backend, fallbackReason, gpuDevice);
  if (backend === 'wasm') session.warmUp();
  return session;
}

class Session implements ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly batched: boolean;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly ort: Ort,
    private readonly inner: OrtModule.InferenceSession,
    readonly backend: Backend,
    readonly fallbackReason: string | null,
    readonly gpuDevice: GPUDevice | null,
  ) {
    this.inputNames = inner.inputNames;
    this.outputNames = inner.outputNames;
    this.batched = inner.inputMetadata.length > 0 && inner.inputMetadata.every((m) => m.isTensor && m.shape.length > 0 && typeof m.shape[0] === 'string');
  }

  run(feeds: Record<string, InputTensor>): Promise<Record<string, OutputTensor>> {
    const next = this.queue.then(() => this.runNow(feeds));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Queues one run on zero-filled inputs, not awaited. V8 compiles onnxruntime's wasm lazily
   * (baseline code first, optimised code for hot functions later, in the background): on a fresh
   * page the first run of use-lite-modelnet40 took ~260 ms and the next ones 50-100 ms for about a
   * second, then ~21 ms per cloud (Chromium, 2 threads, accuracy.html). Running once at open starts
   * that tier-up (and allocates ORT's buffers) before the first cloud comes; a cloud that comes
   * sooner waits behind it in the queue. A symbolic batch axis (axis 0) warms up at 1; a model
   * with other symbolic dimensions, or one that rejects zeros, is left alone (its error is
   * dropped: no result depends on this run). */
  warmUp(): void {
    const feeds: Record<string, OrtModule.Tensor> = {};
    for (const meta of this.inner.inputMetadata) {
      if (!meta.isTensor || (meta.type !== 'float32' && meta.type !== 'int32')) return;
      const shape = this.batched ? [1, ...meta.shape.slice(1)] : meta.shape;
      const dims = shape.filter((d): d is number => typeof d === 'number');
      if (dims.length !== meta.shape.length) return;
      const size = dims.reduce((a, b) => a * b, 1);
      feeds[meta.name] = meta.type === 'float32'
        ? new this.ort.Tensor('float32', new Float32Array(size), dims)
        : new this.ort.Tensor('int32', new Int32Array(size), dims);
    }
    const next = this.queue.then(() => (this.disposed ? undefined : this.inner.run(feeds)));
    this.queue = next.catch(() => undefined);
  }

  private async runNow(feeds: Record<string, InputTensor>): Promise<Record<string, OutputTensor>> {
    if (this.disposed) throw new SessionError('run() after dispose()');
    const missing = this.inputNames.filter((n) => !(n in feeds));
    const unknown = Object.keys(feeds).filter((n) => !this.inputNames.includes(n));
    if (missing.length || unknown.length) {
      throw new SessionError(
        `inputs do not match the model: missing [${missing.join(', ')}], unknown [${unknown.join(', ')}]; ` +
          `the model takes [${this.inputNames.join(', ')}]`,
      );
    }
    const tensors: Record<string, OrtModule.Tensor> = {};
    for (const [name, input] of Object.entries(feeds)) tensors[name] = this.toTensor(name, input);
    let results: OrtModule.InferenceSession.OnnxValueMapType;
    try {
      results = await this.inner.run(tensors);
    } catch (error) {
      throw new SessionError(`onnxruntime run on ${this.backend} failed: ${message(error)}`, { cause: error });
    }
    const out: Record<string, OutputTensor> = {};
    for (const name of this.outputNames) {
      const t = results[name];
      if (t.type !== 'float32' && t.type !== 'int32') {
        throw new SessionError(`output ${name} is ${t.type}; only float32 and int32 outputs are read`);
      }
      const data = await t.getData(true);
      out[name] = { type: t.type, data, dims: [...t.dims] } as OutputTensor;
    }
    return out;
  }

  private toTensor(name: string, input: InputTensor): OrtModule.Tensor {
    const size = input.dims.reduce((a, b) => a * b, 1);
    if (input.type !== 'float32' && input.type !== 'int32') {
      throw new SessionError(`input ${name}: type must be 'float32' or 'int32', got ${JSON.stringify(input.type)}`);
    }
    if ('gpuBuffer' in input) {
      if (this.backend !== 'webgpu') throw new SessionError(`input ${name}: GPU buffers need the webgpu backend, this session runs on ${this.backend}`);
      if (input.gpuBuffer.size < size * 4) {
        throw new SessionError(`input ${name}: GPU buffer has ${input.gpuBuffer.size} bytes, dims [${input.dims}] need ${size * 4}`);
      }
      return this.ort.Tensor.fromGpuBuffer(input.gpuBuffer, { dataType: input.type, dims: input.dims });
    }
    if (input.data.length !== size) {
      throw new SessionError(`input ${name}: ${input.data.length} values do not fill dims [${input.dims}] (${size})`);
    }
    return input.type === 'float32'
      ? new this.ort.Tensor('float32', input.data, input.dims)
      : new this.ort.Tensor('int32', input.data, input.dims);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.inner.release();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
