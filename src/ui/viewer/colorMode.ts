import { type UpAxis, upTurn } from '../../geometry/upTurn';

/** Height for colouring under each up axis (geometry/upTurn.ts): the upright z, which is the file's
 * coordinate `axis` times `sign` (x up colours by x, -z up by -z). */
export function heightAxis(up: UpAxis): { axis: 0 | 1 | 2; sign: 1 | -1 } {
  const { source, sign } = upTurn(up, 'heightAxis');
  return { axis: source[2], sign: sign[2] };
}

/** How points are coloured when no per-point scalars (attention) are shown: by height, the file's
 * colours, or by object (labels[i] the object of drawn point i, 1-based; 0 none: io/objects.ts). */
export type ColorMode = { kind: 'height'; up: UpAxis } | { kind: 'file' } | { kind: 'objects'; labels: Uint8Array };
