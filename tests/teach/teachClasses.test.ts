// The teach form's pure parts (src/ui/teach/teachClasses.ts): folder listings grouped into
// classes, what stops teaching, and the time-left estimate. Expected values are worked by hand.
import { describe, expect, it } from 'vitest';
import type { FolderFile } from '../../src/files/folder';
import { headName, mergeListing, newClass, secondsLeft, teachProblem, type TeachClass } from '../../src/ui/teach/teachClasses';

const file = (name: string) => new File([new Uint8Array([1])], name);
const listed = (path: string, label?: string): FolderFile => ({ file: file(path.split('/').pop() ?? path), path, label });
const names = (classes: TeachClass[]) => classes.map((c) => [c.name, c.files.map((f) => f.path)]);

describe('mergeListing', () => {
  it('fills the empty starting rows first, then adds classes; loose files are counted, not added', () => {
    const start = [newClass(), newClass()];
    const { classes, unlabelled } = mergeListing(start, [
      listed('shapes/chair/a.ply', 'chair'),
      listed('shapes/lamp/b.ply', 'lamp'),
      listed('shapes/chair/c.ply', 'chair'),
      listed('shapes/table/d.off', 'table'),
      listed('shapes/readme.xyz'),
    ]);
    expect(names(classes)).toEqual([
      ['chair', ['shapes/chair/a.ply', 'shapes/chair/c.ply']],
      ['lamp', ['shapes/lamp/b.ply']],
      ['table', ['shapes/table/d.off']],
    ]);
    expect(unlabelled).toBe(1);
    // The rows kept their keys (React keeps their inputs), and the input was not changed.
    expect(classes.slice(0, 2).map((c) => c.key)).toEqual(start.map((c) => c.key));
    expect(start.every((c) => c.name === '' && c.files.length === 0)).toBe(true);
  });

  it('joins a class named like the folder, and the same path twice counts once', () => {
    const chair = newClass('chair', [{ file: file('x.ply'), path: 'x.ply' }]);
    const { classes } = mergeListing([chair], [listed('s/chair/y.ply', 'chair'), listed('s/chair/y.ply', 'chair')]);
    expect(names(classes)).toEqual([['chair', ['x.ply', 's/chair/y.ply']]]);
  });
});

describe('teachProblem', () => {
  const f = [{ file: file('a.ply'), path: 'a.ply' }];
  it('asks for two named classes with files', () => {
    expect(teachProblem([newClass(), newClass()])).toMatch(/at least 2 classes/);
    expect(teachProblem([newClass('chair', f), newClass()])).toMatch(/at least 2 classes/);
    expect(teachProblem([newClass('chair', f), newClass('', f)])).toBe('Class 2 has files but no name.');
    expect(teachProblem([newClass('chair', f), newClass(' chair ', f)])).toMatch(/Two classes are named "chair"/);
    expect(teachProblem([newClass('chair', f), newClass('lamp')])).toBe('Class "lamp" has no files yet.');
    expect(teachProblem([newClass('chair', f), newClass('lamp', f), newClass()])).toBeNull();
  });
});

describe('secondsLeft and headName', () => {
  it('extrapolates the mean pace', () => {
    expect(secondsLeft(0, 10, 0)).toBeNull();
    expect(secondsLeft(2, 10, 3000)).toBe(12); // 1.5 s a file, 8 to go
    expect(secondsLeft(10, 10, 9000)).toBe(0);
    expect(headName(['chair', 'lamp'])).toBe('chair · lamp');
  });
});
