// A floor under the shape: the patch of ground a phone or depth-camera scan keeps around the object
// (docs/io.md "A floor under the shape"). The model reads it as part of the shape (validation
// clouds with a floor patch 1.5 x their footprint: 86 of 100 right without it, 60 with 15 % of the
// points on it); the loaders leave it out after the stray pieces. Twin of
// training/any2point/floor.py (the rule is written out there step by step), tested on the same
// fixture (tests/fixtures/floor.json): every sum, solve and comparison is done as there, in float64.

import { median, quantile } from './orderStatistics';

export const FLOOR = {
  /** Clouds with fewer points have no floor. */
  minPoints: 64,
  /** Cells per side of the grid whose lowest points the first plane is fitted to. */
  grid: 16,
  fitRounds: 4,
  /** Lowest points within max(3 x 1.4826 x MAD, fitMin x size) of the median residual are refitted. */
  fitMin: 0.002,
  /** The plane's largest slope (rise over run) along either axis across the up. */
  slope: 0.1,
  /** Points within near x size of the first plane start the refit on every point. */
  near: 0.01,
  /** The slab's half thickness: 3 x 1.4826 x MAD of the residuals, clamped to these x size. */
  tolMin: 0.003,
  tolMax: 0.02,
  /** What stands on the floor: points more than above x tol over it. */
  above: 2,
  /** Shares of the points: the slab at least, what stands on it at least (fewRest), what lies under it at most. */
  minShare: 0.05,
  fewRest: 0.02,
  below: 0.02,
  /** When what stands on it is under restShare of the points, it must rise rise x the footprint's larger width. */
  restShare: 0.1,
  rise: 0.3,
  /** Quantiles that bound the slab and the footprint of what stands on it. */
  slabQ: 0.02,
  restQ: 0.005,
  /** The slab's overhang beyond the footprint on at least three of its four sides, as a share of
   * the footprint's width. */
  margin: 0.1,
} as const;

const MAD_SCALE = 1.4826;

/** The ups a floor is looked for under (floor.py's UPS): z, y, and y down (-y: the camera axes of
 * depth cameras and COLMAP, so of 3D Gaussian Splatting's scenes), looked at on the cloud with y
 * negated so that its high side is the low one. */
export type UpName = 'z' | 'y' | '-y';
export const UPS: readonly { axis: number; sign: 1 | -1; name: UpName }[] = [
  { axis: 2, sign: 1, name: 'z' },
  { axis: 1, sign: 1, name: 'y' },
  { axis: 1, sign: -1, name: '-y' },
];

/** `shifted` (shiftedCoordinates) as the cloud with coordinate `axis` negated has it: that column
 * is the largest coordinate less each one (hi - x, exactly what -x less the minimum of -x is). */
function turnedOver(positions: Float32Array, shifted: readonly Float64Array[], axis: number): Float64Array[] {
  const [, hi] = axisRange(positions, axis);
  const column = new Float64Array(shifted[axis]!.length);
  for (let i = 0; i < column.length; i++) column[i] = hi - positions[3 * i + axis]!;
  return shifted.map((c, k) => (k === axis ? column : c));
}

export interface Floor {
  /** 1 for every point of the floor; null when there is none. */
  drop: Uint8Array | null;
  points: number;
  /** The up the floor lies across. */
  axis: UpName | null;
}

const NONE: Floor = { drop: null, points: 0, axis: null };

export type Plane = readonly [number, number, number];

function det3(a: number, b: number, c: number, d: number, e: number, f: number, g: number, k: number, m: number): number {
  return a * (e * m - f * k) - b * (d * m - f * g) + c * (d * k - e * g);
}

/** The least-squares plane h = a u + b v + c through the points `at` (indices into u, v, h), from
 * its normal equations (sums in order) by Cramer's rule; null when they are singular. */
function plane(u: Float64Array, v: Float64Array, h: Float64Array, at: ArrayLike<number>): Plane | null {
  const n = at.length;
  if (n < 3) return null;
  let suu = 0, suv = 0, svv = 0, su = 0, sv = 0, suh = 0, svh = 0, sh = 0;
  for (let j = 0; j < n; j++) {
    const i = at[j]!;
    const x = u[i]!, y = v[i]!, z = h[i]!;
    suu += x * x;
    suv += x * y;
    svv += y * y;
    su += x;
    sv += y;
    suh += x * z;
    svh += y * z;
    sh += z;
  }
  const det = det3(suu, suv, su, suv, svv, sv, su, sv, n);
  if (!(Math.abs(det) > 1e-12 * suu * svv * n)) return null;
  return [
    det3(suh, suv, su, svh, svv, sv, sh, sv, n) / det,
    det3(suu, suh, su, suv, svh, sv, su, sh, n) / det,
    det3(suu, suv, suh, suv, svv, svh, su, sv, sh) / det,
  ];
}

