// CPU twin of shaders/fps.wgsl: farthest point sampling exactly as docs/geometry.md section 2.
// The literal O(N * S) algorithm with an incremental min-distance array; the kernel prunes work
// with spatial blocks but must return the same indices. The hot loop is written out by hand on
// flat per-axis copies (no calls, no allocation): the app runs this twin when WebGPU is a
// software adapter, so its speed matters. Every operation is rounded to float32 exactly as
// `sq` in points.ts does.
import { assertCount, pointCount } from './points';

const f = Math.fround;

/** Indices of `s` points of `points` (N x 3) in FPS order; starts at 0, ties to the lowest index. */
export function fps(points: Float32Array, s: number): Uint32Array {
  const n = pointCount(points, 'fps');
  assertCount(s, 1, 'fps: sample count');
  const take = Math.min(n, s);
  const idx = new Uint32Array(s);
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const zs = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = points[3 * i];
    ys[i] = points[3 * i + 1];
    zs[i] = points[3 * i + 2];
  }
  // Float32 values held in a Float64Array: the same numbers, without a rounding on every store.
  const d = new Float64Array(n).fill(Infinity);
  // Chosen points get d = -1, below every real distance, so the argmax skips them.
  d[0] = -1;
  let c = 0;
  for (let t = 1; t < take; t++) {
    const cx = xs[c];
    const cy = ys[c];
    const cz = zs[c];
    let best = -1;
    let bestI = 0;
    for (let i = 0; i < n; i++) {
      let di = d[i];
      if (di >= 0) {
        const dx = f(xs[i] - cx);
        const dy = f(ys[i] - cy);
        const dz = f(zs[i] - cz);
        const q = f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
        if (q < di) {
          di = q;
          d[i] = q;
        }
        // Strict '>' keeps the lowest index among equal distances.
        if (di > best) {
          best = di;
          bestI = i;
        }
      }
    }
    idx[t] = bestI;
    d[bestI] = -1;
    c = bestI;
  }
  for (let t = take; t < s; t++) idx[t] = idx[t % take];
  return idx;
}
