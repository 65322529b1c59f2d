// HDF5 (src/io/hdf5.ts): files written by h5py, the HDF5 library itself (tests/io/hdf5Write.py),
// in the layouts point-cloud data sets and people's scripts produce; each cloud read is the cloud
// NumPy saved beside it, point for point. A batch of clouds is a file of several models.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LoadError, type LoadResult, loadFile } from '../../src/io/index';
import { damagedOutcomes, expectError } from './expectLoad';

const dir = mkdtempSync(path.join(tmpdir(), 'hdf5-'));
beforeAll(() => {
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'hdf5Write.py'), dir], { stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => new Uint8Array(readFileSync(path.join(dir, name)));
const read = (name: string, entry?: string): LoadResult => loadFile(name, file(name), { seed: 1, ...(entry === undefined ? {} : { archiveEntry: entry }) });
const samePoints = (a: LoadResult, b: LoadResult) => Buffer.compare(Buffer.from(a.cloud.positions.buffer), Buffer.from(b.cloud.positions.buffer)) === 0;

describe('HDF5 as h5py writes it', () => {
  test("PointNet's ModelNet40 layout: 40 clouds, each named with its label, cloud 17 = NumPy's cloud 17", () => {
    const first = read('modelnet.h5');
    const labels = Array.from(file('labels.npy').subarray(-40));
    expect(first.archive?.models).toEqual(labels.map((l, i) => `data[${i}] (label ${l})`));
    expect(first.warnings.slice(0, 2)).toEqual([
      "HDF5: the array holds 40 clouds (shape (40, 256, 3)); read 'data[0] (label " + labels[0] + ")' (pick another under File; Batch gives each its row; the CLI's --archive-models classifies each)",
      "HDF5: read the dataset 'data' of 'data', 'normal'",
    ]);
    expect(samePoints(first, read('batch.npy'))).toBe(true);
    const name = `data[17] (label ${labels[17]})`;
    const cloud17 = read('modelnet.h5', name);
    expect(cloud17.archive?.read).toBe(name);
    expect(samePoints(cloud17, read('batch.npy', 'clouds[17]'))).toBe(true);
    // and both are NumPy's cloud 17: its first point, from the .npy's bytes
    const npy = file('batch.npy');
    const values = new Float32Array(npy.slice(npy.length - 40 * 256 * 3 * 4).buffer);
    expect(Array.from(cloud17.cloud.positions.subarray(0, 3))).toEqual(Array.from(values.subarray(17 * 256 * 3, 17 * 256 * 3 + 3)));
    expect(() => read('modelnet.h5', 'data[40]')).toThrow("HDF5: the dataset 'data' holds no cloud 'data[40]'");
  });

  test.each([
    ['contiguous.h5', 'batch.npy'], // no chunks; labels as a flat array
    ['lzf.h5', 'batch.npy'],
    ['shuffle-fletcher.h5', 'batch.npy'], // chunks across clouds, shuffle, gzip, Fletcher-32 checked
    ['deep-tree.h5', 'batch.npy'], // 640 chunks: a B-tree of two levels
    ['big-endian-f8.h5', 'batch-f8.npy'],
    ['int16.h5', 'batch-i2.npy'],
    ['latest-fixed-array.h5', 'batch.npy'], // libver='latest': superblock 3, layout 4, a fixed array of chunks
    ['latest-one-chunk.h5', 'batch.npy'],
    ['latest-implicit.h5', 'batch.npy'],
  ])('%s: every fifth cloud is the one NumPy saved', (h5, npy) => {
    for (let i = 0; i < 40; i += 5) {
      const r = read(h5, read(h5).archive!.models[i]);
      expect(samePoints(r, read(npy, `clouds[${i}]`))).toBe(true);
    }
  });

  test('one cloud in a nested group with normals, channels first, compact, after a user block', () => {
    const room = read('one-cloud.h5');
    expect([room.archive, room.cloud.count > 250, room.cloud.normals !== undefined]).toEqual([undefined, true, true]);
    const alone = read('batch.npy', 'clouds[3]');
    expect(Array.from(room.cloud.positions.subarray(0, 6))).toEqual(Array.from(alone.cloud.positions.subarray(0, 6)));
    const first = read('channels-first.h5');
    expect(samePoints(first, room)).toBe(true);
    expect(first.warnings).toContain("HDF5: the dataset 'xyz' is read as channels first (shape (3, 256): 3 rows of 256 values, x y z first), as PyTorch code lays points out");
    const compact = read('compact.h5');
    expect(compact.cloud.count).toBe(20);
    expect(Array.from(compact.cloud.positions.subarray(0, 3))).toEqual(Array.from(read('batch.npy').cloud.positions.subarray(0, 3)));
    expect(read('user-block.h5').archive?.models).toEqual(['data[0]', 'data[1]']);
  });

  test('refused with the reason', () => {
    expectError('growable.h5', file('growable.h5'), 'unsupported', "HDF5: the dataset 'data' indexes its chunks with an extensible array (a dataset that can grow, written with libver='latest'), which is not read; save it with h5py's defaults or without maxshape");
    expectError('many-members.h5', file('many-members.h5'), 'unsupported', "HDF5: the root group keeps its members in dense link storage (a fractal heap), which is not read; save the file with h5py's defaults");
    expectError('images.h5', file('images.h5'), 'unsupported', "HDF5: no dataset holds points as rows of x, y, z (it holds 'images' (4 x 28 x 28))");
    expectError('scaleoffset.h5', file('scaleoffset.h5'), 'unsupported', "HDF5: the dataset 'data' is compressed with scaleoffset, which is not read; save it with gzip or lzf compression (h5py: compression='gzip')");
    const good = file('modelnet.h5');
    expectError('cut.h5', good.subarray(0, 3000), 'truncated', /^HDF5: .+ runs past the end of the file \(3,000 bytes\): is it cut short\?$/);
    // A changed byte in a chunk fails its Fletcher-32 checksum, said so.
    const checked = file('shuffle-fletcher.h5');
    const said = new Set<string>();
    for (let at = checked.length - 3000; at < checked.length; at += 97) {
      const changed = checked.slice();
      changed[at] ^= 0x01;
      for (let i = 0; i < 40; i += 7) {
        try {
          loadFile('x.h5', changed, { archiveEntry: `data[${i}]` });
        } catch (error) {
          if (!(error instanceof LoadError)) throw error;
          said.add(error.message.replace(/(?<= )\d[\d,]*/g, 'N'));
        }
      }
    }
    expect([...said], [...said].join('\n')).toContain('HDF5: the dataset \'data\': a chunk at byte N fails its Fletcher-32 checksum (damaged)');
  });

  test('80 cut or byte-changed files: a cloud or a LoadError, never another exception', () => {
    for (const name of ['modelnet.h5', 'latest-fixed-array.h5']) {
      const { refused } = damagedOutcomes(name, file(name), { seed: name.length, count: 40 });
      expect(refused).toBeGreaterThan(5);
    }
  });
});
