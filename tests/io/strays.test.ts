// Stray pieces (src/io/strays.ts): the same points left out as the Python twin leaves out on
// tests/fixtures/strays.json (written and checked by training/tests/test_strays.py), and the
// loaders' use of it: the points gone from the cloud, the warning that says so.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { findStrays, STRAYS } from '../../src/io/strays';
import { load } from './expectLoad';
import { text } from './generate';

interface Fixture { cases: { points: number[]; drop: number[]; pieces: number }[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/strays.json', import.meta.url), 'utf8')) as Fixture;

/** n points on a unit sphere, from a small seeded generator (no Math.random in tests). */
function sphere(n: number, seed = 1, radius = 1, centre: [number, number, number] = [0, 0, 0]): number[][] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z = 2 * next() - 1;
    const a = 2 * Math.PI * next();
    const r = Math.sqrt(1 - z * z);
    out.push([centre[0] + radius * r * Math.cos(a), centre[1] + radius * r * Math.sin(a), centre[2] + radius * z]);
  }
  return out;
}

const xyz = (rows: number[][]) => text(rows.map((r) => r.join(' ')).join('\n') + '\n');

describe('findStrays is the Python twin', () => {
  fixture.cases.forEach((c, k) => {
    test(`case ${k}: ${c.points.length / 3} points, ${c.pieces} pieces left out`, () => {
      const got = findStrays(new Float32Array(c.points));
      const dropped: number[] = [];
      got.drop?.forEach((d, i) => d === 1 && dropped.push(i));
      expect([dropped, got.pieces, got.points]).toEqual([c.drop, c.pieces, c.drop.length]);
    });
  });

  test('the fixture has clouds left whole and clouds with several pieces left out', () => {
    expect(fixture.cases.some((c) => c.pieces === 0)).toBe(true);
    expect(fixture.cases.some((c) => c.pieces > 1)).toBe(true);
  });

  test('the median is found for any order of the distances (sorted, reversed, ties)', () => {
    // A cloud whose distances from the mean come sorted, reversed, and all equal but one far point.
    const line = Array.from({ length: 101 }, (_, i) => [i - 50, 0, 0]);
    for (const rows of [line, [...line].reverse()]) expect(findStrays(new Float32Array(rows.flat())).pieces).toBe(0);
    const ring = sphere(200, 3);
    ring.push([40, 0, 0]);
    const got = findStrays(new Float32Array(ring.flat()));
    expect([got.pieces, got.points, got.drop![200]]).toEqual([1, 1, 1]);
  });
});

describe('the loaders leave stray pieces out', () => {
  test('three far points of a scanned sphere: gone from the cloud, and the user is told', () => {
    const rows = sphere(1000, 7);
    rows.splice(10, 0, [3, 0, 0]);
    rows.splice(500, 0, [0, -4, 0.5], [0, -4.01, 0.5]);
    const r = load('scan.xyz', xyz(rows));
    expect(r.cloud.count).toBe(1000);
    expect(r.warnings).toEqual([
      '3 points in 2 small pieces apart from the rest of the shape were left out (a stray bit would shrink the shape the model sees)',
    ]);
    expect(r.bounds.max[0]).toBeLessThanOrEqual(1.0001);
    expect(Array.from(r.cloud.positions)).toEqual(sphere(1000, 7).flat().map(Math.fround)); // the rest, in file order
  });

  test('a shape of two big parts and a clean sphere load whole, without a warning', () => {
    const two = [...sphere(600, 2), ...sphere(400, 5, 0.5, [3, 0, 0])];
    for (const rows of [two, sphere(500, 9)]) {
      const r = load('parts.xyz', xyz(rows));
      expect([r.cloud.count, r.warnings]).toEqual([rows.length, []]);
    }
  });

  test('a cloud under the minimum is kept whole, far points and all', () => {
    const rows = [...sphere(STRAYS.minPoints - 2, 4), [50, 50, 50]];
    const r = load('few.xyz', xyz(rows));
    expect(r.cloud.count).toBe(rows.length);
  });

  test('colours and normals follow the points that stay', () => {
    const rows = sphere(300, 11).map((p, i) => [...p, i % 256, 0, 0]);
    rows.push([9, 9, 9, 255, 255, 255]);
    const r = load('coloured.xyz', xyz(rows));
    expect(r.cloud.count).toBe(300);
    expect(r.cloud.colors!.length).toBe(900);
    const c = r.cloud.colors!;
    for (let i = 0; i < 300; i++) expect([c[3 * i + 1], c[3 * i + 2]]).toEqual([0, 0]); // the white stray's colour went with it
  });
});
