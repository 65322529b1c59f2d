// A prepared kernel launch: pipeline, bind group and workgroup counts, plus the buffers it owns
// (uniforms, scratch). Kernels prepare dispatches; runners and the geometry chain encode them.

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number];
  /** Buffers created for this dispatch alone, destroyed with it. */
  owned: GPUBuffer[];
}

/** Encodes the dispatches in order into one compute pass (WebGPU orders their storage writes). */
export function encodeDispatches(encoder: GPUCommandEncoder, dispatches: Dispatch[], label = 'geometry'): void {
  const pass = encoder.beginComputePass({ label });
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1]);
  }
  pass.end();
}

export function destroyDispatches(dispatches: Dispatch[]): void {
  for (const d of dispatches) for (const b of d.owned) b.destroy();
}
