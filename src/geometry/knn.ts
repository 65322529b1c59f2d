// CPU twin of shaders/knn.wgsl: k nearest neighbours exactly as docs/geometry.md section 3.
// A bounded insertion list of the k best per centre (no sort of all N); the distance is written
// out by hand on flat per-axis copies, rounded to float32 exactly as `sq` in points.ts.
import { MAX_K } from './spec';
import { assertCount, pointCount } from './points';

const f = Math.fround;

/** For every centre index in `centres`, the `k` points of `points` nearest to it, sorted by
 * (float32 squared distance, index); returns centres.length x k indices. */
export function knn(points: Float32Array, centres: Uint32Array, k: number): Uint32Array {
  const n = pointCount(points, 'knn');
  assertCount(k, 1, 'knn: k');
  if (k > MAX_K) throw new Error(`knn: k must be at most ${MAX_K}, got ${k}`);
  const take = Math.min(n, k);
  const out = new Uint32Array(centres.length * k);
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const zs = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = points[3 * i];
    ys[i] = points[3 * i + 1];
    zs[i] = points[3 * i + 2];
  }
  const dist = new Float64Array(take);
  const nbr = new Uint32Array(take);
  for (let s = 0; s < centres.length; s++) {
    const c = centres[s];
    if (c >= n) throw new Error(`knn: centre ${s} is index ${c}, but the cloud has ${n} points`);
    const cx = xs[c];
    const cy = ys[c];
    const cz = zs[c];
    let count = 0;
    let worst = Infinity;
    // Points come in index order, so a later point with an equal distance never displaces an
    // earlier one: '<' alone realises the (distance, index) order.
    for (let i = 0; i < n; i++) {
      const dx = f(xs[i] - cx);
      const dy = f(ys[i] - cy);
      const dz = f(zs[i] - cz);
      const q = f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
      if (count === take && !(q < worst)) continue;
      let j = count < take ? count++ : take - 1;
      while (j > 0 && dist[j - 1] > q) {
        dist[j] = dist[j - 1];
        nbr[j] = nbr[j - 1];
        j--;
      }
      dist[j] = q;
      nbr[j] = i;
      if (count === take) worst = dist[take - 1];
    }
    const row = s * k;
    for (let j = 0; j < k; j++) out[row + j] = nbr[j % take];
  }
  return out;
}
