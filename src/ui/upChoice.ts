// The up axis a cloud is classified in: 'auto' (the default) lets the model find it among z and y
// (src/model/decide.ts, docs/confidence.md); any of the six axis-aligned ups forces it, as the View
// panel's switch does: 'z' and 'y' as radios, the other four (x, -x, -y, -z: the file axis that
// points up, geometry/upTurn.ts) in its "other" list.
import { UP_AXES, type UpAxis } from '../geometry/upTurn';

export type UpChoice = UpAxis | 'auto';

export const UP_CHOICES: readonly UpChoice[] = ['auto', ...UP_AXES];

/** The View panel's radio row; the remaining forced ups sit in a list beside it. */
export const RADIO_UP_CHOICES: readonly UpChoice[] = ['auto', 'z', 'y'];
export const OTHER_UP_CHOICES: readonly UpAxis[] = ['x', '-x', '-y', '-z'];

/** `?up=auto|z|y|-y|x|-x|-z` (links, tests); anything else is the default, 'auto'. */
export function upFromUrl(search: string = typeof location !== 'undefined' ? location.search : ''): UpChoice {
  const up = new URLSearchParams(search).get('up');
  return (UP_CHOICES as readonly string[]).includes(up ?? '') ? (up as UpChoice) : 'auto';
}
