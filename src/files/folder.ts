// What the user hands over as "many files" -> one flat, sorted list of files the app reads, each
// with its path and, when the files sit in class sub-folders (<root>/<class>/.../<file>), the class
// folder's name as its label. Three ways in, one result:
//   - a FileList: <input multiple> (no folders) or <input webkitdirectory> (webkitRelativePath);
//   - a drop: the DataTransfer's items as FileSystemEntry trees (webkitGetAsEntry), read in the
//     drop handler (the items are gone once it returns), listed afterwards;
//   - a directory handle from showDirectoryPicker, where the browser has one.
// The root is what the user gave: the picked or dropped folder. When several folders are dropped
// at once, the drop itself is the root, so each dropped folder is a class. Loose files have no label.
// Hidden files and folders (a name starting with '.') are passed over; files whose extension no
// format reads (src/io/formats.ts) are skipped and reported, except a .gltf's separate buffers
// (.bin files in its folder) and a data set's lists and class names (PointNet's train_files.txt and
// shape_names.txt, the names given to the HDF5 files of their folder: companions.ts) and Blender's
// backups beside their .blend (chair.blend1), set aside and
// reported. At most `maxFiles` files are taken.
import { extensionOf } from '../io/formats';
import { DATA_SET_EXTENSIONS, isClassNameFile, isSetList, readClassNames, setClassNames, setCompanions } from './companions';
import { backedUpBlend, classOf, comparePaths, isHidden, isReadableName } from './pathRules';

/** The most files one listing takes: results stay small, but a batch of more is hours of work and
 * more likely a wrong folder (a whole disk) than a data set. */
export const MAX_FILES = 10_000;
/** The most entries (files and folders, read or not) a walk visits, so a huge tree of other files
 * ends the walk instead of the page's patience. */
export const MAX_VISITED = 200_000;
/** Folders deeper than this below the root are not read (a guard against link loops). */
export const MAX_DEPTH = 32;
/** How many skipped paths a listing keeps to show (the count is exact). */
const SKIPPED_EXAMPLES = 20;

export interface FolderFile {
  file: File;
  /** Path from the root given, the root's own name first when there is one: 'scans/chair/a.ply'. */
  path: string;
  /** The class folder: the first folder below the root, when the file is inside one. */
  label?: string;
}

export interface FolderListing {
  /** Sorted by path (numbers in names in numeric order). */
  files: FolderFile[];
  /** Files with an extension no format reads. */
  skipped: { count: number; examples: string[]; extensions: string[] };
  /** A data set's lists and class names set aside (train_files.txt, shape_names.txt), by path. */
  lists: string[];
  /** Blender's backups beside the .blend they back up (chair.blend1 beside chair.blend), set aside:
   * read too, they would classify the model again, as it was saved before. By path. */
  backups: string[];
  /** Hidden files and folders passed over (names starting with '.'). */
  hidden: number;
  /** Set when the listing stopped at a limit: what was taken is `files`, and why it stopped. */
  truncated: string | null;
}

export interface ListOptions {
  maxFiles?: number;
  maxVisited?: number;
}

/** One file a walk found: where it is below the root, and how to get it (only asked for files kept). */
interface Found {
  segments: string[];
  getFile: () => Promise<File>;
}

/** A walk yields files and, for the visit count, folders (getFile null). */
type Visit = Found | { segments: string[]; getFile: null };

