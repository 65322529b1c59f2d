// One network run for several passes of a classify (candidate ups x votes, docs/confidence.md
// "Latency"): every pass's inputs stacked along axis 0 (the exported models' symbolic 'batch'
// axis), and the run's outputs split back per pass. Each pass is still a whole cloud of its own:
// the network treats the clouds of a batch independently (DESIGN.md, geometry contract), so a
// pass's outputs are those of its batch-1 run.
import type { GpuContext } from '../gpu/device';
import type { InputTensor, OutputTensor } from './session';

/** Passes per run at most: bounds the activations a run holds (64 passes at 32 votes x 2 ups). */
export const MAX_PASSES_PER_RUN = 16;

const elements = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Batch-1 inputs, one record per pass, as one record of [passes, ...] CPU tensors. */
export function stackFeeds(passes: readonly Record<string, InputTensor>[]): Record<string, InputTensor> {
  const out: Record<string, InputTensor> = {};
  for (const name of Object.keys(passes[0])) {
    const first = passes[0][name];
    const per = elements(first.dims);
    const data = first.type === 'int32' ? new Int32Array(per * passes.length) : new Float32Array(per * passes.length);
    passes.forEach((feeds, i) => {
      const input = feeds[name];
      if ('gpuBuffer' in input) throw new Error(`stackFeeds: input ${name} is a GPU buffer (use GpuBatch)`);
      if (input.type !== first.type || input.data.length !== per) throw new Error(`stackFeeds: pass ${i} input ${name} is not shaped as pass 0's`);
      data.set(input.data, i * per);
    });
    const dims = [passes.length, ...first.dims.slice(1)];
    out[name] = data instanceof Int32Array ? { type: 'int32', data, dims } : { type: 'float32', data, dims };
  }
  return out;
}

/** A run's outputs [passes, ...] split into batch-1 outputs per pass (copies, so that a result
 * holds only its own pass's values, as a batch-1 run's would). */
export function splitOutputs(outputs: Record<string, OutputTensor>, passes: number): Record<string, OutputTensor>[] {
  const split: Record<string, OutputTensor>[] = Array.from({ length: passes }, () => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if (t.dims[0] !== passes) throw new Error(`output ${name}: batch of ${t.dims[0]} for ${passes} passes`);
    const dims = [1, ...t.dims.slice(1)];
    const per = elements(dims);
    split.forEach((s, i) => {
      s[name] = { type: t.type, data: t.data.slice(i * per, (i + 1) * per), dims } as OutputTensor;
    });
  }
  return split;
}

/** The WebGPU side of stackFeeds: the geometry kernels leave each pass's inputs in buffers they
 * overwrite on the next pass, so each pass is copied (on the GPU, no readback) into its slot of
 * one batch buffer per input before the next pass runs. The batch buffers are kept between
 * classifications (made anew when a batch of another size comes). */
export class GpuBatch {
  private buffers = new Map<string, GPUBuffer>();

  constructor(private readonly context: GpuContext) {}

  /** Copies pass `slot`'s batch-1 GPU inputs into the batch buffers (GPU queue order keeps the
   * copy ahead of the next pass's kernels). */
  async put(slot: number, passes: number, feeds: Record<string, InputTensor>): Promise<void> {
    const copies: [GPUBuffer, GPUBuffer, number][] = [];
    for (const [name, input] of Object.entries(feeds)) {
      if (!('gpuBuffer' in input)) throw new Error(`GpuBatch: input ${name} is not a GPU buffer`);
      const bytes = elements(input.dims) * 4;
      copies.push([input.gpuBuffer, this.buffer(name, bytes * passes), bytes]);
    }
    await this.context.execute('batch inputs', (rec) => {
      for (const [from, to, bytes] of copies) rec.encoder.copyBufferToBuffer(from, 0, to, slot * bytes, bytes);
    });
  }

  /** The batch's inputs, [passes, ...], for feeds shaped as one pass's. */
  feeds(passes: number, one: Record<string, InputTensor>): Record<string, InputTensor> {
    const out: Record<string, InputTensor> = {};
    for (const [name, input] of Object.entries(one)) {
      const gpuBuffer = this.buffers.get(name);
      if (!gpuBuffer) throw new Error(`GpuBatch: no batch buffer for ${name}`);
      out[name] = { type: input.type, gpuBuffer, dims: [passes, ...input.dims.slice(1)] };
    }
    return out;
  }

  private buffer(name: string, bytes: number): GPUBuffer {
    const have = this.buffers.get(name);
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    if (have && have.size === size) return have;
    have?.destroy();
    const buffer = this.context.device.createBuffer({
      label: `batch ${name}`,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.buffers.set(name, buffer);
    return buffer;
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }
}
