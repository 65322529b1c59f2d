// Several objects on one floor, or side by side in a scene file whose format fixes the up (a
// .blend: finish.ts runs the rule along it without a floor; docs/io.md "Several objects"). A room scan or a phone capture of
// a corner keeps what stands beside the shape: once the floor is left out (floor.ts) they lie
// apart, and the model, which knows one shape at a time, reads them as one strange shape and can
// be sure of it. The loaders find them so that the page can offer each alone and the answer for
// the whole says it is not one shape; they leave every point in.
//
// The rule, after the clean-up and only when a floor was found under the cloud:
// 1. Fewer than OBJECTS.minPoints points: none. A cloud of more than OBJECTS.sample points is
//    looked at through a seeded uniform subset of them, for a bounded cost.
// 2. Cells of side h = s x OBJECTS.cellPerRootN / sqrt(m), s the lower-median distance of the m
//    looked-at points from their mean: a few times the spacing of a surface sampled by m points.
// 3. Pieces: a flood fill over the occupied cells' 26-neighbourhood; each point of the cloud
//    belongs to its cell's piece, or, when no looked-at point shares its cell, to a neighbouring
//    cell's (none when no neighbour is occupied either).
// 4. Objects: pieces holding at least OBJECTS.minShare of the points whose lowest point (along
//    the floor's up) lies within OBJECTS.stand x the cloud's largest side of the cloud's lowest:
//    they stand on the floor. Two or more: the cloud is several objects.
//
// Gated on the floor because a partial scan of one shape falls apart too (a chair seen from one
// side: its seat and the legs behind it), and its pieces need not stand level: on the validation
// clouds cut or seen from one view, pieces of 10 % and more fire on 3 to 7 % of them without it,
// and on none with it (training/probes/scene.py).

import { sampleIndices } from '../geometry/random';
import { select } from './orderStatistics';
import { selectRows } from './rows';
import type { PointCloud } from '../types/cloud';
import type { UpName } from './floor';

export const OBJECTS = {
  minPoints: 64,
  /** At most this many points are looked at (an even subset of a larger cloud): cells sized for a
   * few times their spacing are about 1/30 of the cloud's spread, so a noisy surface's thickness
   * does not break it into bits. */
  sample: 20_000,
  cellPerRootN: 5,
  /** An object holds at least this share of the points ... */
  minShare: 0.1,
  /** ... and its lowest point is this share of the cloud's largest side above the cloud's lowest. */
  stand: 0.05,
} as const;

export interface Objects {
  /** labels[i] = k (1-based) when point i belongs to object k, 0 when to none; objects in order of
   * their point counts, the largest first. */
  labels: Uint8Array;
  /** Points of each object: sizes[k - 1] for object k. */
  sizes: number[];
}

const NEIGHBOURS: readonly (readonly [number, number, number])[] = [-1, 0, 1].flatMap((a) =>
  [-1, 0, 1].flatMap((b) => [-1, 0, 1].map((e) => [a, b, e] as const)),
).filter(([a, b, e]) => a !== 0 || b !== 0 || e !== 0);

/** Height along a floor's up (floor.ts's names: -y is y down). */
function heightOf(positions: Float32Array, i: number, up: UpName): number {
  if (up === 'z') return positions[3 * i + 2]!;
  const y = positions[3 * i + 1]!;
  return up === 'y' ? y : -y;
}

