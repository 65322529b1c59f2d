// What a file needs beside it: a .gltf's separate buffers (.bin) in its folder, and an HDF5 data
// set's class names (PointNet's shape_names.txt: one name a line, label 0 first). A listing
// (folder.ts) notes them on the File itself (WeakMaps, so nothing outlives the File), and the parse
// client sends the buffers with it, whichever path opens it (a batch row, the viewer); Batch names
// each cloud's class from the names (useBatch.ts), so the data set is scored as class folders are.
const COMPANIONS = new WeakMap<File, File[]>();
const CLASS_NAMES = new WeakMap<File, string[]>();

/** Files that name an HDF5 data set's classes, one a line in label order (lower case). */
export const CLASS_NAME_FILES = ['shape_names.txt', 'classes.txt', 'class_names.txt'];
/** Extensions of the data sets whose clouds such a file names (HDF5). */
export const DATA_SET_EXTENSIONS = ['h5', 'hdf5', 'he5'];

/** Whether a file's name is a names file's (never a model to read: a listing sets it aside). */
export const isClassNameFile = (name: string): boolean => CLASS_NAME_FILES.includes(name.toLowerCase());

/** Names only a data set's lists have (PointNet's train_files.txt; a names file), and those its
 * lists have beside the set (ModelNet40's modelnet40_train.txt, modelnet40_shape_names.txt). */
const SET_LIST_NAMES = /^(shape_names|classes|class_names|filelist|(train|test|val|trainval)_files)\.txt$/i;
const SET_LIST_SUFFIXES = /_(train|test|val|trainval|shape_names)\.txt$/i;

/** Whether a file is a data set's list of files or of class names, never a point list to read: by
 * its name alone, or by a name such lists have in a folder that holds a data set (HDF5 files, or
 * class sub-folders), where a .txt file of that name is the set's list. */
export function isSetList(name: string, setHere: boolean): boolean {
  return SET_LIST_NAMES.test(name) || (setHere && SET_LIST_SUFFIXES.test(name));
}
/** A names file larger than this is not a list of class names. */
const MAX_NAMES_BYTES = 1024 * 1024;

export function setCompanions(file: File, companions: File[]): void {
  if (companions.length > 0) COMPANIONS.set(file, companions);
}

export function companionsOf(file: File): File[] {
  return COMPANIONS.get(file) ?? [];
}

/** The class names of a names file's text: its non-empty lines, trimmed. */
export function parseClassNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The class names a names file gives, or null for one too large to be one. */
export async function readClassNames(file: Blob): Promise<string[] | null> {
  return file.size > MAX_NAMES_BYTES ? null : parseClassNames(await file.text());
}

/** The class names the first names file in a folder on disk gives (the CLI), read by `read`
 * (its text, or undefined for no such file or one too large). */
export function classNamesIn(read: (name: string, maxBytes: number) => string | undefined): string[] | undefined {
  for (const name of CLASS_NAME_FILES) {
    const text = read(name, MAX_NAMES_BYTES);
    if (text !== undefined) return parseClassNames(text);
  }
  return undefined;
}

export function setClassNames(file: File, names: string[]): void {
  if (names.length > 0) CLASS_NAMES.set(file, names);
}

export function classNamesOf(file: File): string[] | undefined {
  return CLASS_NAMES.get(file);
}
