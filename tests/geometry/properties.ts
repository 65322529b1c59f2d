// Property checks shared by the CPU-twin tests and the GPU tests: what any correct FPS / k-NN
// result must satisfy, independently of how it was computed.
import { expect } from 'vitest';
import { sq } from '../../src/geometry/points';

/** FPS: first = 0; distinct while N >= S; each pick maximises the distance to the chosen set
 * among the unchosen points (lowest index on ties); N < S repeats the order. */
export function assertFpsProperties(points: Float32Array, idx: Uint32Array, s: number): void {
  const n = points.length / 3;
  expect(idx.length).toBe(s);
  expect(idx[0]).toBe(0);
  const take = Math.min(n, s);
  expect(new Set(idx.subarray(0, take)).size).toBe(take);
  const d = new Float32Array(n).fill(Infinity);
  const chosen = new Uint8Array(n);
  for (let t = 0; t < take; t++) {
    const c = idx[t];
    if (t > 0) {
      let best = -1;
      let bestI = -1;
      for (let i = 0; i < n; i++) if (!chosen[i] && d[i] > best) [best, bestI] = [d[i], i];
      if (c !== bestI) throw new Error(`pick ${t} is ${c} (d=${d[c]}), but ${bestI} is farther or equal with a lower index (d=${best})`);
    }
    chosen[c] = 1;
    for (let i = 0; i < n; i++) d[i] = Math.min(d[i], sq(points, i, points[3 * c], points[3 * c + 1], points[3 * c + 2]));
  }
  for (let t = take; t < s; t++) expect(idx[t]).toBe(idx[t % take]);
}

/** k-NN: each row sorted by (distance, index), contains the centre (or an equal-position
 * duplicate at distance 0), and no unlisted point is strictly nearer than the last listed one. */
export function assertKnnProperties(points: Float32Array, centres: Uint32Array, k: number, nbr: Uint32Array): void {
  const n = points.length / 3;
  const take = Math.min(n, k);
  expect(nbr.length).toBe(centres.length * k);
  for (let s = 0; s < centres.length; s++) {
    const c = centres[s];
    const [cx, cy, cz] = [points[3 * c], points[3 * c + 1], points[3 * c + 2]];
    const row = nbr.subarray(s * k, s * k + k);
    const dist = Array.from(row.subarray(0, take), (i) => sq(points, i, cx, cy, cz));
    for (let j = 1; j < take; j++) {
      const ordered = dist[j - 1] < dist[j] || (dist[j - 1] === dist[j] && row[j - 1] < row[j]);
      if (!ordered) throw new Error(`row ${s}: slot ${j} (${row[j]}, d=${dist[j]}) is not after slot ${j - 1} (${row[j - 1]}, d=${dist[j - 1]})`);
    }
    expect(dist[0]).toBe(0);
    // The centre is listed unless `take` exact duplicates with lower indices fill the row.
    if (!row.subarray(0, take).includes(c)) {
      for (let j = 0; j < take; j++) if (dist[j] !== 0 || row[j] > c) throw new Error(`row ${s}: centre ${c} missing`);
    }
    const listed = new Set(row.subarray(0, take));
    const last = dist[take - 1];
    for (let i = 0; i < n; i++) {
      if (!listed.has(i) && sq(points, i, cx, cy, cz) < last) throw new Error(`row ${s}: point ${i} is nearer than the last neighbour`);
    }
    for (let j = take; j < k; j++) expect(row[j]).toBe(row[j % take]);
  }
}
