// The colours of several objects on a floor (io/objects.ts) in the viewer and beside their names
// in the object picker, so the list says which is which: distinct hues, bright on the dark stage.
const HEX = ['#ff7f0e', '#1f9bff', '#2ca02c', '#e377c2', '#ffd92f', '#17becf', '#d62728', '#9467bd'] as const;
/** Points in no object (small bits): grey. */
const NONE = '#6b6e75';

/** The CSS colour of object k (1-based); 0: no object. */
export function objectColour(k: number): string {
  return k === 0 ? NONE : HEX[(k - 1) % HEX.length]!;
}

/** The same colour as linear [0, 1] RGB for a colour buffer. */
export function objectRgb(k: number): [number, number, number] {
  const hex = objectColour(k);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}