async function collect(root: string | null, walk: AsyncIterable<Visit>, options: ListOptions = {}): Promise<FolderListing> {
  const maxFiles = options.maxFiles ?? MAX_FILES;
  const maxVisited = options.maxVisited ?? MAX_VISITED;
  // Every file of a known format is noted first (bounded by maxVisited), sorted by path, then cut
  // to maxFiles: the files kept are the first by path, not the first the walk happened to reach.
  const taken: (Omit<FolderFile, 'file'> & { getFile: () => Promise<File> })[] = [];
  const skipped: FolderListing['skipped'] = { count: 0, examples: [], extensions: [] };
  const buffers: { folder: string; path: string; getFile: () => Promise<File> }[] = [];
  /** Files named as a data set's lists or names are: decided once the walk knows their folders. */
  const listLike: { folder: string; name: string; path: string; segments: string[]; getFile: () => Promise<File> }[] = [];
  /** Files named as Blender's backups are: decided once the walk knows the .blend files. */
  const backupLike: { name: string; path: string; segments: string[]; getFile: () => Promise<File> }[] = [];
  /** Folders holding sub-folders (a folder of class folders) or HDF5 files: data sets' folders. */
  const setFolders = new Set<string>();
  const skip = (path: string): void => {
    skipped.count++;
    if (skipped.examples.length < SKIPPED_EXAMPLES) skipped.examples.push(path);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const ext = extensionOf(name) ? `.${extensionOf(name)}` : '(no extension)';
    if (!skipped.extensions.includes(ext)) skipped.extensions.push(ext);
  };
  let hidden = 0;
  let visited = 0;
  let stoppedWalk = false;
  for await (const found of walk) {
    if (++visited > maxVisited) {
      stoppedWalk = true;
      break;
    }
    const { segments } = found;
    if (found.getFile === null) {
      if (segments.length > 0 && isHidden(segments[segments.length - 1])) hidden++;
      continue;
    }
    if (segments.some(isHidden)) {
      hidden++;
      continue;
    }
    const path = (root === null ? segments : [root, ...segments]).join('/');
    const name = segments[segments.length - 1];
    const folder = path.slice(0, path.length - name.length);
    const parts = path.split('/');
    for (let k = 0; k < parts.length - 1; k++) setFolders.add(k === 0 ? '' : `${parts.slice(0, k).join('/')}/`);
    if (DATA_SET_EXTENSIONS.includes(extensionOf(name))) setFolders.add(folder);
    // A .gltf's separate buffers: kept aside, given to the .gltf files of their folder below.
    if (extensionOf(name) === 'bin') {
      buffers.push({ folder, getFile: found.getFile, path });
      continue;
    }
    // Blender's backups: decided below, once every .blend is known.
    if (backedUpBlend(name) !== null) {
      backupLike.push({ name, path, segments, getFile: found.getFile });
      continue;
    }
    // A data set's lists and class names: decided below, once every folder is known.
    if (isSetList(name, true)) {
      listLike.push({ folder, name, path, segments, getFile: found.getFile });
      continue;
    }
    if (!isReadableName(name)) {
      skip(path);
      continue;
    }
    const label = classOf(segments);
    taken.push({ getFile: found.getFile, path, ...(label !== undefined ? { label } : {}) });
  }
  // Named as a set's list, in a folder that holds no set: an ordinary file after all.
  const lists = listLike.filter((l) => isSetList(l.name, setFolders.has(l.folder)));
  for (const l of listLike) {
    if (lists.includes(l)) continue;
    const label = classOf(l.segments);
    taken.push({ getFile: l.getFile, path: l.path, ...(label !== undefined ? { label } : {}) });
  }
  // A backup beside its .blend is set aside; alone, it is read when its name is (a .blend1), else
  // skipped as any other name.
  const blends = new Set(taken.map((t) => t.path));
  const backups: string[] = [];
  for (const b of backupLike) {
    const label = classOf(b.segments);
    if (blends.has(b.path.slice(0, b.path.length - b.name.length) + backedUpBlend(b.name)!)) backups.push(b.path);
    else if (isReadableName(b.name)) taken.push({ getFile: b.getFile, path: b.path, ...(label !== undefined ? { label } : {}) });
    else skip(b.path);
  }
  taken.sort((a, b) => comparePaths(a.path, b.path));
  const kept = taken.slice(0, maxFiles);
  const files: FolderFile[] = [];
  const gltfFolders = new Set(kept.filter((f) => extensionOf(f.path) === 'gltf').map((f) => f.path.slice(0, f.path.lastIndexOf('/') + 1)));
  const companions = new Map<string, File[]>();
  for (const b of buffers) {
    if (gltfFolders.has(b.folder)) {
      companions.set(b.folder, [...(companions.get(b.folder) ?? []), await b.getFile()]);
    } else {
      skipped.count++;
      if (skipped.examples.length < SKIPPED_EXAMPLES) skipped.examples.push(b.path);
      if (!skipped.extensions.includes('.bin')) skipped.extensions.push('.bin');
    }
  }
  const folderOf = (p: string) => p.slice(0, p.lastIndexOf('/') + 1);
  const dataSetFolders = new Set(kept.filter((f) => DATA_SET_EXTENSIONS.includes(extensionOf(f.path))).map((f) => folderOf(f.path)));
  const names = new Map<string, string[]>();
  for (const n of lists) {
    if (!isClassNameFile(n.name) || !dataSetFolders.has(n.folder) || names.has(n.folder)) continue;
    const list = await readClassNames(await n.getFile());
    if (list) names.set(n.folder, list);
  }
  for (const { getFile, ...rest } of kept) {
    const file = await getFile();
    if (extensionOf(rest.path) === 'gltf') setCompanions(file, companions.get(folderOf(rest.path)) ?? []);
    const classNames = names.get(folderOf(rest.path));
    if (classNames && DATA_SET_EXTENSIONS.includes(extensionOf(rest.path))) setClassNames(file, classNames);
    files.push({ file, ...rest });
  }
  const notes: string[] = [];
  if (stoppedWalk) notes.push(`Stopped after looking at ${maxVisited.toLocaleString('en')} files and folders; ${files.length.toLocaleString('en')} files taken.`);
  if (taken.length > maxFiles) {
    notes.push(`Only the first ${maxFiles.toLocaleString('en')} files by path are taken (the limit of one batch); ${(taken.length - maxFiles).toLocaleString('en')} more left out.`);
  }
  skipped.examples.sort(comparePaths);
  return { files, skipped, lists: lists.map((l) => l.path).sort(comparePaths), backups: backups.sort(comparePaths), hidden, truncated: notes.length > 0 ? notes.join(' ') : null };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** A folder, for the visit count. Hidden folders are not entered: their files would all be passed over. */
function counted(segments: string[]): Visit {
  return { segments, getFile: null };
}

// ---------------------------------------------------------------------------------------------
// FileList: <input multiple> or <input webkitdirectory>

/**
 * Files from an input. With `webkitdirectory` every file carries its path below the picked
 * folder's parent ('scans/chair/a.ply'): the first segment is the root. Without it, loose files.
 */
export function listFileList(list: ArrayLike<File>, options?: ListOptions): Promise<FolderListing> {
  const all = Array.from(list);
  const relative = all.map((f) => splitPath(f.webkitRelativePath ?? ''));
  const fromFolder = relative.length > 0 && relative.every((r) => r.length >= 2);
  const root = fromFolder ? relative[0][0] : null;
  async function* walk(): AsyncIterable<Visit> {
    for (let i = 0; i < all.length; i++) {
      const file = all[i];
      // Files of one picked folder share its name as the first segment.
      const segments = fromFolder && relative[i][0] === root ? relative[i].slice(1) : [file.name];
      yield { segments, getFile: async () => file };
    }
  }
  return collect(root, walk(), options);
}

// ---------------------------------------------------------------------------------------------
// Drag and drop: FileSystemEntry trees

/** The parts of FileSystemEntry this module uses (the DOM's types, narrowed for tests). */
export interface EntryLike {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure?: (error: DOMException) => void): void };
}

