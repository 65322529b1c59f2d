// The room around a scanned shape: the floor it stands on (floor.ts) and the walls behind it. A
// chair scanned against a wall or a lamp in a corner keeps the wall, and the model read it as part
// of the shape (100 validation clouds through the CLI, 86 right clean; with a floor and a wall
// behind, 15 % of the points each, 28 with the floor rule alone, 75 with this; in a corner 21 and
// 56: training/probes/room.py). The rule, step by step, is the docstring of its twin, training/any2point/room.py; both leave out the same points of tests/fixtures/room.json.
//
// A wall is taken only with a floor under the same up: a shape on its own has vertical faces that
// look like a wall from behind (a bookshelf's back, an aeroplane's wings under the wrong up).
import { FLOOR, type Plane, UPS, type UpName, findFloor, fitSlab, floorAlong, largestSide, shiftedCoordinates, where } from './floor';
import { quantile } from './orderStatistics';

export const ROOM = {
  /** Horizontal directions a wall is looked for in (every 11.25 degrees; the fit takes about 6
   * degrees either side). */
  headings: 32,
  /** Shares of the points: the wall's slab at least, what is in front of it at least (restShare),
   * the shape in front (above the floor) at least (few), what lies behind it at most. */
  minShare: 0.05,
  restShare: 0.1,
  few: 0.05,
  below: 0.02,
  /** The shape in front: points higher than lift x size over the front's low end. */
  lift: 0.02,
  /** Along the wall, its reach beyond the shape on one side (margin) and the other (reach), as
   * shares of the shape's width. */
  margin: 0.1,
  reach: -0.1,
  /** The wall reaches down to within ground x the front's height of its low end, and up at least
   * tall x that height. */
  ground: 0.1,
  tall: 0.5,
  /** A wall's points fill at least cover of the cells of a coverGrid x coverGrid grid over it (an L
   * of two faces puts a strip of points along the far side, not a plane). */
  coverGrid: 8,
  cover: 0.5,
  maxWalls: 2,
  /** The wall is looked for on at most about this many of the points (every k-th). */
  sample: 4096,
} as const;

/** Unit directions from integer pairs round(1000 cos t), round(1000 sin t), t = 2 pi k / headings
 * (the twin computes the same integers), normalised by a correctly rounded square root. */
const DIRECTIONS: readonly (readonly [number, number])[] = Array.from({ length: ROOM.headings }, (_, k) => {
  const t = (2 * Math.PI * k) / ROOM.headings;
  const ia = Math.round(1000 * Math.cos(t)) + 0;
  const ib = Math.round(1000 * Math.sin(t)) + 0;
  const norm = Math.sqrt(ia * ia + ib * ib);
  return [ia / norm, ib / norm] as const;
});

export interface Room {
  /** 1 for every point of the floor or a wall; null when neither was found. */
  drop: Uint8Array | null;
  floorPoints: number;
  wallPoints: number;
  walls: number;
  /** The up the floor lies across. */
  axis: UpName | null;
}

const NONE: Room = { drop: null, floorPoints: 0, wallPoints: 0, walls: 0, axis: null };

/** The points `rows` of `positions` as their own cloud, coordinate `negate` negated (-1: none;
 * y down's walls and floor are looked for on the cloud with y negated). */
function subset(positions: Float32Array, rows: Int32Array, negate = -1): Float32Array {
  const out = new Float32Array(rows.length * 3);
  for (let j = 0; j < rows.length; j++) out.set(positions.subarray(3 * rows[j]!, 3 * rows[j]! + 3), 3 * j);
  if (negate >= 0) for (let i = negate; i < out.length; i += 3) out[i] = -out[i]!;
  return out;
}

function column(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => values[i]!);
}

/** The share of the coverGrid x coverGrid cells over [ulo, uhi] x [vlo, vhi] that hold a point
 * (points outside count in the edge cells): a wall is a filled plane, not the edges of two. */
function cover(u: Float64Array, v: Float64Array, ulo: number, uhi: number, vlo: number, vhi: number): number {
  const g = ROOM.coverGrid;
  const cell = (x: number, lo: number, hi: number) => (hi > lo ? Math.min(Math.max(Math.floor(((x - lo) / (hi - lo)) * g), 0), g - 1) : 0);
  const seen = new Uint8Array(g * g);
  for (let i = 0; i < u.length; i++) seen[cell(u[i]!, ulo, uhi) * g + cell(v[i]!, vlo, vhi)] = 1;
  let k = 0;
  for (const x of seen) k += x;
  return k / (g * g);
}

/** The wall behind the shape under `up` (room.py step 3): its points, indices into `p`, or null.
 * Looked for on every k-th point, k = ceil(n / sample), then drawn on every point. */
