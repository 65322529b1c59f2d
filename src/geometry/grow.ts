// Growing a sparse cloud instead of repeating it (docs/geometry.md 1.5, RULE-grow-answer). The
// twin of training/any2point/geometry.py `grow`, equal bit for bit (tests/fixtures/geometry).
import { assertCount, pointCount } from './points';

/** A cloud is grown when it has at most N_in / GROW_BELOW points. */
export const GROW_BELOW = 3;
/** A grown point lies this far along the segment from a point to its r-th nearest other point (a
 * third, not a half, so that the pairs (i, j) and (j, i) give two points). */
export const GROW_ALONG = 1 / 3;

/** Whether a cloud of `n` points is grown for an input of `nIn` (when asked: growSparse). */
export function grows(n: number, nIn: number): boolean {
  return n >= 2 && GROW_BELOW * n <= nIn;
}

/** N x 3 (with grows(N, nIn)) -> nIn x 3: the points, then round r = 1, 2, ... adds for every point
 * i (in index order) the point GROW_ALONG of the way to its r-th nearest other point (float64
 * squared distance ((dx*dx + dy*dy) + dz*dz), ties to the lower index), computed in float64 and
 * rounded to float32, until nIn points; when the N - 1 rounds are not enough, the grown cloud
 * repeats cyclically. */
export function grow(points: Float32Array, nIn: number): Float32Array {
  const n = pointCount(points, 'grow');
  assertCount(nIn, 1, 'grow: N_in');
  if (!grows(n, nIn)) throw new Error(`grow: ${n} points is not a sparse cloud for N_in ${nIn}`);
  const rounds = Math.min(Math.ceil((nIn - n) / n), n - 1);
  const order = nearestOthers(points, n, rounds);
  const made = Math.min(n * (rounds + 1), nIn);
  const grown = new Float32Array(3 * made);
  grown.set(points.subarray(0, 3 * Math.min(n, made)));
  for (let r = 0, j = n; r < rounds && j < made; r++) {
    for (let i = 0; i < n && j < made; i++, j++) {
      const o = order[i * rounds + r];
      for (let c = 0; c < 3; c++) {
        const a = points[3 * i + c];
        grown[3 * j + c] = a + GROW_ALONG * (points[3 * o + c] - a);
      }
    }
  }
  if (made === nIn) return grown;
  const out = new Float32Array(3 * nIn);
  for (let j = 0; j < nIn; j++) out.set(grown.subarray(3 * (j % made), 3 * (j % made) + 3), 3 * j);
  return out;
}

/** For every point, its `k` nearest other points in (float64 distance, index) order: N x k. */
function nearestOthers(points: Float32Array, n: number, k: number): Uint32Array {
  const out = new Uint32Array(n * k);
  const d2 = new Float64Array(n);
  const idx = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = points[3 * j] - points[3 * i];
      const dy = points[3 * j + 1] - points[3 * i + 1];
      const dz = points[3 * j + 2] - points[3 * i + 2];
      d2[j] = j === i ? Infinity : dx * dx + dy * dy + dz * dz;
    }
    idx.sort((a, b) => d2[a] - d2[b] || a - b);
    for (let r = 0; r < k; r++) out[i * k + r] = idx[r];
  }
  return out;
}
