import { describe, expect, it } from 'vitest';
import { createSession, SessionError, type InputTensor } from '../../src/model/session';
import { addExternalModel, tinyClassifierModel } from './tinyModels';

const x = (values: number[]): InputTensor => ({ type: 'float32', data: new Float32Array(values), dims: [1, 3] });

describe('createSession on the wasm execution provider (Node)', () => {
  it('runs a model whose weights are external data and says which backend ran', async () => {
    const { model, frozen } = addExternalModel();
    const session = await createSession(model, { device: 'wasm', externalData: [{ path: 'frozen.bin', data: frozen }] });
    expect(session.backend).toBe('wasm');
    expect(session.fallbackReason).toBeNull();
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: x([10, 20, 30]) });
    expect(Array.from(out.y.data)).toEqual([11, 22, 33]);
    expect(out.y.dims).toEqual([1, 3]);
    await session.dispose();
  });

  it("'auto' falls back to wasm when there is no WebGPU, and records why", async () => {
    const { model, frozen } = addExternalModel();
    const session = await createSession(model, { device: 'auto', externalData: [{ path: 'frozen.bin', data: frozen }] });
    expect(session.backend).toBe('wasm');
    expect(session.fallbackReason).toMatch(/navigator\.gpu/);
    expect(session.gpuDevice).toBeNull();
    await session.dispose();
  });

  it("'webgpu' asked for explicitly fails loudly instead of falling back", async () => {
    const { model, frozen } = addExternalModel();
    await expect(createSession(model, { device: 'webgpu', externalData: [{ path: 'frozen.bin', data: frozen }] })).rejects.toThrow(
      /could not create an onnxruntime session on webgpu/,
    );
  });

  it('rejects an unknown device, listing the valid ones', async () => {
    const { model } = addExternalModel();
    // @ts-expect-error: the point is a value outside the type
    await expect(createSession(model, { device: 'cuda' })).rejects.toThrow("device must be one of 'auto', 'webgpu', 'wasm', got \"cuda\"");
  });

  it('fails clearly when the external weights are missing', async () => {
    const { model } = addExternalModel();
    await expect(createSession(model, { device: 'wasm' })).rejects.toThrow(SessionError);
  });

  it('names missing, unknown and badly sized inputs', async () => {
    const { model, frozen } = addExternalModel();
    const session = await createSession(model, { device: 'wasm', externalData: [{ path: 'frozen.bin', data: frozen }] });
    await expect(session.run({ z: x([1, 2, 3]) })).rejects.toThrow('missing [x], unknown [z]; the model takes [x]');
    await expect(session.run({ x: { type: 'float32', data: new Float32Array(2), dims: [1, 3] } })).rejects.toThrow(
      'input x: 2 values do not fill dims [1,3] (3)',
    );
    await session.dispose();
    await expect(session.run({ x: x([1, 2, 3]) })).rejects.toThrow('run() after dispose()');
  });

  it('queues concurrent runs and answers each with its own result, in order', async () => {
    const { model, frozen } = addExternalModel();
    const session = await createSession(model, { device: 'wasm', externalData: [{ path: 'frozen.bin', data: frozen }] });
    const order: number[] = [];
    const runs = [0, 1, 2, 3].map((i) =>
      session.run({ x: x([i, i, i]) }).then((out) => {
        order.push(i);
        return Array.from(out.y.data);
      }),
    );
    const results = await Promise.all(runs);
    expect(results).toEqual([0, 1, 2, 3].map((i) => [i + 1, i + 2, i + 3]));
    expect(order).toEqual([0, 1, 2, 3]);
    await session.dispose();
  });

  it('runs the Any2Point-shaped tiny model: every input is read, outputs have the documented shapes', async () => {
    const shape = { points: 16, stages: [{ centers: 8, k: 4 }, { centers: 4, k: 2 }], views: 2, kind: '1d' as const, classes: 5, layers: 2, heads: 3 };
    const { model, frozen } = tinyClassifierModel(shape);
    const session = await createSession(model, { device: 'wasm', externalData: [{ path: 'frozen.bin', data: frozen }] });
    expect(session.inputNames).toEqual(['points', 'fps_1', 'knn_1', 'fps_2', 'knn_2', 'pos', 'cell_mask', 'voxel_mask']);
    expect(session.outputNames).toEqual(['logits', 'attention']);
    await session.dispose();
  });
});
