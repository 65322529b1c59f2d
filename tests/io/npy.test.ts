// NumPy arrays (.npy, .npz) as NumPy itself writes them (tests/fixtures/loaders, written by
// training/any2point/tools/loader_fixtures.py; test_meshio.py reads the same files).
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { expectError, expectWellFormed, load } from './expectLoad';
import { FAR, expectSpiral, fixture } from './loaderFixtures';

const F32 = 1e-6;

describe('NumPy', () => {
  test('N x 3 float32, as np.save writes it', () => {
    const r = load('cloud.npy', fixture('rows-f4.npy'));
    expect([r.format, r.kind, r.vertexCount, r.warnings]).toEqual(['npy', 'points', 100, []]);
    expectWellFormed(r);
    expectSpiral(r, F32);
  });

  test('float64 in Fortran order, format version 2', () => {
    expectSpiral(load('cloud.npy', fixture('rows-f8-fortran-v2.npy')), F32);
  });

  test('big-endian float64', () => {
    expectSpiral(load('cloud.npy', fixture('big-endian-f8.npy')), F32);
  });

  test('channels first (3 x N, as PyTorch code lays points out) is read as points, with a note', () => {
    const r = load('cloud.npy', fixture('channels-first-f4.npy'));
    expectSpiral(r, F32);
    expect(r.warnings).toEqual(['NumPy: the array is read as channels first (shape (3, 100): 3 rows of 100 values, x y z first), as PyTorch code lays points out']);
  });

  test('a batch of one (1 x N x 6) with unit normals in columns 4-6', () => {
    const r = load('cloud.npy', fixture('batch-of-one-normals.npy'));
    expectSpiral(r, F32);
    expect(r.warnings).toEqual([]);
    expect(r.cloud.normals).toBeDefined();
    const [x, y, z] = [r.cloud.positions[3], r.cloud.positions[4], r.cloud.positions[5]].map(Number) as [number, number, number];
    const length = Math.hypot(x, y, z);
    expect(r.cloud.normals![3]).toBeCloseTo(x / length, 5);
  });

  test('map coordinates in float64 keep their detail (shifted, with the offset reported)', () => {
    const r = load('cloud.npy', fixture('far-f8.npy'));
    expect(r.offset).toEqual([512346, 5401234, 100]);
    expectSpiral(r, 1e-5, 0, FAR);
    expect(r.warnings.some((w) => w.startsWith('coordinates far from zero'))).toBe(true);
  });

  test('integers (millimetres in int16)', () => {
    const r = load('cloud.npy', fixture('int16-mm.npy'));
    expect(r.cloud.count).toBe(100);
    expect(r.bounds.max[2]).toBe(3960);
  });

  test('.npz: the array named like a cloud, or the only one (np.savez_compressed)', () => {
    const named = load('cloud.npz', fixture('named.npz'));
    expectSpiral(named, F32);
    expect(named.warnings).toEqual(["NumPy: read the array 'points' of 'labels', 'points'"]);
    const only = load('cloud.npz', fixture('compressed.npz'));
    expectSpiral(only, F32);
    expect(only.warnings).toEqual([]);
  });

  test('recognised by content under another name', () => {
    expect(load('cloud.bin', fixture('rows-f4.npy')).format).toBe('npy');
    expect(load('cloud.bin', fixture('named.npz')).format).toBe('npy');
  });

  test('a batch of clouds (2 x 100 x 3): each cloud a model of the file, the first read unless another is named', () => {
    const first = load('b.npy', fixture('batch.npy'));
    expect([first.cloud.count, first.archive]).toEqual([100, { models: ['clouds[0]', 'clouds[1]'], read: 'clouds[0]' }]);
    expect(first.warnings[0]).toBe("NumPy: the array holds 2 clouds (shape (2, 100, 3)); read 'clouds[0]' (pick another under File; Batch gives each its row; the CLI's --archive-models classifies each)");
    const second = loadFile('b.npy', fixture('batch.npy'), { seed: 1, archiveEntry: 'clouds[1]' });
    expect(second.archive?.read).toBe('clouds[1]');
    expect(second.cloud.count).toBe(100); // the fixture's two clouds are the same points; hdf5.test.ts reads batches of different ones
    expect(() => loadFile('b.npy', fixture('batch.npy'), { archiveEntry: 'clouds[2]' })).toThrow("NumPy: the array holds no cloud 'clouds[2]' (it holds clouds[0] to clouds[1])");
  });

  test('a batch of more clouds than LIMITS.maxBatchClouds is refused, not listed', () => {
    // np.save of a float32 array (100001, 1, 3): a header padded to 128 bytes, then the values.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (100001, 1, 3), }";
    const header = `${dict}${' '.repeat(128 - 10 - dict.length - 1)}\n`;
    const bytes = new Uint8Array(10 + header.length + 100001 * 12);
    bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length, 0]);
    bytes.set(new TextEncoder().encode(header), 10);
    expectError('many.npy', bytes, 'too-large', 'NumPy: the array has shape (100001, 1, 3): 100,001 clouds; the limit is 100,000 clouds a file (LIMITS.maxBatchClouds): split it');
  });

  test('refused with what to save instead', () => {
    expectError('f.npy', fixture('flat.npy'), 'unsupported', 'NumPy: the array is a flat array of 300 values; save the points as rows of x, y, z (e.g. a.reshape(-1, 3))');
    expectError('s.npy', fixture('structured.npy'), 'unsupported', "NumPy: the array is a structured array (named fields); save x, y, z as a plain N x 3 array, e.g. np.stack([a['x'], a['y'], a['z']], axis=1)");
    expectError('o.npy', fixture('objects.npy'), 'unsupported', 'NumPy: the array holds Python objects (pickled), which are not read');
    expectError('u.npz', fixture('unnamed.npz'), 'unsupported', "NumPy: the .npz holds 2 arrays ('a', 'b') and none is named like a cloud; save the cloud as 'points' (np.savez('cloud.npz', points=xyz))");
  });

  test('broken files: short, padded, a bad header, not a zip', () => {
    const good = fixture('rows-f4.npy');
    expectError('t.npy', good.subarray(0, good.length - 5), 'truncated', "NumPy: the array has shape (100, 3) of '<f4' (1,200 bytes of values), but the file ends after 1,195");
    const padded = new Uint8Array(good.length + 4);
    padded.set(good);
    expectError('p.npy', padded, 'malformed', "NumPy: the array has shape (100, 3) of '<f4' (1,200 bytes of values), but 1,204 follow the header (4 more)");
    expectError('h.npy', good.subarray(0, 40), 'truncated', 'NumPy: the array ends inside its header (40 bytes)');
    const edited = (at: number, text: string): Uint8Array => {
      const copy = good.slice();
      copy.set(new TextEncoder().encode(text), at);
      return copy;
    };
    expect(new TextDecoder().decode(good.subarray(10, 71))).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (100, 3), }");
    expectError('x.npy', edited(66, 'x'), 'malformed', 'NumPy: the array has shape (100, x), not a tuple of sizes');
    expectError('d.npy', edited(12, 'dtype'), 'malformed', /^NumPy: the array has a header without 'descr', 'fortran_order' and 'shape': /);
    expectError('i.npy', edited(22, 'c8'), 'unsupported', "NumPy: the array holds values of type '<c8'; floats and integers are read");
    const zip = fixture('named.npz').slice(0, 200);
    expectError('z.npz', zip, 'malformed', /^NumPy: the \.npz \(zip\) cannot be read: /);
    expectError('e.npy', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), 'truncated', 'NumPy: the array ends inside its header (8 bytes)');
  });
});
