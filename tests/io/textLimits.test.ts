// Text limits and encodings (issue 24 point 4): a line over LIMITS.maxLineBytes is refused before
// the text is decoded, in every text format and text body; a file one byte over the size limit
// says so in bytes; an ASCII PCD body is read the way our check splits it.
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { LIMITS } from '../../src/io/limits';
import { expectError, load } from './expectLoad';
import { concat, pcdFile, plyFile, text } from './generate';

const LONG = 'long line of a text file, over the limit on purpose;'.repeat(Math.ceil((LIMITS.maxLineBytes + 1) / 52));
const over = (format: string, line: number): string =>
  `${format}: line ${line} is longer than 1,048,576 bytes (1 MiB, LIMITS.maxLineBytes); no ${format === 'XYZ' ? 'row' : 'line'} of a point or mesh file is that long`;

describe('line length', () => {
  test('a one-line 100 MiB file of numbers is refused early, in constant memory', () => {
    const bytes = new Uint8Array(Buffer.alloc(100 * 1024 * 1024, '0.123456 '));
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    expectError('one-line.xyz', bytes, 'too-large', over('XYZ', 1));
    const ms = performance.now() - start;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // Decoding it would take 100 M characters of heap and seconds; the check walks 1 MiB of bytes.
    expect(ms).toBeLessThan(1000);
    expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);
  });

  test('every text format and text body refuses a line over the limit, naming the line', () => {
    expectError('a.obj', text(`v 0 0 0\n# ${LONG}\nv 1 0 0\n`), 'too-large', over('OBJ', 2));
    expectError('a.off', text(`OFF\r\n3 1 0\r\n${LONG}\r\n`), 'too-large', over('OFF', 3));
    expectError('a.xyz', text(`1 2 3\n${LONG}`), 'too-large', over('XYZ', 2));
    expectError('a.stl', text(`solid a\n${LONG}\nendsolid a\n`), 'too-large', over('STL', 2));
    const ply = plyFile({ encoding: 'ascii', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: [[0, 0, 0]] });
    expectError('a.ply', concat(ply, text(LONG)), 'too-large', over('PLY', 9));
    const pcd = pcdFile({ encoding: 'ascii', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: [[0, 0, 0]] });
    expectError('a.pcd', concat(pcd, text(LONG)), 'too-large', over('PCD', 13));
  });

  test('a line just under the limit is read', () => {
    const comment = `# ${'x'.repeat(LIMITS.maxLineBytes - 3)}`; // 1 MiB - 1 bytes
    const r = load('a.xyz', text(`${comment}\n0 0 0\n1 0 0\n0 1 0\n`));
    expect(r.cloud.count).toBe(3);
  });
});

describe('file size', () => {
  test('one byte over 256 MiB gives both sizes in bytes', () => {
    expectError('big.ply', new Uint8Array(LIMITS.maxFileBytes + 1), 'too-large', 'PLY: the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)');
  });
});

describe('ASCII PCD bodies', () => {
  test('tabs, runs of spaces and CRLF separate values, as our check reads them', () => {
    const header = pcdFile({ encoding: 'ascii', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: [], declaredPoints: 3 });
    const r = loadFile('t.pcd', concat(header, text('1\t2\t3\n4  5   6\r\n\t7 8 9\n')), { seed: 1 });
    expect(Array.from(r.cloud.positions)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('ASCII PCD line ends', () => {
  test('lone CR line ends (old Mac files) are read as line ends', () => {
    const header = pcdFile({ encoding: 'ascii', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: [], declaredPoints: 3 });
    const r = loadFile('t.pcd', concat(header, text('1 2 3\r4 5 6\r7 8 9\r')), { seed: 1 });
    expect(Array.from(r.cloud.positions)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