/** What a drop carried, taken in the drop handler: entries where the browser gives them, else files. */
export interface Dropped {
  entries: EntryLike[];
  /** Dropped items without an entry (a DataTransfer made by a page or a test). */
  files: File[];
}

/** Call inside the drop handler: a DataTransfer's items are emptied once the handler returns. */
export function droppedItems(transfer: DataTransfer): Dropped {
  const entries: EntryLike[] = [];
  const files: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) files.push(file);
    }
  }
  if (entries.length === 0 && files.length === 0) files.push(...Array.from(transfer.files));
  return { entries, files };
}

/** Many files or a folder make a batch; one plain file opens in the viewer. */
export function isBatchDrop(dropped: Dropped): boolean {
  const count = dropped.entries.length + dropped.files.length;
  return count > 1 || dropped.entries.some((e) => e.isDirectory);
}

/** The one plain file of a drop that is not a batch. */
export async function singleDroppedFile(dropped: Dropped): Promise<File | null> {
  if (dropped.files.length === 1 && dropped.entries.length === 0) return dropped.files[0];
  const [entry] = dropped.entries;
  if (dropped.entries.length !== 1 || dropped.files.length > 0 || !entry.isFile) return null;
  return fileOfEntry(entry as FileEntryLike);
}

const fileOfEntry = (entry: FileEntryLike) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** A directory reader answers in batches (Chromium: 100 at a time) until an empty one. */
async function* childrenOf(directory: DirectoryEntryLike): AsyncIterable<EntryLike> {
  const reader = directory.createReader();
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    yield* batch;
  }
}

