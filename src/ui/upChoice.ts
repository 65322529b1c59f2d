// The up axis a cloud is classified in: 'auto' (the default) lets the model find it among z and y
// (src/model/decide.ts, docs/confidence.md); 'z' or 'y' forces it, as the View panel's switch does.
import type { UpAxis } from './viewer/colorMode';

export type UpChoice = UpAxis | 'auto';

export const UP_CHOICES: readonly UpChoice[] = ['auto', 'z', 'y'];

/** `?up=auto|z|y` (links, tests); anything else is the default, 'auto'. */
export function upFromUrl(search: string = typeof location !== 'undefined' ? location.search : ''): UpChoice {
  const up = new URLSearchParams(search).get('up');
  return (UP_CHOICES as readonly string[]).includes(up ?? '') ? (up as UpChoice) : 'auto';
}
