// The viewer's point budget: a cloud larger than the budget is drawn as a uniform random subset
// of it (the full cloud is still what gets classified). Made in the parse worker, so the page
// never walks millions of points. The subset is in random order, so any prefix of it is a uniform
// subset too: the viewer draws as long a prefix as its GL can afford (pointViewer.ts: a software
// GL such as SwiftShader blocks the page about 0.6 ms per thousand points each frame, while it
// composites the canvas; nine million points froze the page for seconds, issue 24).
import { createRandom, sampleIndices } from '../geometry/random';

export { sampleIndices };
import type { PointCloud } from '../types/cloud';

/** Most points the viewer ever draws (a hardware GL draws a million points in a few ms). */
export const VIEW_POINT_BUDGET = 1_000_000;
/** Clouds up to this size are drawn whole, in file order (below every GL's budget). */
export const SMALLEST_VIEW_BUDGET = 100_000;

/** What the viewer draws of a cloud: the cloud itself, or a subset and where its points came from. */
export interface ShownPoints {
  cloud: PointCloud;
  /** indices[i] is the full cloud's index of the shown point i (random order); null: the cloud
   * itself, in file order. */
  indices: Uint32Array | null;
  /** The shown points' bounding sphere (three.js's definition: box centre, farthest point). */
  sphere: { center: [number, number, number]; radius: number };
}

function pick(source: Float32Array, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i] * 3;
    out[i * 3] = source[j];
    out[i * 3 + 1] = source[j + 1];
    out[i * 3 + 2] = source[j + 2];
  }
  return out;
}

export function boundingSphere(positions: Float32Array, count: number): ShownPoints['sphere'] {
  if (count === 0) return { center: [0, 0, 0], radius: 0 };
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count * 3; i += 3) {
    for (let a = 0; a < 3; a++) {
      const v = positions[i + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  const center: [number, number, number] = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  let r2 = 0;
  for (let i = 0; i < count * 3; i += 3) {
    const dx = positions[i] - center[0];
    const dy = positions[i + 1] - center[1];
    const dz = positions[i + 2] - center[2];
    r2 = Math.max(r2, dx * dx + dy * dy + dz * dz);
  }
  return { center, radius: Math.sqrt(r2) };
}

/** Shuffles in place (Fisher-Yates) with a seeded generator: the same file, the same order. */
export function shuffle(values: Uint32Array, seed = 1): Uint32Array {
  const random = createRandom(seed);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}

/** The points to draw: the cloud when it is small, else up to `budget` of its points in random
 * order (all of them when it has fewer), so that every prefix is a uniform subset. */
export function shownPoints(cloud: PointCloud, budget = VIEW_POINT_BUDGET, smallest = SMALLEST_VIEW_BUDGET): ShownPoints {
  if (cloud.count <= smallest) return { cloud, indices: null, sphere: boundingSphere(cloud.positions, cloud.count) };
  const size = Math.min(budget, cloud.count);
  const indices = shuffle(sampleIndices(cloud.count, size, cloud.count), cloud.count);
  const positions = pick(cloud.positions, indices);
  const shown: PointCloud = { positions, count: size, ...(cloud.colors && { colors: pick(cloud.colors, indices) }) };
  return { cloud: shown, indices, sphere: boundingSphere(positions, size) };
}
