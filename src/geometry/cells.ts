// CPU twin of shaders/cells.wgsl (docs/geometry.md section 6): cell / segment ids per view and the
// pooling operators handed to the network.
import { cellsPerAxis, posWidth, type ProjectionSpec } from './spec';

const f = Math.fround;

/** pos (M x T, or M x T x 2) -> cell ids M x T. */
export function cellIds(pos: Float32Array, projection: ProjectionSpec): Uint32Array {
  const width = posWidth(projection);
  const count = pos.length / width;
  const nc = cellsPerAxis(projection);
  const size = f(projection.cell);
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const cx = Math.min(Math.floor(f(pos[width * i] / size)), nc - 1);
    if (width === 1) {
      ids[i] = cx;
    } else {
      const cy = Math.min(Math.floor(f(pos[2 * i + 1] / size)), nc - 1);
      ids[i] = cy * nc + cx;
    }
  }
  return ids;
}

/** ids (G groups x T) -> mask G x T x T with 1 where two tokens share the id. */
export function sameIdMask(ids: Uint32Array, t: number): Float32Array {
  const groups = ids.length / t;
  const mask = new Float32Array(groups * t * t);
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < t; i++) {
      const row = (g * t + i) * t;
      const id = ids[g * t + i];
      for (let j = 0; j < t; j++) mask[row + j] = ids[g * t + j] === id ? 1 : 0;
    }
  }
  return mask;
}

/** mask (G x T x T) -> mask divided by its row sums (mean pooling over the cell). */
export function meanPooling(mask: Float32Array, t: number): Float32Array {
  const mean = new Float32Array(mask.length);
  for (let row = 0; row < mask.length; row += t) {
    let count = 0;
    for (let j = 0; j < t; j++) count += mask[row + j];
    for (let j = 0; j < t; j++) mean[row + j] = f(mask[row + j] / count);
  }
  return mean;
}
