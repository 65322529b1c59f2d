// HDF5 (src/io/hdf5.ts): files written by h5py, the HDF5 library itself (tests/io/hdf5Write.py),
// in the layouts point-cloud data sets and people's scripts produce; each cloud read is the cloud
// NumPy saved beside it, point for point. A batch of clouds is a file of several models.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HDF5_PAGE_BYTES, parseHdf5, parseHdf5Sliced } from '../../src/io/hdf5';
import { LoadError, type LoadResult, loadFile } from '../../src/io/index';
import { loadLargeFile } from '../../src/io/largeFile';
import { LIMITS } from '../../src/io/limits';
import type { Parsed } from '../../src/io/types';
import { createRandom } from '../../src/geometry/random';
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

/** A parse's outcome, the cloud or the error (a structure read past the file's end says where
 * the whole file's DataView or the pages' bounds check noticed it: that detail is left out). */
type Outcome = { parsed: Parsed } | { error: string };
const outcome = (run: () => Parsed): Outcome => {
  try {
    return { parsed: run() };
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return { error: error.message.replace(/\(a structure points past its end: .*\)$/, '(...)') };
  }
};
/** parseHdf5Sliced over bytes held here, counting what it reads. */
async function byPages(bytes: Uint8Array, entry?: string, pageBytes = 4096): Promise<{ outcome: Outcome; read: number }> {
  let read = 0;
  const range = async (from: number, to: number) => {
    read += to - from;
    return bytes.slice(from, to);
  };
  try {
    return { outcome: { parsed: await parseHdf5Sliced(bytes.length, range, entry, pageBytes) }, read };
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return { outcome: { error: error.message.replace(/\(a structure points past its end: .*\)$/, '(...)') }, read };
  }
}

describe('HDF5 over 256 MiB, read by pages', () => {
  test('every cloud of every file, and every refusal, as the file read whole; a cloud reads only its pages', async () => {
    const names = ['modelnet.h5', 'contiguous.h5', 'lzf.h5', 'shuffle-fletcher.h5', 'deep-tree.h5', 'big-endian-f8.h5', 'int16.h5', 'one-cloud.h5', 'channels-first.h5', 'latest-fixed-array.h5', 'latest-one-chunk.h5', 'latest-implicit.h5', 'compact.h5', 'user-block.h5', 'growable.h5', 'many-members.h5', 'images.h5', 'scaleoffset.h5'];
    let compared = 0;
    for (const name of names) {
      const bytes = file(name);
      const whole = outcome(() => parseHdf5(bytes));
      const models = 'parsed' in whole ? (whole.parsed.archive?.models ?? [undefined]) : [undefined];
      for (const entry of models) {
        for (const pageBytes of [512, 4096, HDF5_PAGE_BYTES]) {
          const paged = await byPages(bytes, entry, pageBytes);
          expect(paged.outcome, `${name} ${entry} ${pageBytes}`).toEqual(outcome(() => parseHdf5(bytes, entry)));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3 * 300);
    // One cloud of 40, stored contiguously or in chunks: a small part of the file is read.
    for (const name of ['contiguous.h5', 'deep-tree.h5', 'latest-fixed-array.h5']) {
      const bytes = file(name);
      const { read } = await byPages(bytes, 'data[17]', 512);
      expect(read, name).toBeLessThan(bytes.length / 4);
    }
  });

  test('80 cut or byte-changed files each end as the file read whole does', async () => {
    const random = createRandom(23);
    for (const name of ['modelnet.h5', 'latest-fixed-array.h5', 'deep-tree.h5']) {
      const good = file(name);
      for (let k = 0; k < 80; k++) {
        const damaged = good.slice(0, k % 2 === 0 ? Math.floor(random() * good.length) : good.length);
        if (k % 2 === 1) damaged[Math.floor(random() * good.length)] = Math.floor(random() * 256);
        const paged = await byPages(damaged, undefined, 1024);
        expect(paged.outcome, `${name} ${k}`).toEqual(outcome(() => parseHdf5(damaged)));
      }
    }
  });

  test("a 258 MiB batch of 11,000 clouds (ScanObjectNN's size): the last cloud read, 2 MiB of the file read", async () => {
    const large = path.join(dir, 'large.h5');
    // Written sparse: only clouds 0 and 10,999 and the labels take disk space.
    const script = `import h5py, numpy as np, sys
batch = np.load(sys.argv[1])
with h5py.File(sys.argv[2], 'w') as f:
    d = f.create_dataset('data', (11000, 2048, 3), '<f4')
    d[0] = np.tile(batch[3], (8, 1))
    d[10999] = np.tile(batch[5], (8, 1))
    f.create_dataset('label', data=(np.arange(11000) % 40).astype('u1').reshape(-1, 1))
np.save(sys.argv[3], np.tile(batch[3], (8, 1)))
np.save(sys.argv[4], np.tile(batch[5], (8, 1)))`;
    execFileSync('/usr/bin/python3', ['-c', script, path.join(dir, 'batch.npy'), large, path.join(dir, 'first.npy'), path.join(dir, 'last.npy')]);
    const bytes = file('large.h5');
    expect(bytes.length).toBeGreaterThan(LIMITS.maxFileBytes);
    expect(() => loadFile('large.h5', bytes)).toThrow('HDF5: the file is 270,');
    let readBytes = 0;
    const range = async (from: number, to: number) => {
      readBytes += to - from;
      return bytes.slice(from, to);
    };
    const first = await loadLargeFile('large.h5', bytes.length, range);
    expect([first.archive?.models.length, first.archive?.read, samePoints(first, read('first.npy'))]).toEqual([11000, 'data[0] (label 0)', true]);
    const last = await loadLargeFile('large.h5', bytes.length, range, { archiveEntry: 'data[10999] (label 39)' });
    expect(last.archive?.read).toBe('data[10999] (label 39)');
    expect(samePoints(last, read('last.npy'))).toBe(true);
    expect(readBytes).toBeLessThan(2 * 1024 * 1024 + 2 * 1024 * 1024); // two loads: each its first MiB (the format's sniff) and a few pages
    await expect(loadLargeFile('large.h5', bytes.length, range, { archiveEntry: 'data[11000]' })).rejects.toThrow("HDF5: the dataset 'data' holds no cloud 'data[11000]'");
  });
});
