// PCDs past the limits (src/io/pcd.ts parseOneInK, src/io/largePcd.ts): a binary one of more than
// LIMITS.maxPoints points is read one in k, whole or a slice at a time, to the same points; an
// ASCII one over 256 MiB one row in k (as XYZ text is), its errors naming the file's own point and
// line; a compressed one over 256 MiB, or an ASCII or compressed one of too many points under it,
// refused with the reason.
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { loadLargeFile } from '../../src/io/largeFile';
import { parsePcdSliced } from '../../src/io/largePcd';
import { LIMITS } from '../../src/io/limits';
import { parsePcd } from '../../src/io/pcd';
import type { ReadRange } from '../../src/io/types';
import { expectError } from './expectLoad';
import { pcdFile, text } from './generate';

const XYZ: [string, number, 'F'][] = [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']];
const reader = (bytes: Uint8Array): ReadRange => (start, end) => Promise.resolve(bytes.slice(start, end));
const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function slicedError(bytes: Uint8Array, size = bytes.length): Promise<string> {
  try {
    await parsePcdSliced(size, reader(bytes), undefined, 4096, 600);
  } catch (error) {
    return (error as Error).message;
  }
  return 'loaded';
}

describe('PCDs past the limits', () => {
  test(
    'a binary PCD of 10,000,001 points: one in 2, whole and a slice at a time, the same points',
    async () => {
      const n = LIMITS.maxPoints + 1;
      const header = text(`VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH ${n}\nHEIGHT 1\nPOINTS ${n}\nDATA binary\n`);
      const bytes = new Uint8Array(header.length + 12 * n);
      bytes.set(header);
      const view = new DataView(bytes.buffer, header.length);
      for (let i = 0; i < n; i++) {
        view.setFloat32(12 * i, (i % 1000) / 1000, true);
        view.setFloat32(12 * i + 4, Math.floor(i / 1000) / 10000, true);
        view.setFloat32(12 * i + 8, (i % 7) / 7, true);
      }
      const whole = parsePcd(bytes);
      expect([whole.kind === 'points' && whole.cloud.count, whole.fileVertexCount, whole.warnings[0]]).toEqual([5000001, n, 'the file holds 10,000,001 points; one in 2 read (at most 10,000,000, LIMITS.maxPoints)']);
      const sliced = await parsePcdSliced(bytes.length, reader(bytes), undefined, 1 << 24);
      if (whole.kind !== 'points' || sliced.kind !== 'points') throw new Error('expected points');
      expect(Buffer.compare(bytesOf(sliced.cloud.positions), bytesOf(whole.cloud.positions))).toBe(0);
      // The second point kept is the file's point 2.
      expect(Array.from(whole.cloud.positions.subarray(3, 6))).toEqual([0.002, 0, 2 / 7].map(Math.fround));
      expect(await slicedError(bytes.subarray(0, bytes.length - 24))).toBe('PCD: header declares 10,000,001 points but the file ends after 9,999,999');
    },
    240_000,
  );

  test('an ASCII PCD read one row in k: the rows kept are what the whole file gives for them', async () => {
    const points = Array.from({ length: 3000 }, (_, i) => [(i % 50) / 10, Math.floor(i / 50) / 10, (i % 9) / 3]);
    const bytes = pcdFile({ encoding: 'ascii', fields: XYZ, points });
    const all = await parsePcdSliced(bytes.length, reader(bytes), undefined, 4096, 10000);
    expect(all).toEqual(parsePcd(bytes));
    const some = await parsePcdSliced(bytes.length, reader(bytes), undefined, 4096, 600);
    const expected = parsePcd(pcdFile({ encoding: 'ascii', fields: XYZ, points: points.filter((_, i) => i % 5 === 4) }));
    if (some.kind !== 'points' || expected.kind !== 'points') throw new Error('expected points');
    expect(some.cloud.positions).toEqual(expected.cloud.positions);
    expect(some.warnings[0]).toBe('the file holds 3,000 points; one row in 5 read (about 600), and only the rows read are checked');
    // Through loadLargeFile, as the worker and the CLI call it for a file over 256 MiB.
    const large = await loadLargeFile('scan.pcd', bytes.length, reader(bytes));
    expect(large.format).toBe('pcd');
  });

  test('a bad value in the rows read is named by the file\'s own point and line; cut short and longer are refused', async () => {
    const rows: (number | string)[][] = Array.from({ length: 3000 }, (_, i) => [i, i % 7, 1]);
    rows[2004] = [2004, 'x?', 1];
    // The generator's header is 11 lines: point 2004 is line 2016.
    expect(await slicedError(pcdFile({ encoding: 'ascii', fields: XYZ, points: rows as never }))).toBe('PCD: line 2016, column 6: "x?" is not a number');
    const good = pcdFile({ encoding: 'ascii', fields: XYZ, points: rows.map((r, i) => (i === 2004 ? [1, 1, 1] : r)) as never });
    expect(await slicedError(good.subarray(0, good.length - 400))).toMatch(/^PCD: header declares 3,000 points but the file ends after 2,9\d\d lines of them$/);
    expect(await slicedError(pcdFile({ encoding: 'ascii', fields: XYZ, points: [...rows, [1, 1, 1], [2, 2, 2]].map((r, i) => (i === 2004 ? [1, 1, 1] : r)) as never, declaredPoints: 3000 }))).toBe('PCD: header declares 3,000 points, but the data has 3,002 lines');
  });

  test('compressed over 256 MiB, and ASCII or compressed over the point limit under it, are refused', async () => {
    const packed = pcdFile({ encoding: 'binary_compressed', fields: XYZ, points: [[0, 0, 0], [1, 1, 1]] });
    expect(await slicedError(packed, LIMITS.maxFileBytes + 1)).toMatch(/^PCD: the file is 268,435,457 bytes .*; a compressed PCD \(binary_compressed\) is read whole: save it as binary or ascii$/);
    for (const encoding of ['ascii', 'binary_compressed'] as const) {
      expectError('big.pcd', pcdFile({ encoding, fields: XYZ, points: [[0, 0, 0]], declaredPoints: LIMITS.maxPoints + 1 }), 'too-large', 'PCD: header declares 10,000,001 points; the limit is 10,000,000 points (LIMITS.maxPoints)');
    }
    expect(() => loadFile('big.pcd', pcdFile({ encoding: 'binary', fields: XYZ, points: [[0, 0, 0]], declaredPoints: LIMITS.maxPoints + 1 }))).toThrow('PCD: header declares 10,000,001 points but the file ends after 1');
  });
});
