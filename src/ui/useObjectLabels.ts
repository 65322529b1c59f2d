// The object of each drawn point (io/objects.ts labels, 1-based; 0 none) for colouring a file of
// several objects by object: the labels themselves when the viewer draws the cloud whole, else
// those of the drawn subset (worker/shownPoints.ts indices).
import { useMemo } from 'react';

export function useObjectLabels(labels: Uint8Array | null | undefined, indices: Uint32Array | null | undefined): Uint8Array | null {
  return useMemo(() => {
    if (!labels) return null;
    if (!indices) return labels;
    const out = new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = labels[indices[i]!]!;
    return out;
  }, [labels, indices]);
}
