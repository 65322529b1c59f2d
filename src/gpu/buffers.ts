// Small helpers to create the buffers the kernels bind, with size checks that name the kernel.
import type { GpuContext } from './device';

export type UniformField = ['u32' | 'f32', number];

/** Storage buffer of `bytes` (at least 16), checked against the device's binding limit. */
export function storage(ctx: GpuContext, label: string, bytes: number, extraUsage = 0): GPUBuffer {
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new RangeError(`${label}: needs a ${bytes}-byte storage buffer, the device allows ${limit} bytes per binding`);
  }
  return ctx.device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

/** Storage buffer holding `data`. */
export function storageWith(ctx: GpuContext, label: string, data: Float32Array | Uint32Array): GPUBuffer {
  const buffer = storage(ctx, label, data.byteLength);
  ctx.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Uniform buffer packing the fields as 4-byte words, padded to 32 bytes. */
export function uniform(ctx: GpuContext, label: string, fields: UniformField[]): GPUBuffer {
  const words = new ArrayBuffer(Math.max(32, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(words);
  fields.forEach(([type, value], i) => {
    if (type === 'u32') view.setUint32(4 * i, value, true);
    else view.setFloat32(4 * i, value, true);
  });
  const buffer = ctx.device.createBuffer({ label, size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  ctx.device.queue.writeBuffer(buffer, 0, words);
  return buffer;
}

export function bindGroup(ctx: GpuContext, label: string, pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
  return ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}
