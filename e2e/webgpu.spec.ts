// WebGPU must be real in the test browser (Debian's Chromium, SwiftShader adapter, flags in
// playwright.config.ts), so later GPU tests are known to run on WebGPU and not on a fallback.
import { expect, test } from '@playwright/test';

test('navigator.gpu gives an adapter whose device runs a compute shader', async ({ page }) => {
  await page.goto('/');
  const report = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return { error: 'navigator.gpu is missing' };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { error: 'requestAdapter() returned null' };
    const device = await adapter.requestDevice();
    const input = new Uint32Array([7, 11, 13, 17]);
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> data: array<u32>;
             @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3u) {
               data[id.x] = data[id.x] * 2u + 1u;
             }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const storage = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const readback = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(storage, 0, input);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: storage } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const computed = Array.from(new Uint32Array(readback.getMappedRange().slice(0)));
    readback.unmap();
    device.destroy();
    const { vendor, architecture, device: deviceName, description } = adapter.info;
    return {
      info: { vendor, architecture, device: deviceName, description },
      features: [...adapter.features].sort(),
      limits: {
        maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
      computed,
    };
  });
  console.log('WebGPU adapter:', JSON.stringify(report, null, 2));
  expect(report.error).toBeUndefined();
  expect(report.computed).toEqual([15, 23, 27, 35]);
});
