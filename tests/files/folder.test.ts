// The folder listing: the three ways in (FileList, dropped entries, directory handles) give the same
// flat, sorted list with class labels; hidden and unreadable files are left out and counted; limits hold.
import { describe, expect, it } from 'vitest';
import {
  describeListing,
  directoryPicker,
  droppedItems,
  isBatchDrop,
  isPickerAbort,
  listDirectoryHandle,
  listDropped,
  listFileList,
  singleDroppedFile,
  type DirectoryEntryLike,
  type DirectoryHandleLike,
  type EntryLike,
  type FileEntryLike,
  type FileHandleLike,
} from '../../src/files/folder';
import { classNamesOf, companionsOf } from '../../src/files/companions';

/** A tree written as paths below a root folder. */
const TREE = [
  'chair/chair_10.ply',
  'chair/chair_2.ply',
  'chair/.DS_Store',
  'table/table_1.off',
  'table/notes.md',
  'table/sub/deep.xyz',
  '.git/config',
  'cover.png',
  'Thumbs.db',
];

function fileAt(path: string): File {
  return new File([path], path.split('/').pop()!);
}

/** A File as <input webkitdirectory> gives it: webkitRelativePath from the picked folder's name. */
function pickedFile(root: string, path: string): File {
  const file = fileAt(path);
  Object.defineProperty(file, 'webkitRelativePath', { value: `${root}/${path}` });
  return file;
}

// FileSystemEntry trees as Chromium's drop gives them; the reader answers `batch` entries per call.
type Node = { [name: string]: Node | string };

function treeOf(paths: string[]): Node {
  const root: Node = {};
  for (const path of paths) {
    const parts = path.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Node;
    node[parts[parts.length - 1]] = path;
  }
  return root;
}

function entryOf(name: string, node: Node | string, batch = 2): EntryLike {
  if (typeof node === 'string') {
    const entry: FileEntryLike = { name, isFile: true, isDirectory: false, file: (ok) => ok(fileAt(node)) };
    return entry;
  }
  const children = Object.entries(node).map(([child, sub]) => entryOf(child, sub, batch));
  const entry: DirectoryEntryLike = {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      let at = 0;
      return {
        readEntries(ok) {
          const answer = children.slice(at, at + batch);
          at += answer.length;
          setTimeout(() => ok(answer), 0);
        },
      };
    },
  };
  return entry;
}

function handleOf(name: string, node: Node | string): DirectoryHandleLike | FileHandleLike {
  if (typeof node === 'string') return { kind: 'file', name, getFile: async () => fileAt(node) };
  return {
    kind: 'directory',
    name,
    async *values() {
      for (const [child, sub] of Object.entries(node)) yield handleOf(child, sub);
    },
  };
}

const EXPECTED_PATHS = ['chair/chair_2.ply', 'chair/chair_10.ply', 'table/sub/deep.xyz', 'table/table_1.off'];
const EXPECTED_LABELS = ['chair', 'chair', 'table', 'table'];

