// CPU twin of shaders/knn.wgsl: k nearest neighbours exactly as docs/geometry.md section 3.
import { MAX_K } from './spec';
import { assertCount, pointCount, sq } from './points';

/** For every centre index in `centres`, the `k` points of `points` nearest to it, sorted by
 * (float32 squared distance, index); returns centres.length x k indices. */
export function knn(points: Float32Array, centres: Uint32Array, k: number): Uint32Array {
  const n = pointCount(points, 'knn');
  assertCount(k, 1, 'knn: k');
  if (k > MAX_K) throw new Error(`knn: k must be at most ${MAX_K}, got ${k}`);
  const take = Math.min(n, k);
  const out = new Uint32Array(centres.length * k);
  const dist = new Float32Array(take);
  const nbr = new Uint32Array(take);
  for (let s = 0; s < centres.length; s++) {
    const c = centres[s];
    if (c >= n) throw new Error(`knn: centre ${s} is index ${c}, but the cloud has ${n} points`);
    const cx = points[3 * c];
    const cy = points[3 * c + 1];
    const cz = points[3 * c + 2];
    let count = 0;
    // Points come in index order, so a later point with an equal distance never displaces an
    // earlier one: '<' alone realises the (distance, index) order.
    for (let i = 0; i < n; i++) {
      const q = sq(points, i, cx, cy, cz);
      if (count === take && !(q < dist[take - 1])) continue;
      let j = count < take ? count++ : take - 1;
      while (j > 0 && dist[j - 1] > q) {
        dist[j] = dist[j - 1];
        nbr[j] = nbr[j - 1];
        j--;
      }
      dist[j] = q;
      nbr[j] = i;
    }
    const row = s * k;
    for (let j = 0; j < k; j++) out[row + j] = nbr[j % take];
  }
  return out;
}
