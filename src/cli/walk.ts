// The files a command line names, as the app's batch takes a dropped folder: every file of a
// format src/io reads (by extension, the formats table's list) found under a folder, at any depth,
// sorted by path (numbers in names in numeric order); a file's class is the first folder below
// the folder given (<folder>/<class>/.../<file>). These are the rules of the app's folder listing
// (src/files/pathRules.ts, shared with src/files/folder.ts); a data set's lists and class names
// (PointNet's train_files.txt, shape_names.txt: companions.ts isSetList) are set aside, as the app's
// listing sets them aside, an HDF5 set's names read with it (classifyFile.ts classNamesBeside), and
// Blender's backups beside their .blend (chair.blend1) too.
// Files named one by one are read whatever
// their extension (the loaders sniff the content) and have no class. Hidden files and folders
// (".git", ".DS_Store") are skipped, and links to folders are not followed.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DATA_SET_EXTENSIONS, isSetList } from '../files/companions';
import { backedUpBlend, classOf, comparePaths, isHidden, isReadableName } from '../files/pathRules';
import { extensionOf } from '../io/formats';

export interface InputFile {
  /** Path to read. */
  path: string;
  /** How reports name the file: the path as given, or relative to the folder given. */
  name: string;
  /** The sub-folder's name (the true class) when found in a folder of class folders; else null. */
  label: string | null;
}

export class MissingInputError extends Error {
  override name = 'MissingInputError';
}

export interface Walked {
  files: InputFile[];
  /** Files under the folders given that no format reads (not classified, counted for the user). */
  skipped: number;
  /** A data set's lists and class names set aside (train_files.txt, shape_names.txt), by path. */
  lists: string[];
  /** Blender's backups beside the .blend they back up (chair.blend1), set aside, by path. */
  backups: string[];
}

/** The files behind `inputs` (files or folders), in the order given, each folder's in name order. */
export function walkInputs(inputs: readonly string[]): Walked {
  const files: InputFile[] = [];
  const lists: string[] = [];
  const backups: string[] = [];
  let skipped = 0;
  for (const input of inputs) {
    let stats;
    try {
      stats = statSync(input);
    } catch {
      throw new MissingInputError(`no such file or folder: ${input}`);
    }
    if (!stats.isDirectory()) {
      files.push({ path: input, name: input, label: null });
      continue;
    }
    const found: { rel: string[]; full: string }[] = [];
    const visit = (dir: string, rel: string[]) => {
      const entries = readdirSync(dir, { withFileTypes: true });
      // A .gltf's separate buffers beside it are read with it (classifyFile.ts), not skipped.
      const gltfHere = entries.some((e) => extensionOf(e.name) === 'gltf');
      // A folder of HDF5 files or of class folders holds a data set, whose lists lie beside it.
      const setHere = entries.some((e) => (e.isDirectory() && !isHidden(e.name)) || DATA_SET_EXTENSIONS.includes(extensionOf(e.name)));
      for (const entry of entries) {
        if (isHidden(entry.name)) continue;
        if (gltfHere && extensionOf(entry.name) === 'bin') continue;
        if (!entry.isDirectory() && isSetList(entry.name, setHere)) {
          lists.push(path.join(dir, entry.name));
          continue;
        }
        const blend = backedUpBlend(entry.name);
        if (blend !== null && !entry.isDirectory() && entries.some((e) => e.name === blend && !e.isDirectory())) {
          backups.push(path.join(dir, entry.name));
          continue;
        }
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full, [...rel, entry.name]);
        // A link to a file is read; a link to a folder is not followed (one to a parent would never end).
        else if (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile() !== true) continue;
        else if (!isReadableName(entry.name)) skipped++;
        else found.push({ rel: [...rel, entry.name], full });
      }
    };
    visit(input, []);
    found.sort((a, b) => comparePaths(a.rel.join('/'), b.rel.join('/')));
    for (const f of found) files.push({ path: f.full, name: path.join(input, ...f.rel), label: classOf(f.rel) ?? null });
  }
  return { files, skipped, lists, backups };
}
