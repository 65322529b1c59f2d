// The arithmetic between a classification and the attention colours on screen: which result
// belongs to the cloud shown, which layer / head is valid for it, the legend's range and the
// value under the pointer. Pure functions, so they are tested without React.
import type { Classification } from '../model/classifier';
import type { AttentionMaps } from '../model/postprocess';
import type { PointCloud } from '../types/cloud';
import type { AttentionView, HeadChoice } from './classify/AttentionPanel';
import type { ClassifyInput } from './classify/useClassifier';
import type { ColormapId } from './viewer/colormaps';

export const ATTENTION_COLORMAP: ColormapId = 'attention';

/** `result` when it was computed for `cloud` (the same positions buffer and point count), else
 * null: a result of an earlier cloud must not colour this one. */
export function resultForCloud(result: Classification | null, input: ClassifyInput | null, cloud: PointCloud | null): Classification | null {
  if (!result || !cloud) return null;
  return input?.positions.buffer === cloud.positions.buffer && result.tokenOfPoint.length === cloud.count ? result : null;
}

/** The chosen layer and head, clamped to what this model has (models differ in depth and heads). */
export function clampView(view: AttentionView, maps: Pick<AttentionMaps, 'layers' | 'heads'>): { layer: number; head: HeadChoice } {
  return {
    layer: Math.min(view.layer, maps.layers - 1),
    head: view.head === 'mean' ? 'mean' : Math.min(view.head, maps.heads - 1),
  };
}

export interface HoverInfo {
  point: number;
  token: number;
  value: number;
}

/** The hovered point's token and value; null off the cloud or past its end. */
export function hoverInfo(point: number | null, tokenOfPoint: Uint32Array, values: Float32Array): HoverInfo | null {
  if (point === null || point >= tokenOfPoint.length) return null;
  return { point, token: tokenOfPoint[point], value: values[point] };
}
