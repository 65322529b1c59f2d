// Typed errors of the GPU layer, so the app can tell "use the CPU path" from real bugs.

/** WebGPU is not available: no `navigator.gpu`, no adapter, or the device request failed. */
export class NoWebGPUError extends Error {
  override name = 'NoWebGPUError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The device was lost (driver reset, `destroy()`, tab in background on some platforms). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** WebGPU reported a validation, out-of-memory or internal error for a kernel's work. Named
 * GpuValidationError so it does not shadow WebGPU's own `GPUValidationError` class. */
export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
  constructor(
    readonly kernel: string,
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'uncaptured',
    message: string,
  ) {
    super(`${kernel}: WebGPU ${kind} error: ${message}`);
  }
}
