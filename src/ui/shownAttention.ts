// Attention on a decimated view: the classification has one token per point of the full cloud,
// the viewer draws a subset (worker/shownPoints.ts). These map between the two through the
// subset's indices (indices[i] = the full cloud's index of shown point i; null = all shown).
import type { HoverInfo } from './attentionView';

/** One value per shown point: its token's value. Walks the shown points only, never the full cloud. */
export function shownPointValues(perToken: Float32Array, tokenOfPoint: Uint32Array, indices: Uint32Array | null): Float32Array {
  const n = indices ? indices.length : tokenOfPoint.length;
  const out = new Float32Array(n);
  fillShownValues(out, 0, n, perToken, tokenOfPoint, indices);
  return out;
}

function fillShownValues(out: Float32Array, from: number, to: number, perToken: Float32Array, tokenOfPoint: Uint32Array, indices: Uint32Array | null): void {
  if (indices) for (let i = from; i < to; i++) out[i] = perToken[tokenOfPoint[indices[i]]];
  else for (let i = from; i < to; i++) out[i] = perToken[tokenOfPoint[i]];
}

/** Above this many shown points the values are worked out in steps (shownPointValuesInSteps). */
export const STEPPED_VALUES = 250_000;
/** Shown points per step: the gather reads the full cloud's tokens at random places (a 9M-point
 * cloud's are 36 MB, far beyond the caches), about 80 ns a point: ~5 ms a step. */
const VALUES_STEP = 1 << 16;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** shownPointValues in steps with a task boundary between them: at a 9M-point cloud's result
 * the gather over a million shown points took 80-130 ms of the page's main thread in one go,
 * 570 ms on a machine loaded with two CPU hogs (e2e/huge.spec.ts). */
export async function shownPointValuesInSteps(
  perToken: Float32Array,
  tokenOfPoint: Uint32Array,
  indices: Uint32Array | null,
  step = VALUES_STEP,
  between: () => Promise<void> = nextTask,
): Promise<Float32Array> {
  const n = indices ? indices.length : tokenOfPoint.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += step) {
    if (i > 0) await between();
    fillShownValues(out, i, Math.min(n, i + step), perToken, tokenOfPoint, indices);
  }
  return out;
}

/** The full cloud's index of a shown point (what hover read-outs name). */
export function fullIndex(shownPoint: number, indices: Uint32Array | null): number {
  return indices ? indices[shownPoint] : shownPoint;
}

/** The hovered shown point's read-out: the full cloud's point, its token, and its value. */
export function shownHover(shownPoint: number | null, tokenOfPoint: Uint32Array, values: Float32Array, indices: Uint32Array | null): HoverInfo | null {
  if (shownPoint === null || shownPoint >= values.length) return null;
  const point = fullIndex(shownPoint, indices);
  if (point >= tokenOfPoint.length) return null;
  return { point, token: tokenOfPoint[point], value: values[shownPoint] };
}
