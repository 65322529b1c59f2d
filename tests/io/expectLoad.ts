// Assertions shared by the loader tests.
import { expect } from 'vitest';
import { createRandom } from '../../src/geometry/random';
import { loadFile } from '../../src/io/index';
import { LoadError, type LoadErrorReason, type LoadResult, type Parsed } from '../../src/io/types';

/** Loads and returns the result; fails with the loader's message if it throws. */
export function load(name: string, bytes: Uint8Array, meshSamples = 2000): LoadResult {
  return loadFile(name, bytes, { meshSamples, seed: 1 });
}

/** The LoadError that loading throws; fails if it loads or throws something else. */
export function loadError(name: string, bytes: Uint8Array): LoadError {
  try {
    const r = loadFile(name, bytes, { meshSamples: 100, seed: 1 });
    throw new Error(`expected ${name} to fail, but it loaded ${r.cloud.count} points (${r.format})`);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return error;
  }
}

export function expectError(name: string, bytes: Uint8Array, reason: LoadErrorReason, message: string | RegExp): LoadError {
  const error = loadError(name, bytes);
  expect({ reason: error.reason, message: error.message }).toEqual({
    reason,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  return error;
}

/** A damaged file's outcome: 'loaded' (and well formed) or 'refused' with a LoadError; any other
 * exception fails the test. */
export function loadedOrRefused(name: string, bytes: Uint8Array): 'loaded' | 'refused' {
  try {
    expectWellFormed(loadFile(name, bytes, { meshSamples: 200, seed: 1 }));
    return 'loaded';
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return 'refused';
  }
}

/** Arrays have 3 * count entries, every coordinate is finite and inside the reported bounds. */
export function expectWellFormed(r: LoadResult): void {
  const { cloud } = r;
  expect(cloud.positions.length).toBe(cloud.count * 3);
  if (cloud.colors) expect(cloud.colors.length).toBe(cloud.count * 3);
  if (cloud.normals) expect(cloud.normals.length).toBe(cloud.count * 3);
  let outside = 0;
  for (let i = 0; i < cloud.positions.length; i++) {
    const v = cloud.positions[i]!;
    if (!(v >= r.bounds.min[i % 3]! && v <= r.bounds.max[i % 3]!)) outside++;
  }
  expect(outside).toBe(0);
}

/** How `count` damaged copies of a good file fare (each `loadedOrRefused`): every other copy cut
 * at a random length, the others with one byte changed (to a printable character with `printable`,
 * for text formats); `after` may mend a copy first (E57's checksums written anew). */
export function damagedOutcomes(name: string, good: Uint8Array, options: { seed: number; count?: number; printable?: boolean; after?: (bytes: Uint8Array) => Uint8Array }): { loaded: number; refused: number } {
  const random = createRandom(options.seed);
  const outcomes = { loaded: 0, refused: 0 };
  for (let k = 0; k < (options.count ?? 240); k++) {
    let damaged: Uint8Array = good.slice(0, k % 2 === 0 ? Math.floor(random() * good.length) : good.length);
    if (k % 2 === 1) damaged[Math.floor(random() * good.length)] = options.printable ? 32 + Math.floor(random() * 95) : Math.floor(random() * 256);
    if (options.after) damaged = options.after(damaged);
    outcomes[loadedOrRefused(name, damaged)]++;
  }
  return outcomes;
}

/** A parsed mesh's vertex bounds in the file's coordinates (its offset added back), min x y z then
 * max x y z, to 4 decimals; fails for points. */
export function meshBounds(p: Parsed): number[] {
  if (p.kind !== 'mesh') throw new Error('expected a mesh');
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  p.mesh.positions.forEach((v, i) => {
    const w = v + (p.offset?.[i % 3] ?? 0);
    lo[i % 3] = Math.min(lo[i % 3]!, w);
    hi[i % 3] = Math.max(hi[i % 3]!, w);
  });
  return [...lo, ...hi].map((v) => +v.toFixed(4) + 0);
}
