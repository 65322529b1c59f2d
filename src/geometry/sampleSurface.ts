// Meshes become point clouds by sampling their surface uniformly: a triangle is picked with
// probability proportional to its area, then a point uniformly inside it. Seeded, so the same mesh
// gives the same cloud every time.
import type { Mesh, PointCloud } from '../types/cloud';
import { createRandom } from './random';

export interface SurfaceSampler {
  /** Total surface area (float64). */
  area: number;
  sample(count: number, seed: number): PointCloud;
}

/** Cumulative triangle areas; the last entry is the total. Degenerate triangles add nothing, so
 * they are never picked. */
/** (B - A) x (C - A) for the vertices starting at float offsets a, b, c: twice the area, along the normal. */
function triangleCross(positions: Float32Array, a: number, b: number, c: number): [number, number, number] {
  const ux = positions[b]! - positions[a]!;
  const uy = positions[b + 1]! - positions[a + 1]!;
  const uz = positions[b + 2]! - positions[a + 2]!;
  const vx = positions[c]! - positions[a]!;
  const vy = positions[c + 1]! - positions[a + 1]!;
  const vz = positions[c + 2]! - positions[a + 2]!;
  return [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
}

function cumulativeAreas(positions: Float32Array, indices: Uint32Array): Float64Array {
  const triangles = indices.length / 3;
  const cdf = new Float64Array(triangles);
  let total = 0;
  for (let t = 0; t < triangles; t++) {
    const [cx, cy, cz] = triangleCross(positions, indices[3 * t]! * 3, indices[3 * t + 1]! * 3, indices[3 * t + 2]! * 3);
    total += 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    cdf[t] = total;
  }
  return cdf;
}

/** First triangle whose cumulative area exceeds `target`. */
function pick(cdf: Float64Array, target: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function createSurfaceSampler(mesh: Mesh): SurfaceSampler {
  const { positions, indices, colors } = mesh;
  const cdf = cumulativeAreas(positions, indices);
  const area = cdf.length > 0 ? cdf[cdf.length - 1]! : 0;

  function sample(count: number, seed: number): PointCloud {
    if (!(area > 0) || !Number.isFinite(area)) {
      throw new RangeError(`cannot sample a surface of area ${area}`);
    }
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`sample count must be a positive integer, got ${count}`);
    const random = createRandom(seed);
    const out = new Float32Array(count * 3);
    const normals = new Float32Array(count * 3);
    const outColors = colors !== undefined ? new Float32Array(count * 3) : undefined;
    for (let s = 0; s < count; s++) {
      const t = pick(cdf, random() * area);
      const a = indices[3 * t]! * 3;
      const b = indices[3 * t + 1]! * 3;
      const c = indices[3 * t + 2]! * 3;
      // Uniform in the triangle: weights (1 - sqrt(r1), sqrt(r1) (1 - r2), sqrt(r1) r2).
      const root = Math.sqrt(random());
      const r2 = random();
      const wa = 1 - root;
      const wb = root * (1 - r2);
      const wc = root * r2;
      const o = 3 * s;
      for (let k = 0; k < 3; k++) {
        out[o + k] = wa * positions[a + k]! + wb * positions[b + k]! + wc * positions[c + k]!;
        if (outColors !== undefined) {
          outColors[o + k] = wa * colors![a + k]! + wb * colors![b + k]! + wc * colors![c + k]!;
        }
      }
      const [nx, ny, nz] = triangleCross(positions, a, b, c);
      const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
      normals[o] = nx / len;
      normals[o + 1] = ny / len;
      normals[o + 2] = nz / len;
    }
    return { positions: out, normals, colors: outColors, count };
  }

  return { area, sample };
}

/** `count` points on the surface of `mesh`, area-weighted, reproducible for a given seed. */
export function sampleSurface(mesh: Mesh, count: number, seed: number): PointCloud {
  return createSurfaceSampler(mesh).sample(count, seed);
}
