// Attention values per shown point (shownAttention.ts) for the viewer and the hover read-out. A few
// shown points are worked out at once, as before; a huge cloud's million in steps after the result
// arrives, so no single task holds the page (issue 24): until they are ready there are none, and
// the viewer keeps its colour mode for those few frames.
import { useEffect, useMemo, useState } from 'react';
import { shownPointValues, shownPointValuesInSteps, STEPPED_VALUES } from './shownAttention';

interface Stepped {
  perToken: Float32Array;
  tokenOfPoint: Uint32Array;
  indices: Uint32Array | null;
  values: Float32Array;
}

export function useShownPointValues(perToken: Float32Array | null, tokenOfPoint: Uint32Array | null, indices: Uint32Array | null): Float32Array | null {
  const shownCount = indices ? indices.length : (tokenOfPoint?.length ?? 0);
  const stepped = shownCount > STEPPED_VALUES;
  const atOnce = useMemo(
    () => (perToken && tokenOfPoint && !stepped ? shownPointValues(perToken, tokenOfPoint, indices) : null),
    [perToken, tokenOfPoint, indices, stepped],
  );
  const [done, setDone] = useState<Stepped | null>(null);
  useEffect(() => {
    if (!perToken || !tokenOfPoint || !stepped) return;
    let current = true;
    void shownPointValuesInSteps(perToken, tokenOfPoint, indices).then((values) => {
      if (current) setDone({ perToken, tokenOfPoint, indices, values });
    });
    return () => {
      current = false;
    };
  }, [perToken, tokenOfPoint, indices, stepped]);
  if (!stepped) return atOnce;
  // Values of an earlier result, layer or head are never shown with the current one.
  return done && done.perToken === perToken && done.tokenOfPoint === tokenOfPoint && done.indices === indices ? done.values : null;
}
