// The attention view of the shown result, as the viewer, the legend and the projection need it.
import { useMemo } from 'react';
import type { Classification } from '../model/classifier';
import { tokenValues } from '../model/postprocess';
import { ATTENTION_COLORMAP, clampView } from './attentionView';
import type { AttentionView } from './classify/AttentionPanel';
import { shownHover } from './shownAttention';
import { useShownPointValues } from './useShownPointValues';
import { valueBounds } from './viewer/colors';
import type { PointScalars } from './viewer/pointViewer';

/** `shownIndices`: which of the classified cloud's points the viewer draws (null: all); values
 * are per drawn point, the hovered point is an index into the drawn ones. */
export function useAttentionColours(shown: Classification | null, view: AttentionView, hoverPoint: number | null, shownIndices: Uint32Array | null = null) {
  const { layer, head } = shown ? clampView(view, shown.attention) : { layer: 0, head: 'mean' as const };
  const perToken = useMemo(() => (shown ? tokenValues(shown.attention, layer, head) : null), [shown, layer, head]);
  // In steps for a huge cloud (useShownPointValues.ts): null until they are ready.
  const values = useShownPointValues(perToken, shown?.tokenOfPoint ?? null, shownIndices);
  const scalars = useMemo<PointScalars | null>(() => (values && view.enabled ? { values, colormap: ATTENTION_COLORMAP } : null), [values, view.enabled]);
  const range = useMemo(() => (scalars ? valueBounds(scalars.values) : null), [scalars]);
  return {
    /** The view with layer and head clamped to the model. */
    view: { ...view, layer, head },
    scalars,
    range,
    hover: shown && values ? shownHover(hoverPoint, shown.tokenOfPoint, values, shownIndices) : null,
    tokenValues: view.enabled ? perToken : null,
  };
}
