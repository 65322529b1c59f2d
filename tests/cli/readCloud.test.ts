// The CLI's reader (src/cli/classifyFile.ts readCloud): the models of a file of several (an
// archive, a batch) are jobs of their own (--archive-models), and a worker thread keeps the last
// such file's bytes, by path, size and date, rather than reading the file again for each model.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { afterAll, expect, test } from 'vitest';
import { readCloud } from '../../src/cli/classifyFile';
import { testCloud, toPly } from '../../e2e/modelnet';

const work = mkdtempSync(path.join(tmpdir(), 'read-cloud-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("an archive's models are read from the bytes kept for it while the file is unchanged (path, size, date)", async () => {
  const file = path.join(work, 'set.zip');
  writeFileSync(file, zipSync({ 'set/chair.ply': toPly(testCloud('chair_0890').points), 'set/plane.ply': toPly(testCloud('airplane_0627').points) }));
  const date = new Date(Math.floor(Date.now() / 1000) * 1000); // whole seconds: a date set again is the same
  utimesSync(file, date, date);
  const first = await readCloud(file);
  expect(first.loaded.archive?.models.length).toBe(2);
  const plane = Array.from((await readCloud(file, false, 'set/plane.ply')).positions);
  // The same size and date, other bytes: still read from the bytes kept.
  writeFileSync(file, new Uint8Array(statSync(file).size));
  utimesSync(file, date, date);
  expect(Array.from((await readCloud(file, false, 'set/plane.ply')).positions)).toEqual(plane);
  expect(Array.from((await readCloud(file, false, 'set/chair.ply')).positions)).toEqual(Array.from(first.positions));
  // A later date: the file is read again (and these bytes are no zip).
  utimesSync(file, date, new Date(date.getTime() + 5000));
  await expect(readCloud(file, false, 'set/plane.ply')).rejects.toThrow('the zip archive cannot be read');
  expect(readFileSync(file).every((b) => b === 0)).toBe(true);
}, 120_000);
