// How a folder of files is read, the same in the page (files/folder.ts, File objects) and the
// command line (cli/walk.ts, the file system): hidden names passed over, files of a format the app
// reads (by extension; compressed whole too: scan.ply.gz, models.tar.xz), sorted by path with numbers in numeric order, and a
// file's class the first folder below the folder given (<folder>/<class>/.../<file>).
import { formatForName, unwrappedName } from '../io/formats';

export const isHidden = (name: string): boolean => name.startsWith('.');

export const isReadableName = (name: string): boolean => formatForName(unwrappedName(name) ?? name) !== undefined;

const collator = new Intl.Collator('en', { numeric: true });

export const comparePaths = (a: string, b: string): number => collator.compare(a, b);

/** The class of a file at `segments` below the folder given: its first folder, if it is in one. */
export const classOf = (segments: readonly string[]): string | undefined => (segments.length > 1 ? segments[0] : undefined);

/** The .blend a Blender backup backs up ("chair.blend1", "chair.blend2", ...: the file as saved
 * before, which Blender keeps beside it), or null for another name. */
export const backedUpBlend = (name: string): string | null => /^(.*\.blend)\d+$/i.exec(name)?.[1] ?? null;