/** The indices i < n where `keep(i)` holds, in order. */
export function where(n: number, keep: (i: number) => boolean): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (keep(i)) out[k++] = i;
  return out.subarray(0, k);
}

/** h[i] - (a u[i] + b v[i] + c) for every i: the residuals of the plane (a, b, c). */
function residuals(h: Float64Array, u: Float64Array, v: Float64Array, [a, b, c]: Plane): Float64Array {
  const r = new Float64Array(h.length);
  for (let i = 0; i < h.length; i++) r[i] = h[i]! - (a * u[i]! + b * v[i]! + c);
  return r;
}

function medianOf(values: ArrayLike<number>, at: ArrayLike<number>, minus = 0, abs = false): number {
  const a = new Float64Array(at.length);
  for (let j = 0; j < at.length; j++) {
    const x = values[at[j]!]! - minus;
    a[j] = abs ? Math.abs(x) : x;
  }
  return median(a);
}

/** The lowest point of every occupied cell of the grid across the axis, in cell order. */
function cellLowest(u: Float64Array, v: Float64Array, h: Float64Array): number[] {
  const g = FLOOR.grid;
  const cell = (x: Float64Array, ext: number, i: number) => (ext === 0 ? 0 : Math.min(Math.floor((x[i]! / ext) * g), g - 1));
  let eu = 0, ev = 0;
  for (let i = 0; i < u.length; i++) {
    if (u[i]! > eu) eu = u[i]!;
    if (v[i]! > ev) ev = v[i]!;
  }
  const lowest = new Int32Array(g * g).fill(-1);
  for (let i = 0; i < u.length; i++) {
    const f = cell(u, eu, i) * g + cell(v, ev, i);
    const j = lowest[f]!;
    if (j < 0 || h[i]! < h[j]!) lowest[f] = i;
  }
  return Array.from(lowest).filter((i) => i >= 0);
}

/** The slab's second smallest overhang beyond the footprint of the points above (of the four
 * sides, each per footprint width), and the footprint's low and high corner on the two axes. */
function overhang(p: Float32Array, axes: readonly [number, number], rest: Int32Array, slab: Int32Array, sides: number) {
  const overhangs: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (const a of axes) {
    const column = (at: Int32Array) => {
      const out = new Float64Array(at.length);
      for (let j = 0; j < at.length; j++) out[j] = p[3 * at[j]! + a]!;
      return out;
    };
    const r = column(rest);
    const s = column(slab);
    const flo = quantile(r, FLOOR.restQ);
    const fhi = quantile(r, 1 - FLOOR.restQ);
    const slo = quantile(s, FLOOR.slabQ);
    const shi = quantile(s, 1 - FLOOR.slabQ);
    const w = Math.max(fhi - flo, 1e-12);
    overhangs.push((flo - slo) / w, (shi - fhi) / w);
    lo.push(flo);
    hi.push(fhi);
  }
  overhangs.sort((x, y) => x - y);
  return { kth: overhangs[4 - sides]!, lo, hi };
}

/** Steps 2-4 (also the walls' fit, room.ts): the residuals r of the plane h = a u + b v + c fitted
 * to the lowest points and refined on every point, the slab's median residual and half thickness;
 * null when there is no nearly level plane. */
export function fitSlab(u: Float64Array, v: Float64Array, h: Float64Array, size: number): { r: Float64Array; med: number; tol: number; plane: Plane } | null {
  const n = h.length;
  const lowest = cellLowest(u, v, h);
  const lu = Float64Array.from(lowest, (i) => u[i]!);
  const lv = Float64Array.from(lowest, (i) => v[i]!);
  const lh = Float64Array.from(lowest, (i) => h[i]!);
  const all = Int32Array.from(lowest, (_, j) => j);
  let sel: Int32Array = all;
  let c: Plane | null = null;
  for (let round = 0; round < FLOOR.fitRounds; round++) {
    c = plane(lu, lv, lh, sel);
    if (c === null) return null;
    const r = residuals(lh, lu, lv, c);
    const m = medianOf(r, all);
    const mad = medianOf(r, all, m, true);
    const limit = Math.max(3 * MAD_SCALE * mad, FLOOR.fitMin * size);
    sel = where(all.length, (j) => Math.abs(r[j]! - m) <= limit);
    if (sel.length < 3) return null;
  }
  if (Math.abs(c![0]) > FLOOR.slope || Math.abs(c![1]) > FLOOR.slope) return null;

  const spread = (r: Float64Array, near: Int32Array) => {
    const med = medianOf(r, near);
    const sig = MAD_SCALE * medianOf(r, near, med, true);
    return { med, tol: Math.min(Math.max(3 * sig, FLOOR.tolMin * size), FLOOR.tolMax * size) };
  };
  let r = residuals(h, u, v, c!);
  let near = where(n, (i) => Math.abs(r[i]!) <= FLOOR.near * size);
  for (let round = 0; round < 2; round++) {
    if (near.length === 0) return null;
    const { med, tol } = spread(r, near);
    near = where(n, (i) => Math.abs(r[i]! - med) <= tol);
    c = plane(u, v, h, near);
    if (c === null) return null;
    r = residuals(h, u, v, c);
  }
  const { med, tol } = spread(r, near);
  return { r, med, tol, plane: c! };
}

