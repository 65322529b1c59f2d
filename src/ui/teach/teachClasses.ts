// The teach form's data, pure (tests/teach): the classes the user names and the files given to
// each, grouping a folder of class sub-folders into classes, and what stops teaching.
import type { FolderFile } from '../../files/folder';

export interface TeachFile {
  file: File;
  /** Where it came from ('shapes/chair/a.ply'), or the file's name. */
  path: string;
}

export interface TeachClass {
  /** Stable React key: a row keeps its key when others are removed. */
  key: number;
  name: string;
  files: TeachFile[];
}

/** The fewest classes a head tells apart. */
export const MIN_CLASSES = 2;

let nextKey = 1;
export const newClass = (name = '', files: TeachFile[] = []): TeachClass => ({ key: nextKey++, name, files });

/** Files with a class folder become (or join) the class of that name; the rest are counted. */
export function mergeListing(classes: TeachClass[], files: FolderFile[]): { classes: TeachClass[]; unlabelled: number } {
  const out = classes.map((c) => ({ ...c, files: [...c.files] }));
  let unlabelled = 0;
  for (const f of files) {
    if (!f.label) {
      unlabelled++;
      continue;
    }
    let target = out.find((c) => c.name.trim() === f.label);
    if (!target) {
      // An empty, unnamed row (the form's starting rows) is filled before a new one is added.
      target = out.find((c) => c.name.trim() === '' && c.files.length === 0);
      if (target) target.name = f.label;
      else out.push((target = newClass(f.label)));
    }
    if (!target.files.some((t) => t.path === f.path)) target.files.push({ file: f.file, path: f.path });
  }
  return { classes: out, unlabelled };
}

/** Why the classes cannot be taught yet, in words for the form; null when they can. */
export function teachProblem(classes: readonly TeachClass[]): string | null {
  const used = classes.filter((c) => c.name.trim() !== '' || c.files.length > 0);
  if (used.length < MIN_CLASSES) return `Name at least ${MIN_CLASSES} classes and give each a file.`;
  const unnamed = used.findIndex((c) => c.name.trim() === '');
  if (unnamed >= 0) return `Class ${classes.indexOf(used[unnamed]) + 1} has files but no name.`;
  const seen = new Set<string>();
  for (const c of used) {
    const name = c.name.trim();
    if (seen.has(name)) return `Two classes are named "${name}": each class needs its own name.`;
    seen.add(name);
  }
  const empty = used.find((c) => c.files.length === 0);
  if (empty) return `Class "${empty.name.trim()}" has no files yet.`;
  return null;
}

/** The classes that take part: named, with files, names trimmed. */
export function usedClasses(classes: readonly TeachClass[]): TeachClass[] {
  return classes.filter((c) => c.name.trim() !== '' && c.files.length > 0).map((c) => ({ ...c, name: c.name.trim() }));
}

/** A head's name for lists and the prediction panel: its classes. */
export function headName(classes: readonly string[]): string {
  return classes.join(' · ');
}

/** Seconds left at the mean pace so far, or null before the first item is done. */
export function secondsLeft(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || done >= total) return done >= total ? 0 : null;
  return Math.ceil(((elapsedMs / done) * (total - done)) / 1000);
}
