// The files of tests/fixtures/loaders (written by NumPy itself and by the LAS layouts of the ASPRS
// spec: training/any2point/tools/loader_fixtures.py) and the points they hold.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { LoadResult } from '../../src/io/types';

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/loaders/${name}`, import.meta.url)));
}

/** The fixtures' points, as loader_fixtures.spiral computes them: [x, y, z] per point. */
export function spiral(n = 100): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const r = 1 + i / 50;
    return [Math.cos(0.3 * i) * r, Math.sin(0.3 * i) * r, i / 25];
  });
}

/** Where the map-coordinate fixtures sit. */
export const FAR = [512345, 5401234, 100];

/** Every loaded point (plus the offset the loader subtracted) is the spiral's, within `tolerance`,
 * in file order from `first`. */
export function expectSpiral(r: LoadResult, tolerance: number, first = 0, shift: readonly number[] = [0, 0, 0]): void {
  const want = spiral().slice(first);
  expect(r.cloud.count).toBe(want.length);
  const offset = r.offset ?? [0, 0, 0];
  let worst = 0;
  want.forEach((p, i) => {
    for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(r.cloud.positions[3 * i + a]! + offset[a]! - (p[a]! + shift[a]!)));
  });
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** The splat fixtures' colours, as loader_fixtures.spiral_colors computes them: [r, g, b] in 0..1. */
export function spiralColors(n = 100): number[][] {
  return Array.from({ length: n }, (_, i) => [0.1 + (0.8 * i) / (n - 1), 0.5, 0.9 - (0.8 * i) / (n - 1)]);
}

/** Every loaded colour is the spiral's, within `tolerance`, in file order. */
export function expectSpiralColors(r: LoadResult, tolerance: number): void {
  const want = spiralColors();
  expect(r.cloud.colors).toBeDefined();
  let worst = 0;
  want.forEach((c, i) => {
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(r.cloud.colors![3 * i + k]! - c[k]!));
  });
  expect(worst).toBeLessThanOrEqual(tolerance);
}
