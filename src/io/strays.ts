// Stray pieces: small bits of a cloud that lie apart from the shape (docs/io.md "Stray pieces").
// A phone scan's floaters or a stray vertex a few radii out shrink the shape the model sees (it is
// scaled into the unit sphere by its farthest point) and take a token of their own; the loaders
// leave them out. Twin of training/any2point/strays.py (the rule is written out there), tested on
// the same fixture (tests/fixtures/strays.json), so a folder trained on in Python is the cloud
// the app shows.

import { select } from './orderStatistics';

export const STRAYS = {
  /** Clouds with fewer points are kept whole. */
  minPoints: 32,
  /** Cell size: s x max(cellPerRootN / sqrt(N), minCell), s the lower-median distance from the mean. */
  cellPerRootN: 12,
  minCell: 0.25,
  /** Cells per axis on either side of the mean; farther points share the outermost cells. */
  gridHalf: 64,
  /** Pieces holding fewer than this share of the points are left out ... */
  piece: 0.01,
  /** ... unless that is more than this share in all (a cloud of scattered bits stays whole). */
  cap: 0.25,
} as const;

export interface Strays {
  /** 1 for every point left out; null when none is. */
  drop: Uint8Array | null;
  points: number;
  pieces: number;
}

const SIDE = 2 * STRAYS.gridHalf + 1;
const NONE: Strays = { drop: null, points: 0, pieces: 0 };

/** The stray pieces of a cloud of `positions` (xyz float32): which points, how many pieces. */
export function findStrays(positions: Float32Array): Strays {
  const n = Math.floor(positions.length / 3);
  if (n < STRAYS.minPoints) return NONE;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  for (let i = 0; i < n; i++) {
    sx += positions[3 * i]!;
    sy += positions[3 * i + 1]!;
    sz += positions[3 * i + 2]!;
  }
  const c = [sx / n, sy / n, sz / n] as const;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i]! - c[0];
    const y = positions[3 * i + 1]! - c[1];
    const z = positions[3 * i + 2]! - c[2];
    d[i] = Math.sqrt(x * x + y * y + z * z);
  }
  const s = select(d, (n - 1) >>> 1);
  if (s === 0) return NONE;
  const h = s * Math.max(STRAYS.cellPerRootN / Math.sqrt(n), STRAYS.minCell);

  const cellOf = new Uint32Array(n);
  const count = new Uint32Array(SIDE * SIDE * SIDE);
  const half = STRAYS.gridHalf;
  const axis = (v: number, centre: number) => Math.min(half, Math.max(-half, Math.floor((v - centre) / h))) + half;
  const occupied: number[] = [];
  for (let i = 0; i < n; i++) {
    const f =
      (axis(positions[3 * i]!, c[0]) * SIDE + axis(positions[3 * i + 1]!, c[1])) * SIDE + axis(positions[3 * i + 2]!, c[2]);
    cellOf[i] = f;
    if (count[f]++ === 0) occupied.push(f);
  }

  // Pieces: a flood fill over the occupied cells' 26-neighbourhood.
  const piece = new Int32Array(count.length).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (const start of occupied) {
    if (piece[start]! >= 0) continue;
    const id = sizes.length;
    let size = 0;
    piece[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const f = stack.pop()!;
      size += count[f]!;
      const x = Math.floor(f / (SIDE * SIDE));
      const y = Math.floor(f / SIDE) % SIDE;
      const z = f % SIDE;
      for (let a = -1; a <= 1; a++) {
        for (let b = -1; b <= 1; b++) {
          for (let e = -1; e <= 1; e++) {
            const u = x + a;
            const v = y + b;
            const w = z + e;
            if (u < 0 || v < 0 || w < 0 || u >= SIDE || v >= SIDE || w >= SIDE) continue;
            const g = (u * SIDE + v) * SIDE + w;
            if (count[g]! > 0 && piece[g]! < 0) {
              piece[g] = id;
              stack.push(g);
            }
          }
        }
      }
    }
    sizes.push(size);
  }

  const small = sizes.map((size) => size < STRAYS.piece * n);
  const pieces = small.filter(Boolean).length;
  if (pieces === 0) return NONE;
  const drop = new Uint8Array(n);
  let points = 0;
  for (let i = 0; i < n; i++) {
    if (small[piece[cellOf[i]!]!]) {
      drop[i] = 1;
      points++;
    }
  }
  if (points > STRAYS.cap * n) return NONE;
  return { drop, points, pieces };
}
