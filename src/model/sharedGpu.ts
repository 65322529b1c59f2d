// The geometry kernels on onnxruntime's own GPUDevice, so the pipeline uses one device.
// src/gpu's acquireGpu() asks a GPU object for an adapter and then a device; this hands it one
// whose requestDevice() returns ORT's device (ORT's JSEP build creates its device itself and
// cannot be given one). The context must never be destroy()ed: the device belongs to ORT.
import { acquireGpu, type GpuContext } from '../gpu/device';

export async function contextOnDevice(device: GPUDevice, info?: GPUAdapterInfo): Promise<GpuContext> {
  const adapterInfo = info ?? (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const adapter = {
    info: adapterInfo ?? { vendor: '', architecture: '', device: '', description: '' },
    limits: device.limits,
    features: device.features,
    requestDevice: async () => device,
  };
  const gpu = { requestAdapter: async () => adapter, getPreferredCanvasFormat: () => 'rgba8unorm' } as unknown as GPU;
  return acquireGpu({ gpu });
}