async function* walkEntry(entry: EntryLike, segments: string[]): AsyncIterable<Visit> {
  if (entry.isFile) {
    yield { segments, getFile: () => fileOfEntry(entry as FileEntryLike) };
    return;
  }
  if (!entry.isDirectory) return;
  yield counted(segments);
  if (segments.length > MAX_DEPTH || (segments.length > 0 && isHidden(entry.name))) return;
  for await (const child of childrenOf(entry as DirectoryEntryLike)) yield* walkEntry(child, [...segments, child.name]);
}

/** Lists a drop. One dropped folder is the root; several items are listed below the drop itself. */
export function listDropped(dropped: Dropped, options?: ListOptions): Promise<FolderListing> {
  const { entries, files } = dropped;
  const oneFolder = entries.length === 1 && files.length === 0 && entries[0].isDirectory;
  async function* walk(): AsyncIterable<Visit> {
    if (oneFolder) {
      yield* walkEntry(entries[0], []);
      return;
    }
    for (const entry of entries) yield* walkEntry(entry, [entry.name]);
    for (const file of files) yield { segments: [file.name], getFile: async () => file };
  }
  return collect(oneFolder ? entries[0].name : null, walk(), options);
}

// ---------------------------------------------------------------------------------------------
// The File System Access API: showDirectoryPicker

/** The parts of FileSystemDirectoryHandle this module uses. */
export interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
export interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

async function* walkHandle(handle: DirectoryHandleLike | FileHandleLike, segments: string[]): AsyncIterable<Visit> {
  if (handle.kind === 'file') {
    yield { segments, getFile: () => handle.getFile() };
    return;
  }
  yield counted(segments);
  if (segments.length > MAX_DEPTH || (segments.length > 0 && isHidden(handle.name))) return;
  for await (const child of handle.values()) yield* walkHandle(child, [...segments, child.name]);
}

/** Lists a picked folder; the folder is the root. */
export function listDirectoryHandle(handle: DirectoryHandleLike, options?: ListOptions): Promise<FolderListing> {
  return collect(handle.name, walkHandle(handle, []), options);
}

type DirectoryPicker = (options?: { mode?: 'read' }) => Promise<DirectoryHandleLike>;

/** showDirectoryPicker, where the browser has it (Chromium); elsewhere the webkitdirectory input serves. */
export function directoryPicker(scope: object = globalThis): DirectoryPicker | null {
  const picker = (scope as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(scope) : null;
}

/** The user closing the picker is not an error. */
export function isPickerAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

// ---------------------------------------------------------------------------------------------

/** One line for the page: what was taken, and what was left out and why. */
export function describeListing(listing: FolderListing): string {
  const { files, skipped, lists, backups, hidden, truncated } = listing;
  const parts = [`${files.length.toLocaleString('en')} ${files.length === 1 ? 'file' : 'files'}`];
  if (skipped.count > 0) parts.push(`${skipped.count.toLocaleString('en')} skipped (not a format the app reads: ${skipped.extensions.join(' ')})`);
  if (lists.length > 0) {
    const shown = lists.slice(0, 3).map((p) => p.slice(p.lastIndexOf('/') + 1));
    parts.push(`${lists.length.toLocaleString('en')} data set ${lists.length === 1 ? 'list' : 'lists'} set aside (${shown.join(', ')}${lists.length > 3 ? ', ...' : ''})`);
  }
  if (backups.length > 0) {
    const shown = backups.slice(0, 3).map((p) => p.slice(p.lastIndexOf('/') + 1));
    parts.push(`${backups.length.toLocaleString('en')} Blender ${backups.length === 1 ? 'backup' : 'backups'} set aside (${shown.join(', ')}${backups.length > 3 ? ', ...' : ''})`);
  }
  if (hidden > 0) parts.push(`${hidden.toLocaleString('en')} hidden passed over`);
  return `${parts.join('; ')}.${truncated ? ` ${truncated}` : ''}`;
}