describe('the three ways in agree', () => {
  it('webkitdirectory FileList: root is the picked folder, label the first folder below it', async () => {
    const listing = await listFileList(TREE.map((p) => pickedFile('scans', p)));
    expect(listing.files.map((f) => f.path)).toEqual(EXPECTED_PATHS.map((p) => `scans/${p}`));
    expect(listing.files.map((f) => f.label)).toEqual(EXPECTED_LABELS);
    // Hidden: .DS_Store and .git/config; skipped: notes.md, cover.png, Thumbs.db.
    expect(listing.hidden).toBe(2);
    expect(listing.skipped.count).toBe(3);
    expect(listing.skipped.examples).toEqual(['scans/cover.png', 'scans/table/notes.md', 'scans/Thumbs.db']);
    expect(listing.skipped.extensions.sort()).toEqual(['.db', '.md', '.png']);
    expect(listing.truncated).toBeNull();
  });

  it('files directly in the picked folder have no label', async () => {
    const listing = await listFileList(TREE.map((p) => pickedFile('scans', p)));
    expect(listing.files.every((f) => f.label !== undefined)).toBe(true);
    const loose = await listFileList([pickedFile('scans', 'a.ply'), pickedFile('scans', 'b.ply')]);
    expect(loose.files.map((f) => [f.path, f.label])).toEqual([
      ['scans/a.ply', undefined],
      ['scans/b.ply', undefined],
    ]);
  });

  it("a .gltf's separate buffers in its folder go with it; other .bin files are skipped", async () => {
    const listing = await listFileList(
      ['chair/scene.gltf', 'chair/scene.bin', 'chair/textures/wood.png', 'table/table.ply', 'table/cache.bin'].map((p) => pickedFile('scans', p)),
    );
    expect(listing.files.map((f) => f.path)).toEqual(['scans/chair/scene.gltf', 'scans/table/table.ply']);
    expect(companionsOf(listing.files[0]!.file).map((f) => f.name)).toEqual(['scene.bin']);
    expect(companionsOf(listing.files[1]!.file)).toEqual([]);
    expect(listing.skipped.examples).toEqual(['scans/chair/textures/wood.png', 'scans/table/cache.bin']);
    const loose = await listFileList([fileAt('scene.gltf'), fileAt('scene.bin')]);
    expect(loose.files.map((f) => f.path)).toEqual(['scene.gltf']);
    expect(companionsOf(loose.files[0]!.file).map((f) => f.name)).toEqual(['scene.bin']);
  });

  it("Blender's backups beside their .blend are set aside; one alone is read when its name is (.blend1), else skipped", async () => {
    const paths = ['chair/chair.blend', 'chair/chair.blend1', 'chair/chair.blend2', 'table/table.blend1', 'table/old.blend3', 'lamp/lamp.BLEND', 'lamp/lamp.BLEND1'];
    const listing = await listFileList(paths.map((p) => pickedFile('models', p)));
    expect(listing.files.map((f) => f.path)).toEqual(['models/chair/chair.blend', 'models/lamp/lamp.BLEND', 'models/table/table.blend1']);
    expect(listing.backups).toEqual(['models/chair/chair.blend1', 'models/chair/chair.blend2', 'models/lamp/lamp.BLEND1']);
    expect(listing.skipped).toEqual({ count: 1, examples: ['models/table/old.blend3'], extensions: ['.blend3'] });
    expect(describeListing(listing)).toBe('3 files; 1 skipped (not a format the app reads: .blend3); 3 Blender backups set aside (chair.blend1, chair.blend2, lamp.BLEND1).');
  });

  it("a data set's lists and class names are set aside; an HDF5 set's shape_names.txt goes with the files of its folder", async () => {
    const names = new File(['airplane\r\nbathtub\n\n  bed \n'], 'shape_names.txt');
    Object.defineProperty(names, 'webkitRelativePath', { value: 'sets/modelnet40_ply_hdf5_2048/shape_names.txt' });
    const paths = [
      'modelnet40_ply_hdf5_2048/ply_data_test0.h5',
      'modelnet40_ply_hdf5_2048/ply_data_test1.h5',
      'modelnet40_ply_hdf5_2048/train_files.txt', // PointNet's list of its .h5 files
      'modelnet40_normal_resampled/modelnet40_test.txt', // ModelNet40's split list beside its class folders
      'modelnet40_normal_resampled/airplane/airplane_0627.txt',
      'scans/chair.ply',
      'scans/classes.txt',
      'scans/room_test.txt', // a scan: the folder holds no data set
    ];
    const listing = await listFileList(paths.map((p) => pickedFile('sets', p)).concat(names));
    expect(listing.files.map((f) => f.path)).toEqual([
      'sets/modelnet40_normal_resampled/airplane/airplane_0627.txt',
      'sets/modelnet40_ply_hdf5_2048/ply_data_test0.h5',
      'sets/modelnet40_ply_hdf5_2048/ply_data_test1.h5',
      'sets/scans/chair.ply',
      'sets/scans/room_test.txt',
    ]);
    expect(listing.files.map((f) => classNamesOf(f.file))).toEqual([undefined, ['airplane', 'bathtub', 'bed'], ['airplane', 'bathtub', 'bed'], undefined, undefined]);
    expect(listing.lists).toEqual(['sets/modelnet40_normal_resampled/modelnet40_test.txt', 'sets/modelnet40_ply_hdf5_2048/shape_names.txt', 'sets/modelnet40_ply_hdf5_2048/train_files.txt', 'sets/scans/classes.txt']);
    expect(listing.skipped.count).toBe(0);
    expect(describeListing(listing)).toBe('5 files; 4 data set lists set aside (modelnet40_test.txt, shape_names.txt, train_files.txt, ...).');
  });

  it('loose files (<input multiple>) have names as paths and no labels', async () => {
    const listing = await listFileList([fileAt('b.ply'), fileAt('a10.obj'), fileAt('a9.obj'), fileAt('x.doc')]);
    expect(listing.files.map((f) => f.path)).toEqual(['a9.obj', 'a10.obj', 'b.ply']);
    expect(listing.files.every((f) => f.label === undefined)).toBe(true);
    expect(listing.skipped.count).toBe(1);
  });

  it('one dropped folder is the root; its reader is read batch by batch to the end', async () => {
    const dropped = { entries: [entryOf('scans', treeOf(TREE), 1)], files: [] };
    expect(isBatchDrop(dropped)).toBe(true);
    const listing = await listDropped(dropped);
    expect(listing.files.map((f) => f.path)).toEqual(EXPECTED_PATHS.map((p) => `scans/${p}`));
    expect(listing.files.map((f) => f.label)).toEqual(EXPECTED_LABELS);
    // .DS_Store, and the .git folder (not entered).
    expect(listing.hidden).toBe(2);
    expect(listing.skipped.count).toBe(3);
    // The File objects are the ones the entries hold.
    expect(await listing.files[0].file.text()).toBe('chair/chair_2.ply');
  });

  it('several dropped folders: each is a class', async () => {
    const tree = treeOf(TREE);
    const dropped = { entries: [entryOf('table', tree.table as Node), entryOf('chair', tree.chair as Node)], files: [] };
    const listing = await listDropped(dropped);
    expect(listing.files.map((f) => f.path)).toEqual(EXPECTED_PATHS);
    expect(listing.files.map((f) => f.label)).toEqual(EXPECTED_LABELS);
  });

  it('a directory handle lists like the drop', async () => {
    const listing = await listDirectoryHandle(handleOf('scans', treeOf(TREE)) as DirectoryHandleLike);
    expect(listing.files.map((f) => f.path)).toEqual(EXPECTED_PATHS.map((p) => `scans/${p}`));
    expect(listing.files.map((f) => f.label)).toEqual(EXPECTED_LABELS);
    expect(listing.hidden).toBe(2);
  });
});

