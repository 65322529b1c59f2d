// XYZ / TXT / CSV point lists: files like scanners write (tests/io/fixtures/xyz.ts) and generated
// variants of separators, headers and extra columns.
import { describe, expect, test } from 'vitest';
import { nineColumnsXyz, PLAIN_XYZ, unitNormalsXyz, zeroNormalsXyz } from './fixtures/xyz';
import { expectError, load } from './expectLoad';
import { text } from './generate';
import { shiftWarning } from '../../src/io/origin';

describe('XYZ, files like real scanners write (tests/io/fixtures/xyz.ts)', () => {
  test('5210 rows of x y z nx ny nz (unit normals)', () => {
    const r = load('kitten.xyz', unitNormalsXyz());
    expect([r.format, r.kind, r.vertexCount, r.cloud.count]).toEqual(['xyz', 'points', 5210, 5210]);
    expect(Array.from(r.cloud.positions.subarray(0, 3))).toEqual([-0.0721898, -0.159749, -0.108444].map(Math.fround));
    expect(Array.from(r.cloud.normals!.subarray(0, 3))).toEqual([0.340472, 0.937712, -0.0690972].map(Math.fround));
    expect(r.cloud.colors).toBeUndefined();
    expect(r.warnings).toEqual([]);
  });

  test('all-zero normal columns are normals, not black colours', () => {
    const r = load('blobby.xyz', zeroNormalsXyz());
    expect(r.cloud.count).toBe(3288);
    expect(r.cloud.colors).toBeUndefined();
    expect(r.cloud.normals!.every((v) => v === 0)).toBe(true);
  });

  for (const [name, bytes, rows] of PLAIN_XYZ) {
    test(`${name}: ${rows} points`, () => {
      const r = load('p.xyz', bytes());
      expect([r.kind, r.cloud.count]).toEqual(['points', rows]);
      // Coordinates up to 1e5 are held relative to the first point (io/origin.ts), and say so.
      expect(r.offset === undefined).toBe(!name.includes('large coordinates'));
      expect(r.warnings).toEqual(r.offset === undefined ? [] : [shiftWarning(r.offset)]);
    });
  }

  test('9 columns, the extra ones are named as ignored', () => {
    const r = load('triangles.xyz', nineColumnsXyz());
    expect(r.cloud.count).toBe(10);
    expect(r.warnings).toEqual([
      'XYZ: columns 4 to 6 are neither colours nor unit normals and were ignored',
      'XYZ: columns 7 to 9 ignored',
      'only 10 points: a shape needs at least 64, so the classification means little',
    ]);
  });
});

describe('XYZ, generated', () => {
  test('CSV with a header row and 0..255 colours', () => {
    const r = load('p.csv', text('x,y,z,red,green,blue\n1.5, 2, 3, 255, 0, 51\n4,5,6,0,255,102\n'));
    expect(Array.from(r.cloud.positions)).toEqual([1.5, 2, 3, 4, 5, 6]);
    expect(Array.from(r.cloud.colors!)).toEqual([1, 0, 0.2, 0, 1, 0.4].map(Math.fround));
  });

  test('header naming r g b with values in 0..1; header naming normals', () => {
    expect(Array.from(load('p.txt', text('X Y Z R G B\n0 0 0 0.5 1 0\n1 1 1 0.5 1 0\n')).cloud.colors!)).toEqual([0.5, 1, 0, 0.5, 1, 0]);
    expect(Array.from(load('p.txt', text('x y z nx ny nz\n0 0 0 0 0 3\n1 1 1 0 0 3\n')).cloud.normals!)).toEqual([0, 0, 3, 0, 0, 3]);
  });

  test('without a header: integers up to 255 are colours, fractions in 0..1 that are not unit vectors too', () => {
    expect(Array.from(load('p.xyz', text('0 0 0 255 128 0\n1 1 1 0 0 255\n')).cloud.colors!.subarray(0, 3))).toEqual([1, 128 / 255, 0].map(Math.fround));
    expect(Array.from(load('p.xyz', text('0 0 0 0.2 0.2 0.2\n1 1 1 0.2 0.2 0.2\n')).cloud.colors!)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, 0.2].map(Math.fround));
  });

  test('semicolons, tabs, comments, a point-count row, 4 columns', () => {
    const r = load('p.pts', text('// scanner export\n3\n1;2;3;9\n% note\n4\t5\t6\t9\n# c\n7 8 9 9\n'));
    expect(Array.from(r.cloud.positions)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.warnings[0]).toBe('XYZ: column 4 ignored');
  });

  test('rows of different widths, words among numbers, too few columns, no rows', () => {
    expectError('p.xyz', text('1 2 3\n4 5 6 7\n'), 'malformed', 'XYZ: line 2 has 4 values but line 1 has 3');
    expectError('p.xyz', text('1 2 3\n4 five 6\n'), 'malformed', 'XYZ: line 2, column 3: "five" is not a number');
    expectError('p.xyz', text('1 2\n3 4\n'), 'malformed', 'XYZ: line 1 has 2 values; each row needs at least x y z');
    expectError('p.xyz', text('x y z\n# nothing\n'), 'empty', 'XYZ: the file has no rows of numbers');
    expectError('p.xyz', text('x y z\nr g b\n'), 'malformed', `XYZ: line 2 is not numbers: 'r g b'`);
  });

  test('"nan" rows are dropped with a warning; all-NaN rows are refused', () => {
    const r = load('p.xyz', text('1 2 3\nnan nan nan\n4 5 6\n'));
    expect([r.cloud.count, r.warnings[0]]).toEqual([2, '1 of 3 points had NaN or infinite coordinates and were dropped']);
    expectError('p.xyz', text('nan 0 0\n0 inf 0\n'), 'non-finite', 'XYZ: no finite points: all 2 points have NaN or infinite coordinates');
  });
});
