// CPU twin of shaders/fps.wgsl: farthest point sampling exactly as docs/geometry.md section 2.
// This is the literal O(N * S) algorithm; the kernel prunes work with spatial blocks but must
// return the same indices.
import { assertCount, pointCount, sq } from './points';

/** Indices of `s` points of `points` (N x 3) in FPS order; starts at 0, ties to the lowest index. */
export function fps(points: Float32Array, s: number): Uint32Array {
  const n = pointCount(points, 'fps');
  assertCount(s, 1, 'fps: sample count');
  const take = Math.min(n, s);
  const idx = new Uint32Array(s);
  const d = new Float32Array(n).fill(Infinity);
  // Chosen points get d = -1, below every real distance, so the argmax skips them.
  d[0] = -1;
  let c = 0;
  for (let t = 1; t < take; t++) {
    const cx = points[3 * c];
    const cy = points[3 * c + 1];
    const cz = points[3 * c + 2];
    let best = -1;
    let bestI = 0;
    for (let i = 0; i < n; i++) {
      let di = d[i];
      if (di >= 0) {
        const q = sq(points, i, cx, cy, cz);
        if (q < di) {
          di = q;
          d[i] = q;
        }
      }
      // Strict '>' keeps the lowest index among equal distances.
      if (di > best) {
        best = di;
        bestI = i;
      }
    }
    idx[t] = bestI;
    d[bestI] = -1;
    c = bestI;
  }
  for (let t = take; t < s; t++) idx[t] = idx[t % take];
  return idx;
}