describe('limits', () => {
  const many = Array.from({ length: 12 }, (_, i) => pickedFile('root', `c/f${i}.ply`));

  it('stops at maxFiles with a message, keeping the first files found', async () => {
    const listing = await listFileList(many, { maxFiles: 5 });
    expect(listing.files).toHaveLength(5);
    expect(listing.truncated).toMatch(/first 5 files/);
    expect(describeListing(listing)).toMatch(/^5 files\. Only the first 5 files/);
  });

  it('keeps the first maxFiles by path, whatever order the walk finds them in', async () => {
    const listing = await listFileList([...many].reverse(), { maxFiles: 5 });
    expect(listing.files.map((f) => f.path)).toEqual([0, 1, 2, 3, 4].map((i) => `root/c/f${i}.ply`));
    expect(listing.truncated).toMatch(/by path.*7 more left out/);
  });

  it('exactly maxFiles files is not truncated', async () => {
    const listing = await listFileList(many.slice(0, 5), { maxFiles: 5 });
    expect(listing.files).toHaveLength(5);
    expect(listing.truncated).toBeNull();
  });

  it('stops a walk after maxVisited entries', async () => {
    const listing = await listDropped({ entries: [entryOf('scans', treeOf(TREE))], files: [] }, { maxVisited: 4 });
    expect(listing.truncated).toMatch(/Stopped after looking at 4/);
    expect(listing.files.length).toBeLessThan(4);
  });
});

describe('drops', () => {
  /** A DataTransfer-shaped object: items with or without entries. */
  function transfer(items: { entry: EntryLike | null; file: File }[]): DataTransfer {
    return {
      items: items.map(({ entry, file }) => ({ kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => file })),
      files: items.map((i) => i.file),
    } as unknown as DataTransfer;
  }

  it('one plain file is not a batch and opens as it is', async () => {
    const file = fileAt('a.ply');
    const dropped = droppedItems(transfer([{ entry: null, file }]));
    expect(isBatchDrop(dropped)).toBe(false);
    expect(await singleDroppedFile(dropped)).toBe(file);
  });

  it('one file entry is not a batch either', async () => {
    const dropped = droppedItems(transfer([{ entry: entryOf('a.ply', 'a.ply'), file: fileAt('a.ply') }]));
    expect(isBatchDrop(dropped)).toBe(false);
    expect(await (await singleDroppedFile(dropped))?.text()).toBe('a.ply');
  });

  it('two files, or one folder, are a batch', async () => {
    expect(isBatchDrop(droppedItems(transfer([{ entry: null, file: fileAt('a.ply') }, { entry: null, file: fileAt('b.ply') }])))).toBe(true);
    const folder = droppedItems(transfer([{ entry: entryOf('d', treeOf(['x.ply'])), file: fileAt('d') }]));
    expect(isBatchDrop(folder)).toBe(true);
    expect(await singleDroppedFile(folder)).toBeNull();
  });

  it('files without entries are listed as loose files', async () => {
    const listing = await listDropped(droppedItems(transfer([{ entry: null, file: fileAt('b.ply') }, { entry: null, file: fileAt('a.off') }])));
    expect(listing.files.map((f) => [f.path, f.label])).toEqual([
      ['a.off', undefined],
      ['b.ply', undefined],
    ]);
  });
});

describe('the directory picker', () => {
  it('is offered only where the browser has one', () => {
    expect(directoryPicker({})).toBeNull();
    const scope = { showDirectoryPicker: async () => handleOf('x', {}) as DirectoryHandleLike };
    expect(directoryPicker(scope)).toBeTypeOf('function');
  });

  it('closing it is not an error', () => {
    expect(isPickerAbort(new DOMException('closed', 'AbortError'))).toBe(true);
    expect(isPickerAbort(new DOMException('denied', 'NotAllowedError'))).toBe(false);
    expect(isPickerAbort(new Error('AbortError'))).toBe(false);
  });
});

it('describes what it left out', async () => {
  const listing = await listFileList(TREE.map((p) => pickedFile('scans', p)));
  expect(describeListing(listing)).toBe('4 files; 3 skipped (not a format the app reads: .md .png .db); 2 hidden passed over.');
});
