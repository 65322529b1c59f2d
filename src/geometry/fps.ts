// CPU twin of shaders/fps.wgsl: farthest point sampling exactly as docs/geometry.md section 2.
// Same result as the literal O(N * S) algorithm (incremental min-distance array, argmax with ties
// to the lowest index), with the work pruned by spatial blocks like the kernel: the points are
// bucketed by a coarse grid, and a block whose bounding box is no nearer to the new centre than
// its largest current distance cannot change, so it is skipped. Skipping is exact: it only
// happens when no distance of the block would go down. The app runs this twin when WebGPU is a
// software adapter, so its speed matters.
import { blockOf, buildBlocks, lowerBound } from './blocks';
import { assertCount, pointCount } from './points';

const f = Math.fround;

/** Indices of `s` points of `points` (N x 3) in FPS order; starts at 0, ties to the lowest index. */
export function fps(points: Float32Array, s: number): Uint32Array {
  const n = pointCount(points, 'fps');
  assertCount(s, 1, 'fps: sample count');
  const take = Math.min(n, s);
  const idx = new Uint32Array(s);
  const { xs, ys, zs, index, start, box, position } = buildBlocks(points, n);
  const nb = start.length - 1;
  // Float32 values held in a Float64Array (block order): the same numbers, no rounding on stores.
  const d = new Float64Array(n).fill(Infinity);
  // Chosen points get d = -1, below every real distance, so the argmax skips them.
  d[position[0]] = -1;
  // Per block: its largest d and the lowest original index holding it (-1 / n when all chosen).
  const blockMax = new Float64Array(nb);
  const blockBest = new Uint32Array(nb);
  for (let b = 0; b < nb; b++) refreshBlock(b);
  let c = 0;
  for (let t = 1; t < take; t++) {
    const cx = points[3 * c];
    const cy = points[3 * c + 1];
    const cz = points[3 * c + 2];
    let best = -1;
    let bestI = n;
    for (let b = 0; b < nb; b++) {
      let bm = blockMax[b];
      if (bm < 0) continue;
      const bound = lowerBound(box, b, cx, cy, cz);
      if (!(bound >= bm && bound > 1e-30)) {
        // Some distance of this block may go down: update it the literal way.
        bm = -1;
        let bi = n;
        for (let p = start[b], end = start[b + 1]; p < end; p++) {
          let di = d[p];
          if (di >= 0) {
            const dx = f(xs[p] - cx);
            const dy = f(ys[p] - cy);
            const dz = f(zs[p] - cz);
            const q = f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
            if (q < di) {
              di = q;
              d[p] = q;
            }
            // Indices rise inside a block, so strict '>' keeps the lowest among equal distances.
            if (di > bm) {
              bm = di;
              bi = index[p];
            }
          }
        }
        blockMax[b] = bm;
        blockBest[b] = bi;
        if (bm < 0) continue;
      }
      const bi = blockBest[b];
      if (bm > best || (bm === best && bi < bestI)) {
        best = bm;
        bestI = bi;
      }
    }
    idx[t] = bestI;
    c = bestI;
    // Take the chosen point out and refresh its block's maximum.
    d[position[c]] = -1;
    refreshBlock(blockOf(start, position[c]));
  }
  for (let t = take; t < s; t++) idx[t] = idx[t % take];
  return idx;

  function refreshBlock(b: number): void {
    let bm = -1;
    let bi = n;
    for (let p = start[b], end = start[b + 1]; p < end; p++) {
      if (d[p] > bm) {
        bm = d[p];
        bi = index[p];
      }
    }
    blockMax[b] = bm;
    blockBest[b] = bi;
  }
}
