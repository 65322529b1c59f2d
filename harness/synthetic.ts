// Deterministic synthetic clouds, random and hard (duplicates, ties, degenerate shapes), for the
// kernel tests, the browser check page and the benchmark.
import { createRandom as rng } from '../src/geometry/random';

/** n points uniform in [-1, 1]^3. */
export function uniformCloud(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < p.length; i++) p[i] = r() * 2 - 1;
  return p;
}

/** n points on the unit sphere (a surface, like mesh samples). */
export function sphereCloud(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const z = r() * 2 - 1;
    const a = r() * 2 * Math.PI;
    const s = Math.sqrt(1 - z * z);
    p[3 * i] = s * Math.cos(a);
    p[3 * i + 1] = s * Math.sin(a);
    p[3 * i + 2] = z;
  }
  return p;
}

/** Points on a small integer lattice: many exactly equal distances (ties). */
export function latticeCloud(n: number, side: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < p.length; i++) p[i] = Math.floor(r() * side) / side;
  return p;
}

/** `copies` copies of each of n / copies random points, shuffled: exact duplicates. */
export function duplicateCloud(n: number, copies: number, seed: number): Float32Array {
  const r = rng(seed);
  const base = uniformCloud(Math.ceil(n / copies), seed + 1);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(r() * (base.length / 3));
    p.set(base.subarray(3 * j, 3 * j + 3), 3 * i);
  }
  return p;
}

/** n copies of one point. */
export function identicalCloud(n: number, x = 0.25, y = -0.5, z = 0.125): Float32Array {
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) p.set([x, y, z], 3 * i);
  return p;
}

/** n points on a line through the origin (random positions along it). */
export function collinearCloud(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const t = r() * 2 - 1;
    p.set([0.6 * t, -0.3 * t, 0.2 * t], 3 * i);
  }
  return p;
}

/** n points in the plane z = 0.5 * x (planar, non-axis-aligned). */
export function planarCloud(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = r() * 2 - 1;
    const y = r() * 2 - 1;
    p.set([x, y, 0.5 * x], 3 * i);
  }
  return p;
}

/** Two tight clusters far apart (a sparse grid: most cells empty). */
export function clusterCloud(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const far = i % 2 === 0 ? 0 : 10;
    p.set([far + r() * 0.01, r() * 0.01, far + r() * 0.01], 3 * i);
  }
  return p;
}

/** A small cloud far from the origin: coarse float32 spacing, many equal distances. */
export function offsetCloud(n: number, seed: number): Float32Array {
  return uniformCloud(n, seed).map((v) => 1000 + v * 0.01);
}
