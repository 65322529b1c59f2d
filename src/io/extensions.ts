// File extensions per format: data only, so the page can build its file picker without pulling
// the parsers (and three's loaders) into the main bundle; the parsers run in the parse worker.
import type { FormatId } from './types';

/** Lower-case, without the dot; the first is the format's usual one. */
export const EXTENSIONS: Readonly<Record<FormatId, readonly string[]>> = {
  ply: ['ply'],
  obj: ['obj'],
  pcd: ['pcd'],
  xyz: ['xyz', 'txt', 'csv', 'pts', 'asc', 'xyzn', 'xyzrgb'],
  off: ['off'],
  stl: ['stl'],
};

/** Every extension we read, with dots, for a file picker's `accept`. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.values(EXTENSIONS).flatMap((list) => list.map((e) => `.${e}`));

/** The format a file name's extension suggests (the parse worker sniffs the content too). */
export function formatOfName(name: string): FormatId | undefined {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return (Object.keys(EXTENSIONS) as FormatId[]).find((id) => EXTENSIONS[id].includes(ext));
}
