// The attention view of the shown result, as the viewer, the legend and the projection need it.
import { useMemo } from 'react';
import type { Classification } from '../model/classifier';
import { pointValues, tokenValues } from '../model/postprocess';
import { ATTENTION_COLORMAP, clampView, hoverInfo, valueRange } from './attentionView';
import type { AttentionView } from './classify/AttentionPanel';
import type { PointScalars } from './viewer/pointViewer';

export function useAttentionColours(shown: Classification | null, view: AttentionView, hoverPoint: number | null) {
  const { layer, head } = shown ? clampView(view, shown.attention) : { layer: 0, head: 'mean' as const };
  const values = useMemo(() => (shown ? pointValues(shown.attention, shown.tokenOfPoint, layer, head) : null), [shown, layer, head]);
  const scalars = useMemo<PointScalars | null>(() => (values && view.enabled ? { values, colormap: ATTENTION_COLORMAP } : null), [values, view.enabled]);
  const range = useMemo(() => (scalars ? valueRange(scalars.values) : null), [scalars]);
  const perToken = useMemo(() => (shown && view.enabled ? tokenValues(shown.attention, layer, head) : null), [shown, view.enabled, layer, head]);
  return {
    /** The view with layer and head clamped to the model. */
    view: { ...view, layer, head },
    scalars,
    range,
    hover: shown && values ? hoverInfo(hoverPoint, shown.tokenOfPoint, values) : null,
    tokenValues: perToken,
  };
}
