// CPU twin of shaders/knn.wgsl: k nearest neighbours exactly as docs/geometry.md section 3.
// A bounded insertion list of the k best per centre (no sort of all N), ordered by (float32
// squared distance, index). The points are visited block by block (src/geometry/blocks.ts) in
// widening rings around the centre; once the list is full, a block whose box is farther than the
// list's worst distance is skipped, which cannot change the result.
import { buildBlocks, lowerBound } from './blocks';
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
  const { xs, ys, zs, index, start, box } = buildBlocks(points, n);
  const nb = start.length - 1;
  const bound = new Float64Array(nb);
  const done = new Uint8Array(nb);
  const dist = new Float64Array(take);
  const nbr = new Uint32Array(take);
  let count = 0;
  for (let s = 0; s < centres.length; s++) {
    const c = centres[s];
    if (c >= n) throw new Error(`knn: centre ${s} is index ${c}, but the cloud has ${n} points`);
    const cx = points[3 * c];
    const cy = points[3 * c + 1];
    const cz = points[3 * c + 2];
    count = 0;
    let nearest = Infinity;
    for (let b = 0; b < nb; b++) {
      const lb = lowerBound(box, b, cx, cy, cz);
      // A NaN bound (non-finite coordinates) must never let a block be skipped.
      bound[b] = lb === lb ? lb : -1;
      if (bound[b] > 0 && bound[b] < nearest) nearest = bound[b];
      done[b] = 0;
    }
    // Rings: the blocks with bound <= r, r growing. When the list is full and its worst is <= r,
    // every block left has bound > r >= worst: none of its points can enter.
    let r = nearest === Infinity ? 0 : nearest;
    for (;;) {
      let left = 0;
      for (let b = 0; b < nb; b++) {
        if (done[b]) continue;
        if (bound[b] > r) {
          left++;
          continue;
        }
        done[b] = 1;
        if (count === take && bound[b] > dist[take - 1]) continue;
        scanBlock(b, cx, cy, cz);
      }
      if (left === 0 || (count === take && dist[take - 1] <= r)) break;
      r = r > 0 ? r * 4 : Infinity;
    }
    const row = s * k;
    for (let j = 0; j < k; j++) out[row + j] = nbr[j % take];
  }
  return out;

  function scanBlock(b: number, cx: number, cy: number, cz: number): void {
    for (let p = start[b], end = start[b + 1]; p < end; p++) {
      const dx = f(xs[p] - cx);
      const dy = f(ys[p] - cy);
      const dz = f(zs[p] - cz);
      const q = f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
      const i = index[p];
      // Blocks do not come in index order, so equal distances compare indices.
      if (count === take && !(q < dist[take - 1] || (q === dist[take - 1] && i < nbr[take - 1]))) continue;
      let j = count < take ? count++ : take - 1;
      while (j > 0 && (dist[j - 1] > q || (dist[j - 1] === q && nbr[j - 1] > i))) {
        dist[j] = dist[j - 1];
        nbr[j] = nbr[j - 1];
        j--;
      }
      dist[j] = q;
      nbr[j] = i;
    }
  }
}
