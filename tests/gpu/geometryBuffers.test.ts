// createGeometry().runCloudToBuffers: the ONNX inputs left in GPU buffers, read back here and
// compared with the CPU twin (computeGeometryCPU), for a cloud below and one above N_in, and a
// sparse one grown.
import { describe, expect, it } from 'vitest';
import { computeGeometryCPU } from '../../src/geometry/cpuPipeline';
import { createGeometry, type GpuTensorInput } from '../../src/gpu/geometryStage';
import type { GpuContext } from '../../src/gpu/device';
import { sphereCloud, uniformCloud } from '../geometry/clouds';
import { SPEC_1D, SPEC_2D } from '../geometry/specs';
import { nodeGpu } from './node-gpu';

async function readBack(ctx: GpuContext, input: GpuTensorInput): Promise<Float32Array | Int32Array> {
  const bytes = input.dims.reduce((a, b) => a * b, 1) * 4;
  const [data] = await ctx.execute(`read ${input.name}`, (rec) => rec.read(input.gpuBuffer, bytes));
  return input.type === 'int32' ? new Int32Array(data) : new Float32Array(data);
}

describe('GPU geometry left in GPU buffers = CPU twin', () => {
  for (const [name, spec, cloud, grow] of [
    ['1D, 3000 points (GPU resample)', SPEC_1D, sphereCloud(3000, 7), false],
    ['2D, 700 points (CPU resample)', SPEC_2D, uniformCloud(700, 8), false],
    ['1D, 200 points grown (CPU resample, grow.ts)', SPEC_1D, uniformCloud(200, 9), true],
  ] as const) {
    it(name, async () => {
      const ctx = await nodeGpu();
      const geometry = createGeometry(ctx);
      try {
        const { inputs, tokens, pos } = await geometry.runCloudToBuffers(cloud, spec, { grow });
        const cpu = computeGeometryCPU(cloud, spec, { grow });
        const want: [string, Float32Array | Int32Array][] = [
          ['points', cpu.points],
          ...spec.stages.flatMap((_, i): [string, Int32Array][] => [
            [`fps_${i + 1}`, new Int32Array(cpu.stages[i].fps)],
            [`knn_${i + 1}`, new Int32Array(cpu.stages[i].knn)],
          ]),
          ['pos', cpu.pos],
          ['cell_mask', cpu.cellMask],
          ['voxel_mask', cpu.voxelMask],
        ];
        expect(inputs.map((i) => i.name)).toEqual(want.map(([n]) => n));
        // The two arrays read back for drawing.
        expect(tokens).toEqual(cpu.tokens);
        expect(pos.length).toBe(cpu.pos.length);
        for (let j = 0; j < pos.length; j++) expect(Math.abs(pos[j] - cpu.pos[j])).toBeLessThanOrEqual(1e-5);
        for (const [i, input] of inputs.entries()) {
          const [, expected] = want[i];
          expect(input.dims.reduce((a, b) => a * b, 1)).toBe(expected.length);
          const got = await readBack(ctx, input);
          if (input.name === 'pos') {
            // Same tolerance as the projection kernel's test.
            for (let j = 0; j < expected.length; j++) expect(Math.abs(got[j] - expected[j])).toBeLessThanOrEqual(1e-5);
          } else {
            expect(got).toEqual(expected);
          }
        }
      } finally {
        geometry.dispose();
      }
    });
  }
});
