// The device module's typed errors and pipeline cache, on real Dawn instances.
import { create } from 'webgpu';
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device';
import { DeviceLostError, GpuValidationError, NoWebGPUError } from '../../src/gpu/errors';
import { createFps } from '../../src/gpu/fps';
import { dawn, nodeGpu } from './node-gpu';

describe('acquireGpu', () => {
  it('throws NoWebGPUError without navigator.gpu', async () => {
    expect(typeof navigator === 'undefined' || !('gpu' in navigator)).toBe(true);
    await expect(acquireGpu()).rejects.toBeInstanceOf(NoWebGPUError);
  });

  it('throws NoWebGPUError when no adapter exists', async () => {
    const gpu = create(['backend=metal']) as unknown as GPU;
    (globalThis as Record<string, unknown>).__metalGpu = gpu;
    await expect(acquireGpu({ gpu })).rejects.toThrow(/no GPU adapter/);
  });

  it('describes the adapter and picks launch sizes for it', async () => {
    const ctx = await nodeGpu();
    expect(ctx.adapter.architecture).toBe('swiftshader');
    expect(ctx.tuning.profile).toBe('cpu-fallback');
  });
});

describe('GpuContext', () => {
  it('caches pipelines by kernel and constants', async () => {
    const ctx = await nodeGpu();
    const a = ctx.pipeline('knn', { WG: 4, K: 24 });
    expect(ctx.pipeline('knn', { K: 24, WG: 4 })).toBe(a);
    expect(ctx.pipeline('knn', { WG: 4, K: 16 })).not.toBe(a);
  });

  it('turns a WebGPU validation error into GpuValidationError naming the work', async () => {
    const ctx = await nodeGpu();
    const small = ctx.device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC });
    try {
      const work = ctx.execute('bad copy', (rec) => rec.read(small, 64));
      await expect(work).rejects.toBeInstanceOf(GpuValidationError);
      await expect(ctx.execute('bad copy', (rec) => rec.read(small, 64))).rejects.toThrow(/bad copy: WebGPU validation error/);
    } finally {
      small.destroy();
    }
  });

  it('scoped() reports an invalid bind group as GpuValidationError, with the label', async () => {
    const ctx = await nodeGpu();
    const layout = ctx.pipeline('voxels', { WG: 4 }).getBindGroupLayout(0);
    const made = ctx.scoped('voxels setup', () => ctx.device.createBindGroup({ layout, entries: [] }));
    await expect(made).rejects.toThrow(/voxels setup: WebGPU validation error/);
  });

  it('throws DeviceLostError after the device is gone', async () => {
    const ctx = await acquireGpu({ gpu: dawn() });
    ctx.destroy();
    expect(ctx.isLost).toBe(true);
    await expect(createFps(ctx)(new Float32Array(30), 10, 4)).rejects.toBeInstanceOf(DeviceLostError);
  });
});