/** The separate objects standing on the floor a cloud was found on; null when there are fewer than two. */
export function findObjects(positions: Float32Array, up: UpName): Objects | null {
  const n = Math.floor(positions.length / 3);
  if (n < OBJECTS.minPoints) return null;
  // The points looked at: all, or a seeded uniform subset (not every k-th point: a file may
  // interleave its objects' points).
  const looked = n <= OBJECTS.sample ? null : sampleIndices(n, OBJECTS.sample, n);
  const m = looked === null ? n : looked.length;
  const at = (j: number) => (looked === null ? j : looked[j]!);

  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const v = positions[3 * i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  for (let j = 0; j < m; j++) for (let k = 0; k < 3; k++) mean[k]! += positions[3 * at(j) + k]!;
  for (let k = 0; k < 3; k++) mean[k]! /= m;
  const d = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = at(j);
    const x = positions[3 * i]! - mean[0]!;
    const y = positions[3 * i + 1]! - mean[1]!;
    const z = positions[3 * i + 2]! - mean[2]!;
    d[j] = Math.sqrt(x * x + y * y + z * z);
  }
  const s = select(d, (m - 1) >>> 1);
  if (!(s > 0)) return null;
  const h = (s * OBJECTS.cellPerRootN) / Math.sqrt(m);
  // Cells per axis, with a spare one on either side so a neighbour's key never wraps onto another cell.
  const side = [0, 1, 2].map((k) => Math.floor((max[k]! - min[k]!) / h) + 3);
  // A few far points over a tiny median (strays keep up to a quarter): cell keys past float64's integers.
  if (side[0]! * side[1]! * side[2]! > 2 ** 52) return null;
  const cellAt = (x: number, y: number, z: number) => (x * side[1]! + y) * side[2]! + z;
  const cellOf = (i: number) =>
    cellAt(
      Math.floor((positions[3 * i]! - min[0]!) / h) + 1,
      Math.floor((positions[3 * i + 1]! - min[1]!) / h) + 1,
      Math.floor((positions[3 * i + 2]! - min[2]!) / h) + 1,
    );
  const neighboursOf = (key: number): number[] => {
    const z = key % side[2]!;
    const y = Math.floor(key / side[2]!) % side[1]!;
    const x = Math.floor(key / (side[1]! * side[2]!));
    return NEIGHBOURS.map(([a, b, e]) => cellAt(x + a, y + b, z + e));
  };
  /** The occupied cell of point i, else of one of its 26 neighbours (a point between the looked-at ones). */
  const occupiedNear = (i: number): number | undefined => {
    const key = cellOf(i);
    const own = index.get(key);
    if (own !== undefined) return own;
    for (const near of neighboursOf(key)) {
      const g = index.get(near);
      if (g !== undefined) return g;
    }
    return undefined;
  };

  // The looked-at points' cells, each given an index in order of first appearance.
  const index = new Map<number, number>();
  const keys: number[] = [];
  for (let j = 0; j < m; j++) {
    const key = cellOf(at(j));
    if (!index.has(key)) {
      index.set(key, keys.length);
      keys.push(key);
    }
  }
  const piece = new Int32Array(keys.length).fill(-1);
  let pieces = 0;
  const stack: number[] = [];
  for (let start = 0; start < keys.length; start++) {
    if (piece[start]! >= 0) continue;
    piece[start] = pieces;
    stack.push(start);
    while (stack.length > 0) {
      for (const near of neighboursOf(keys[stack.pop()!]!)) {
        const g = index.get(near);
        if (g !== undefined && piece[g]! < 0) {
          piece[g] = pieces;
          stack.push(g);
        }
      }
    }
    pieces++;
  }
  if (pieces < 2) return null;

  // Every point's piece (-1: no looked-at point in its cell or next to it), each piece's size and lowest point.
  const of = new Int32Array(n);
  const size = new Float64Array(pieces);
  const lowest = new Float64Array(pieces).fill(Infinity);
  let floorHeight = Infinity;
  for (let i = 0; i < n; i++) {
    const cell = looked === null ? index.get(cellOf(i)) : occupiedNear(i);
    const p = cell === undefined ? -1 : piece[cell]!;
    of[i] = p;
    const height = heightOf(positions, i, up);
    if (height < floorHeight) floorHeight = height;
    if (p < 0) continue;
    size[p]!++;
    if (height < lowest[p]!) lowest[p] = height;
  }
  const largestSide = Math.max(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!);
  const objects = [...size.keys()]
    .filter((p) => size[p]! >= OBJECTS.minShare * n && lowest[p]! - floorHeight <= OBJECTS.stand * largestSide)
    .sort((a, b) => size[b]! - size[a]! || a - b);
  if (objects.length < 2) return null;
  const label = new Uint8Array(pieces);
  objects.forEach((p, k) => (label[p] = k + 1));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (of[i]! >= 0) labels[i] = label[of[i]!]!;
  return { labels, sizes: objects.map((p) => size[p]!) };
}

/** `Parsed.up` for a scene file whose format fixes `up` (finish.ts looks for objects side by side
 * along it): given only when the file places two or more meshes. One mesh may be a scan (a phone
 * capture exported as glTF or FBX), and a partial scan of one shape falls apart too: on ModelNet40
 * training shapes seen from one view the rule fires on 4.55 % of them, cut by a plane on 1.45 %,
 * whole on 0.24 % (scripts/probe-objects-up.ts). */
export function sceneUp(up: UpName, meshes: number): { up?: UpName } {
  return meshes >= 2 ? { up } : {};
}

/** Object k's points (1-based, as in `labels`), with their colours and normals. */
export function objectCloud(cloud: PointCloud, labels: Uint8Array, k: number): PointCloud {
  const keep = labels.map((label) => (label === k ? 1 : 0));
  return selectRows(cloud, keep, keep.reduce((sum, v) => sum + v, 0));
}

/** The mean of a cloud's points. */
export function centreOf(cloud: PointCloud): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < cloud.count; i++) for (let k = 0; k < 3; k++) sum[k]! += cloud.positions[3 * i + k]!;
  return [sum[0]! / cloud.count, sum[1]! / cloud.count, sum[2]! / cloud.count];
}
