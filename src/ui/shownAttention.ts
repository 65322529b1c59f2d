// Attention on a decimated view: the classification has one token per point of the full cloud,
// the viewer draws a subset (worker/shownPoints.ts). These map between the two through the
// subset's indices (indices[i] = the full cloud's index of shown point i; null = all shown).
import type { HoverInfo } from './attentionView';

/** One value per shown point: its token's value. Walks the shown points only, never the full cloud. */
export function shownPointValues(perToken: Float32Array, tokenOfPoint: Uint32Array, indices: Uint32Array | null): Float32Array {
  const n = indices ? indices.length : tokenOfPoint.length;
  const out = new Float32Array(n);
  if (indices) for (let i = 0; i < n; i++) out[i] = perToken[tokenOfPoint[indices[i]]];
  else for (let i = 0; i < n; i++) out[i] = perToken[tokenOfPoint[i]];
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
