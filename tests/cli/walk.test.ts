// The Node folder walk follows the app's folder rules (src/files/folder.ts): readable formats
// only, hidden entries passed over, numeric name order, the first folder below the root as class.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingInputError, walkInputs } from '../../src/cli/walk';

const root = mkdtempSync(path.join(tmpdir(), 'any2point-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const touch = (rel: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), 'x');
};
for (const f of ['chair/c10.ply', 'chair/c9.PLY', 'chair/old/c1.obj', 'lamp/l1.xyz', 'lamp/notes.md', 'loose.stl', '.hidden/h.ply', 'lamp/.l0.ply', 'b.off']) touch(f);
symlinkSync(root, path.join(root, 'chair', 'loop'));

describe('walkInputs', () => {
  it('lists a folder: readable files in numeric path order, labelled by their class folder', () => {
    const { files, skipped } = walkInputs([root]);
    expect(files.map((f) => [path.relative(root, f.path), f.label])).toEqual([
      ['b.off', null],
      ['chair/c9.PLY', 'chair'],
      ['chair/c10.ply', 'chair'],
      ['chair/old/c1.obj', 'chair'],
      ['lamp/l1.xyz', 'lamp'],
      ['loose.stl', null],
    ]);
    expect(files[1].name).toBe(path.join(root, 'chair', 'c9.PLY'));
    expect(skipped).toBe(1); // notes.md; hidden entries and the link back to the root are not counted
  });

  it('takes a file named on the command line whatever its extension, without a class', () => {
    const { files } = walkInputs([path.join(root, 'lamp', 'notes.md'), path.join(root, 'lamp')]);
    expect(files.map((f) => [path.basename(f.path), f.label])).toEqual([['notes.md', null], ['l1.xyz', null]]);
  });

  it("passes over a .gltf's separate buffers beside it (read with it), counts other .bin files as skipped", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-walk-gltf-'));
    for (const f of ['model/scene.gltf', 'model/scene.bin', 'cache/data.bin']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), 'x');
    }
    const { files, skipped } = walkInputs([dir]);
    expect([files.map((f) => path.relative(dir, f.path)), skipped]).toEqual([['model/scene.gltf'], 1]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("sets a data set's lists and class names aside, as the app's listing does; a scan named like one is read where no set is", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-walk-h5-'));
    const all = ['modelnet40/ply_data_test0.h5', 'modelnet40/shape_names.txt', 'modelnet40/test_files.txt', 'resampled/modelnet40_train.txt', 'resampled/chair/chair_0001.txt', 'scans/chair.xyz', 'scans/Classes.txt', 'scans/room_test.txt'];
    for (const f of all) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), 'x');
    }
    const { files, skipped, lists } = walkInputs([dir]);
    expect([files.map((f) => path.relative(dir, f.path)), skipped]).toEqual([['modelnet40/ply_data_test0.h5', 'resampled/chair/chair_0001.txt', 'scans/chair.xyz', 'scans/room_test.txt'], 0]);
    expect(lists.map((f) => path.relative(dir, f)).sort()).toEqual(['modelnet40/shape_names.txt', 'modelnet40/test_files.txt', 'resampled/modelnet40_train.txt', 'scans/Classes.txt']);
    rmSync(dir, { recursive: true, force: true });
  });

  it("sets Blender's backups beside their .blend aside, as the app's listing does", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-walk-blend-'));
    for (const f of ['chair/chair.blend', 'chair/chair.blend1', 'chair/chair.blend2', 'table/table.blend1', 'table/old.blend3']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), 'x');
    }
    const { files, skipped, backups } = walkInputs([dir]);
    expect([files.map((f) => path.relative(dir, f.path)), skipped]).toEqual([['chair/chair.blend', 'table/table.blend1'], 1]);
    expect(backups.map((f) => path.relative(dir, f)).sort()).toEqual(['chair/chair.blend1', 'chair/chair.blend2']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a path that does not exist', () => {
    expect(() => walkInputs([path.join(root, 'nope')])).toThrow(MissingInputError);
    expect(() => walkInputs([path.join(root, 'nope')])).toThrow(/no such file or folder: .*nope/);
  });
});