/** The floor at the low side of `axis`: its points (the slab and its fringe) and the slab's
 * overhang on its `sides`-th best side (3: the second smallest of four; fewer where walls found
 * first bound the floor, room.ts), or null. `shifted` holds each coordinate less its minimum. */
export function floorAlong(p: Float32Array, shifted: readonly Float64Array[], axis: number, size: number, sides = 3): { points: Int32Array; overhang: number } | null {
  const n = shifted[0]!.length;
  const [a, b] = [0, 1, 2].filter((k) => k !== axis) as [number, number];
  const u = shifted[a]!, v = shifted[b]!, h = shifted[axis]!;

  const fit = fitSlab(u, v, h, size);
  if (fit === null) return null;
  const { r, med, tol } = fit;
  const slab = where(n, (i) => Math.abs(r[i]! - med) <= tol);
  const rest = where(n, (i) => r[i]! - med > FLOOR.above * tol);
  let under = 0;
  for (let i = 0; i < n; i++) if (r[i]! - med < -tol) under++;
  if (slab.length < FLOOR.minShare * n || rest.length < FLOOR.fewRest * n || under > FLOOR.below * n) return null;
  const { kth, lo, hi } = overhang(p, [a, b], rest, slab, sides);
  if (rest.length < FLOOR.restShare * n) {
    let top = -Infinity;
    for (const i of rest) if (r[i]! > top) top = r[i]!;
    if (top - med < FLOOR.rise * Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!)) return null;
  }
  // The floor: the slab and its fringe (points outside the footprint no higher than above x tol).
  const outside = (i: number) => {
    const x = p[3 * i + a]!, y = p[3 * i + b]!;
    return x < lo[0]! || y < lo[1]! || x > hi[0]! || y > hi[1]!;
  };
  const floor = where(n, (i) => Math.abs(r[i]! - med) <= tol || (outside(i) && r[i]! - med <= FLOOR.above * tol));
  return { points: floor, overhang: kth };
}

/** Each coordinate less its minimum (once for every up), and the bounding box's largest side. */
export function shiftedCoordinates(positions: Float32Array): { shifted: Float64Array[]; size: number } {
  const n = Math.floor(positions.length / 3);
  const shifted = [0, 1, 2].map((k) => {
    const [lo] = axisRange(positions, k);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = positions[3 * i + k]! - lo;
    return out;
  });
  return { shifted, size: largestSide(positions) };
}

/** The smallest and largest coordinate `k` (0 x, 1 y, 2 z) of xyz positions. */
function axisRange(positions: Float32Array, k: number): [number, number] {
  const n = Math.floor(positions.length / 3);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i + k]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** The bounding box's largest side. */
export function largestSide(positions: Float32Array): number {
  let size = 0;
  for (let k = 0; k < 3; k++) {
    const [lo, hi] = axisRange(positions, k);
    size = Math.max(size, hi - lo);
  }
  return size;
}

/** The floor a scanned shape stands on, looked for under z up, y up, then y down (positions: xyz
 * float32). */
export function findFloor(positions: Float32Array): Floor {
  const n = Math.floor(positions.length / 3);
  if (n < FLOOR.minPoints) return NONE;
  const { shifted, size } = shiftedCoordinates(positions);
  if (!(size > 0)) return NONE;
  let best: { points: Int32Array; axis: UpName } | null = null;
  let bestOverhang: number = FLOOR.margin;
  for (const { axis, sign, name } of UPS) {
    if (sign < 0 && best !== null) break; // y down only where z and y have none
    // floorAlong reads `positions` across the up only, which the turn leaves as they are.
    const found = floorAlong(positions, sign > 0 ? shifted : turnedOver(positions, shifted, axis), axis, size);
    if (found === null) continue;
    if (found.overhang > bestOverhang || (found.overhang === bestOverhang && best === null)) {
      best = { points: found.points, axis: name };
      bestOverhang = found.overhang;
    }
  }
  if (best === null) return NONE;
  const drop = new Uint8Array(n);
  for (const i of best.points) drop[i] = 1;
  return { drop, points: best.points.length, axis: best.axis };
}
