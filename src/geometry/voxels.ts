// CPU twin of shaders/voxels.wgsl (docs/geometry.md section 7): voxel ids of the token centres.
import { pointCount } from './points';

const f = Math.fround;

/** tokens T x 3 in [-1, 1] -> voxel ids T with V voxels per axis. */
export function voxelIds(tokens: Float32Array, v: number): Uint32Array {
  const t = pointCount(tokens, 'voxelIds');
  const size = f(v);
  const ids = new Uint32Array(t);
  const cell = (x: number) => Math.min(Math.max(Math.floor(f(f(f(x + 1) * 0.5) * size)), 0), v - 1);
  for (let i = 0; i < t; i++) {
    const vx = cell(tokens[3 * i]);
    const vy = cell(tokens[3 * i + 1]);
    const vz = cell(tokens[3 * i + 2]);
    ids[i] = (vz * v + vy) * v + vx;
  }
  return ids;
}
