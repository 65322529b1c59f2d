// PCD. No Debian package ships .pcd files, so these are generated (tests/io/generate.ts writes
// them, binary_compressed through its own LZF compressor) in every encoding.
import { describe, expect, test } from 'vitest';
import { expectError, load } from './expectLoad';
import { concat, lzfCompress, pcdFile, text } from './generate';

const XYZ: [string, number, 'F' | 'U' | 'I'][] = [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']];
const grid = Array.from({ length: 300 }, (_, i) => [i % 10, Math.floor(i / 10) % 10, Math.floor(i / 100) * 0.5]);

describe('PCD', () => {
  for (const encoding of ['ascii', 'binary', 'binary_compressed'] as const) {
    test(`${encoding}: 300 points come back exactly`, () => {
      const r = load('g.pcd', pcdFile({ encoding, fields: XYZ, points: grid }));
      expect([r.format, r.kind, r.vertexCount, r.cloud.count]).toEqual(['pcd', 'points', 300, 300]);
      expect(Array.from(r.cloud.positions)).toEqual(grid.flat());
    });
  }

  test('the test compressor really compresses (back-references, not only literals)', () => {
    const data = new Uint8Array(4000).map((_, i) => i % 40);
    expect(lzfCompress(data).length).toBeLessThan(400);
  });

  test('binary_compressed with doubles, packed rgb and normals', () => {
    const fields: [string, number, 'F' | 'U' | 'I'][] = [
      ['x', 8, 'F'], ['y', 8, 'F'], ['z', 8, 'F'], ['rgb', 4, 'U'], ['normal_x', 4, 'F'], ['normal_y', 4, 'F'], ['normal_z', 4, 'F'],
    ];
    const points = [[0.5, -1.25, 3e-3, 0xff0033, 0, 0, 1], [2, 2, 2, 0x00ff66, 1, 0, 0]];
    const r = load('c.pcd', pcdFile({ encoding: 'binary_compressed', fields, points }));
    expect(Array.from(r.cloud.positions)).toEqual([0.5, -1.25, 3e-3, 2, 2, 2].map(Math.fround));
    expect(Array.from(r.cloud.colors!)).toEqual([1, 0, 0.2, 0, 1, 0.4].map(Math.fround));
    expect(Array.from(r.cloud.normals!)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  test('NaN points (organised clouds mark missing returns so) are dropped with a warning', () => {
    const points = [[1, 2, 3], [Number.NaN, Number.NaN, Number.NaN], [4, 5, 6]];
    for (const encoding of ['binary', 'binary_compressed'] as const) {
      const r = load('n.pcd', pcdFile({ encoding, fields: XYZ, points }));
      expect([r.cloud.count, r.warnings[0]]).toEqual([2, '1 of 3 points had NaN or infinite coordinates and were dropped']);
    }
    const ascii = load('n.pcd', pcdFile({ encoding: 'ascii', fields: XYZ, points: [[1, 2, 3], ['nan', 'nan', 'nan'] as never, [4, 5, 6]] }));
    expect(ascii.cloud.count).toBe(2);
  });

  test('truncated binary, ASCII and compressed data name the counts', () => {
    const binary = pcdFile({ encoding: 'binary', fields: XYZ, points: grid });
    expectError('t.pcd', binary.subarray(0, binary.length - 12 * 100 - 5), 'truncated', 'PCD: header declares 300 points but the file ends after 199');
    const ascii = pcdFile({ encoding: 'ascii', fields: XYZ, points: grid, declaredPoints: 400 });
    expectError('t.pcd', ascii, 'truncated', 'PCD: header declares 400 points but the file ends after 300');
    const packed = pcdFile({ encoding: 'binary_compressed', fields: XYZ, points: grid });
    expectError('t.pcd', packed.subarray(0, packed.length - 10), 'truncated', /^PCD: compressed data declares [\d,]+ bytes but the file has [\d,]+ after the header$/);
  });

  test('compressed data that unpacks to the wrong size, or is corrupt', () => {
    const fields = XYZ;
    const good = pcdFile({ encoding: 'binary_compressed', fields, points: grid });
    const headerEnd = new TextDecoder().decode(good).indexOf('DATA binary_compressed\n') + 'DATA binary_compressed\n'.length;
    const wrong = good.slice();
    new DataView(wrong.buffer).setUint32(headerEnd + 4, 300 * 12 - 4, true);
    expectError('w.pcd', wrong, 'malformed', 'PCD: compressed data unpacks to 3,596 bytes, but 300 points of 12 bytes need 3,600');
    const corrupt = good.slice();
    corrupt.fill(0xff, headerEnd + 8, headerEnd + 8 + 3); // a back-reference before the start
    expectError('c.pcd', corrupt, 'malformed', /^PCD: the binary_compressed data cannot be read: /);
  });

  test('a header promising 2^31 points is refused; headers missing what a reader needs', () => {
    // A binary cloud of more points than LIMITS.maxPoints is read one in k (tests/io/largePcd.test.ts): here the body is not there.
    expectError('h.pcd', pcdFile({ encoding: 'binary', fields: XYZ, points: [[0, 0, 0]], declaredPoints: 2 ** 31 }), 'truncated', 'PCD: header declares 2,147,483,648 points but the file ends after 1');
    expectError('h.pcd', pcdFile({ encoding: 'ascii', fields: XYZ, points: [[0, 0, 0]], declaredPoints: 2 ** 31 }), 'too-large', 'PCD: header declares 2,147,483,648 points; the limit is 10,000,000 points (LIMITS.maxPoints)');
    const header = (lines: string) => text(`VERSION 0.7\n${lines}\n`);
    expectError('h.pcd', header('FIELDS x y\nSIZE 4 4\nTYPE F F\nPOINTS 1\nDATA ascii'), 'malformed', `PCD: FIELDS has no 'z' (found: x y)`);
    expectError('h.pcd', header('FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 1\nDATA binary_packed'), 'unsupported', `PCD: DATA 'binary_packed' (expected ascii, binary or binary_compressed)`);
    expectError('h.pcd', header('FIELDS x y z\nSIZE 4 4 2\nTYPE F F F\nPOINTS 1\nDATA ascii'), 'unsupported', `PCD: field 'z' has TYPE F with SIZE 2`);
    expectError('h.pcd', header('FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 0\nDATA ascii'), 'empty', 'PCD: header declares 0 points');
    expectError('h.pcd', header('FIELDS x y z\nSIZE 4 4 4'), 'truncated', 'PCD: the file ends before the DATA line');
  });

  test('irregular spacing and CRLF in the header still read', () => {
    const body = '1 2 3\r\n4 5 6\r\n';
    const bytes = concat(text('VERSION .7\r\nFIELDS  x\ty  z\r\nSIZE 4 4 4\r\nTYPE F F F\r\nWIDTH 2\r\nHEIGHT 1\r\nPOINTS 2\r\nDATA ascii\r\n'), text(body));
    expect(Array.from(load('s.pcd', bytes).cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('ASCII rows with the wrong number of values', () => {
    const bytes = text('VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 2\nDATA ascii\n1 2 3\n4 5\n');
    expectError('r.pcd', bytes, 'malformed', 'PCD: point 1 (line 8) has 2 values; the header declares 3 per point');
  });
});
