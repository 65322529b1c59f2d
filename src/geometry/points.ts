// Helpers shared by the CPU twins: checking point arrays and the float32 squared distance.

const f = Math.fround;

/** Number of points in an interleaved x, y, z array; throws naming `who` when it is malformed. */
export function pointCount(points: Float32Array, who: string): number {
  if (!(points instanceof Float32Array)) throw new Error(`${who}: points must be a Float32Array of x, y, z`);
  if (points.length % 3 !== 0) {
    throw new Error(`${who}: points has ${points.length} values, not a multiple of 3 (x, y, z)`);
  }
  const n = points.length / 3;
  if (n === 0) throw new Error(`${who}: the cloud has no points`);
  return n;
}

/** Throws naming `who` unless every coordinate is finite. */
export function assertFinite(points: Float32Array, who: string): void {
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new Error(`${who}: point ${Math.floor(i / 3)} has a non-finite coordinate (${points[i]})`);
    }
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function assertCount(value: number, min: number, name: string): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${value}`);
}

/** ((dx*dx + dy*dy) + dz*dz) with every operation rounded to float32 (docs/geometry.md). */
export function sq(p: Float32Array, i: number, cx: number, cy: number, cz: number): number {
  const dx = f(p[3 * i] - cx);
  const dy = f(p[3 * i + 1] - cy);
  const dz = f(p[3 * i + 2] - cz);
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}

/** points[idx], as a new interleaved array. */
export function gather(points: Float32Array, idx: Uint32Array): Float32Array {
  const out = new Float32Array(idx.length * 3);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    out[3 * j] = points[3 * i];
    out[3 * j + 1] = points[3 * i + 1];
    out[3 * j + 2] = points[3 * i + 2];
  }
  return out;
}
