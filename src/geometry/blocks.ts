// Spatial blocks shared by the CPU twins of FPS and k-NN: the points bucketed by a coarse grid
// (about PER_BLOCK points per non-empty cell), copied into block order with a bounding box per
// block, so a twin can skip a block whose box is provably too far to matter. Skipping against
// `lowerBound` is exact: a float32 squared distance is never below it.

/** A float32 squared distance is at least the exact one times this (five roundings of 2^-24,
 * with room to spare). */
const LOWER = 1 - 2 ** -20;
/** Points per grid cell the grid aims for. */
const PER_BLOCK = 24;

export interface Blocks {
  /** Coordinates and original indices in block order (indices rising inside each block). */
  xs: Float32Array;
  ys: Float32Array;
  zs: Float32Array;
  index: Uint32Array;
  /** Block b holds positions start[b] .. start[b + 1] - 1. */
  start: Uint32Array;
  /** Per block: min x, y, z, max x, y, z of its points. */
  box: Float64Array;
  /** Position of every original index. */
  position: Uint32Array;
}

export function buildBlocks(points: Float32Array, n: number): Blocks {
  let lx = Infinity, ly = Infinity, lz = Infinity, hx = -Infinity, hy = -Infinity, hz = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
    if (x < lx) lx = x;
    if (x > hx) hx = x;
    if (y < ly) ly = y;
    if (y > hy) hy = y;
    if (z < lz) lz = z;
    if (z > hz) hz = z;
  }
  const g = Math.max(1, Math.round(Math.cbrt(n / PER_BLOCK)));
  // Non-finite coordinates (or a non-finite extent) put everything in one block.
  const sx = hx > lx && Number.isFinite(hx - lx) ? g / (hx - lx) : 0;
  const sy = hy > ly && Number.isFinite(hy - ly) ? g / (hy - ly) : 0;
  const sz = hz > lz && Number.isFinite(hz - lz) ? g / (hz - lz) : 0;
  const axis = (v: number, lo: number, scale: number) => {
    const c = Math.floor((v - lo) * scale);
    return c >= 0 && c < g ? c : c >= g ? g - 1 : 0;
  };
  const cellOf = new Uint32Array(n);
  const counts = new Uint32Array(g * g * g + 1);
  for (let i = 0; i < n; i++) {
    const c = (axis(points[3 * i + 2], lz, sz) * g + axis(points[3 * i + 1], ly, sy)) * g + axis(points[3 * i], lx, sx);
    cellOf[i] = c;
    counts[c + 1]++;
  }
  // Keep only non-empty cells as blocks; counting sort keeps indices rising inside each block.
  const blockOfCell = new Int32Array(g * g * g).fill(-1);
  let nb = 0;
  for (let c = 0; c < g * g * g; c++) if (counts[c + 1] > 0) blockOfCell[c] = nb++;
  const start = new Uint32Array(nb + 1);
  for (let c = 0; c < g * g * g; c++) if (blockOfCell[c] >= 0) start[blockOfCell[c] + 1] = counts[c + 1];
  for (let b = 0; b < nb; b++) start[b + 1] += start[b];
  const fill = start.slice(0, nb);
  const xs = new Float32Array(n), ys = new Float32Array(n), zs = new Float32Array(n);
  const index = new Uint32Array(n);
  const position = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = fill[blockOfCell[cellOf[i]]]++;
    xs[p] = points[3 * i];
    ys[p] = points[3 * i + 1];
    zs[p] = points[3 * i + 2];
    index[p] = i;
    position[i] = p;
  }
  const box = new Float64Array(nb * 6);
  for (let b = 0; b < nb; b++) {
    let bx = Infinity, by = Infinity, bz = Infinity, ex = -Infinity, ey = -Infinity, ez = -Infinity;
    for (let p = start[b]; p < start[b + 1]; p++) {
      bx = Math.min(bx, xs[p]);
      by = Math.min(by, ys[p]);
      bz = Math.min(bz, zs[p]);
      ex = Math.max(ex, xs[p]);
      ey = Math.max(ey, ys[p]);
      ez = Math.max(ez, zs[p]);
    }
    box.set([bx, by, bz, ex, ey, ez], b * 6);
  }
  return { xs, ys, zs, index, start, box, position };
}

/** A lower bound on the float32 squared distance from (cx, cy, cz) to any point of block b. */
export function lowerBound(box: Float64Array, b: number, cx: number, cy: number, cz: number): number {
  const o = b * 6;
  const gx = Math.max(box[o] - cx, cx - box[o + 3], 0);
  const gy = Math.max(box[o + 1] - cy, cy - box[o + 4], 0);
  const gz = Math.max(box[o + 2] - cz, cz - box[o + 5], 0);
  return (gx * gx + gy * gy + gz * gz) * LOWER;
}

/** The block holding position `p` (binary search over the block starts). */
export function blockOf(start: Uint32Array, p: number): number {
  let lo = 0;
  let hi = start.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid] <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