function wallIn(p: Float32Array, up: number, size: number): Int32Array | null {
  const n = p.length / 3;
  const [a, b] = [0, 1, 2].filter((k) => k !== up) as [number, number];
  const step = Math.ceil(n / ROOM.sample);
  const m = Math.ceil(n / step);
  const at = (j: number, k: number) => p[3 * j * step + k]!;
  let vmin = Infinity;
  for (let j = 0; j < m; j++) vmin = Math.min(vmin, at(j, up));
  const v = Float64Array.from({ length: m }, (_, j) => at(j, up) - vmin);
  let best: { da: number; db: number; pmax: number; umin: number; plane: Plane; med: number; tol: number; rl: number; rh: number } | null = null;
  let bestOver = -Infinity;
  const proj = new Float64Array(m);
  const along = new Float64Array(m);
  for (const [da, db] of DIRECTIONS) {
    let pmax = -Infinity, umin = Infinity;
    for (let j = 0; j < m; j++) {
      const x = at(j, a), y = at(j, b);
      proj[j] = x * da + y * db;
      along[j] = x * -db + y * da;
      if (proj[j]! > pmax) pmax = proj[j]!;
      if (along[j]! < umin) umin = along[j]!;
    }
    const h = Float64Array.from(proj, (x) => pmax - x);
    const u = Float64Array.from(along, (x) => x - umin);
    const fit = fitSlab(u, v, h, size);
    if (fit === null) continue;
    const { r, med, tol } = fit;
    const slab = where(m, (i) => Math.abs(r[i]! - med) <= tol);
    const front = where(m, (i) => r[i]! - med > FLOOR.above * tol);
    let behind = 0;
    for (let i = 0; i < m; i++) if (r[i]! - med < -tol) behind++;
    if (slab.length < ROOM.minShare * m || front.length < ROOM.restShare * m || behind > ROOM.below * m) continue;
    const frontV = column(v, front);
    const vlo = quantile(frontV, FLOOR.restQ);
    const vhi = quantile(frontV, 1 - FLOOR.restQ);
    const shape = front.filter((i) => v[i]! - vlo > ROOM.lift * size);
    if (shape.length < ROOM.few * m) continue;
    const shapeU = column(u, shape);
    const slabU = column(u, slab);
    const rl = quantile(shapeU, FLOOR.restQ);
    const rh = quantile(shapeU, 1 - FLOOR.restQ);
    const sl = quantile(slabU, FLOOR.slabQ);
    const sh = quantile(slabU, 1 - FLOOR.slabQ);
    const w = Math.max(rh - rl, 1e-12);
    const left = (rl - sl) / w;
    const right = (sh - rh) / w;
    if (Math.max(left, right) < ROOM.margin || Math.min(left, right) < ROOM.reach) continue;
    const height = Math.max(vhi - vlo, 1e-12);
    const slabV = column(v, slab);
    const svl = quantile(slabV, FLOOR.slabQ);
    const svh = quantile(slabV, 1 - FLOOR.slabQ);
    if (svl - vlo > ROOM.ground * height || svh - vlo < ROOM.tall * height) continue;
    // quantile() reorders the arrays it is given, so the pairs are taken afresh.
    if (cover(column(u, slab), column(v, slab), sl, sh, svl, svh) < ROOM.cover) continue;
    const over = Math.max(left, right);
    if (over > bestOver) {
      bestOver = over;
      best = { da, db, pmax, umin, plane: fit.plane, med, tol, rl, rh };
    }
  }
  if (best === null) return null;
  // Step 4 on every point: the slab, and beside the shape what is no further than above x tol in front.
  const { da, db, pmax, umin, plane: [ca, cb, cc], med, tol, rl, rh } = best;
  return where(n, (i) => {
    const x = p[3 * i + a]!, y = p[3 * i + b]!;
    const h = pmax - (x * da + y * db);
    const u = (x * -db + y * da) - umin;
    const r = h - (ca * u + cb * (p[3 * i + up]! - vmin) + cc);
    return Math.abs(r - med) <= tol || (r - med <= FLOOR.above * tol && (u < rl || u > rh));
  });
}

/** Up to maxWalls walls under `up` (`sign` -1: y down) among the points whose `drop` is 0; marks
 * them 1 in `drop`. */
function wallsAmong(positions: Float32Array, drop: Uint8Array, up: number, sign: 1 | -1, size: number): number {
  let walls = 0;
  for (; walls < ROOM.maxWalls; walls++) {
    const rows = where(drop.length, (i) => drop[i] === 0);
    if (rows.length < FLOOR.minPoints) break;
    const wall = wallIn(subset(positions, rows, sign < 0 ? up : -1), up, size);
    if (wall === null) break;
    for (const j of wall) drop[rows[j]!] = 1;
  }
  return walls;
}

function count(drop: Uint8Array): number {
  let k = 0;
  for (const d of drop) k += d;
  return k;
}

/** The floor and the walls around a scanned shape (positions: xyz float32). */
export function findRoom(positions: Float32Array): Room {
  const n = Math.floor(positions.length / 3);
  const floor = findFloor(positions);
  if (n < FLOOR.minPoints) return NONE;
  const size = largestSide(positions);
  if (floor.drop !== null) {
    const drop = floor.drop.slice();
    const { axis, sign } = UPS.find((u) => u.name === floor.axis)!;
    const walls = wallsAmong(positions, drop, axis, sign, size);
    return { drop, floorPoints: floor.points, wallPoints: count(drop) - floor.points, walls, axis: floor.axis };
  }
  for (const { axis, sign, name } of UPS) {
    const drop = new Uint8Array(n);
    const walls = wallsAmong(positions, drop, axis, sign, size);
    if (walls === 0) continue;
    const rows = where(n, (i) => drop[i] === 0);
    const rest = subset(positions, rows, sign < 0 ? axis : -1);
    const found = floorAlong(rest, shiftedCoordinates(rest).shifted, axis, size, 3 - walls);
    if (found === null || found.overhang < FLOOR.margin) continue;
    const wallPoints = count(drop);
    for (const j of found.points) drop[rows[j]!] = 1;
    return { drop, floorPoints: found.points.length, wallPoints, walls, axis: name };
  }
  return NONE;
}
