// The whole geometry stage on the CPU (docs/geometry.md): normalise -> resample -> tokenizer
// stages -> projection -> cells -> voxels. The reference the GPU chain and the PyTorch fixtures
// are compared with, and the fallback when WebGPU is missing.
import { cellIds, meanPooling, sameIdMask } from './cells';
import { hierarchy } from './hierarchy';
import { normalise, resample, type UpAxis } from './normalise';
import { project1d, project2d } from './project';
import { tokenCount, type GeometryOutput, type GeometrySpec } from './spec';
import { voxelIds } from './voxels';
import { pointCount } from './points';

export interface GeometryOptions {
  /** The file's up axis (default 'z'). */
  up?: UpAxis;
  /** A cloud of at most N_in / 3 points grown instead of repeated (grow.ts; default false). */
  grow?: boolean;
}

/** Raw cloud (N x 3, any N >= 1) -> everything the network needs, for one cloud (batch = 1). */
export function computeGeometryCPU(points: Float32Array, spec: GeometrySpec, options: GeometryOptions = {}): GeometryOutput {
  const x0 = resample(normalise(points, options.up ?? 'z'), spec.points, options.grow);
  return geometryOfNormalisedCPU(x0, spec);
}

/** Already normalised and resampled cloud (N_in x 3) -> geometry, for one cloud (batch = 1). */
export function geometryOfNormalisedCPU(points: Float32Array, spec: GeometrySpec): GeometryOutput {
  const n = pointCount(points, 'geometry');
  if (n !== spec.points) throw new Error(`geometry: expected ${spec.points} points (geometry.points), got ${n}`);
  const { stages, tokens } = hierarchy(points, spec.stages);
  const t = tokenCount(spec);
  const p = spec.projection;
  const pos = p.kind === '1d' ? project1d(tokens, p.lines, p.length) : project2d(tokens, p.views, p.distance, p.grid);
  const cells = cellIds(pos, p);
  const cellMask = sameIdMask(cells, t);
  const voxels = voxelIds(tokens, spec.voxels);
  return {
    batch: 1,
    points,
    stages,
    tokens,
    pos,
    cells,
    cellMask,
    cellMean: meanPooling(cellMask, t),
    voxels,
    voxelMask: sameIdMask(voxels, t),
  };
}
