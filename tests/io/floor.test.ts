// A floor under the shape (src/io/floor.ts): the same points left out as the Python twin leaves out
// on tests/fixtures/floor.json (written and checked by training/tests/test_floor.py), numpy's
// median and quantile (src/io/orderStatistics.ts), and the loaders' use of it: the floor gone from
// the cloud, the warning that says so, shapes without a floor loaded whole.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { findFloor, FLOOR, type UpName } from '../../src/io/floor';
import { median, quantile } from '../../src/io/orderStatistics';
import { loadFile } from '../../src/io/index';
import { load } from './expectLoad';
import { text } from './generate';

interface Fixture { cases: { points: number[]; drop: number[]; axis: UpName | null }[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/floor.json', import.meta.url), 'utf8')) as Fixture;

/** A small seeded generator (no Math.random in tests). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A scanned box 0.6 x 0.4 x 0.8 standing on z = 0 (its sides and top; the floor hides its
 * bottom), and `floor` points of a square floor patch `side` wide around it. */
function boxOnFloor(n: number, floor: number, side = 1.2, seed = 1): number[][] {
  const next = random(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const p = [next() - 0.5, next() - 0.5, next()];
    const face = Math.floor(next() * 3);
    p[face] = face === 2 ? 1 : next() < 0.5 ? -0.5 : 0.5;
    rows.push([0.6 * p[0]!, 0.4 * p[1]!, 0.8 * p[2]!]);
  }
  for (let i = 0; i < floor; i++) rows.push([side * (next() - 0.5), side * (next() - 0.5), 0.002 * (next() - 0.5)]);
  return rows;
}

const xyz = (rows: number[][]) => text(rows.map((r) => r.join(' ')).join('\n') + '\n');

describe('findFloor is the Python twin', () => {
  fixture.cases.forEach((c, k) => {
    test(`case ${k}: ${c.points.length / 3} points, floor ${c.axis ?? 'none'}`, () => {
      const got = findFloor(new Float32Array(c.points));
      const dropped: number[] = [];
      got.drop?.forEach((d, i) => d === 1 && dropped.push(i));
      expect([dropped, got.axis, got.points]).toEqual([c.drop, c.axis, c.drop.length]);
    });
  });

  test('the fixture has floors under z, y and -y and shapes without one', () => {
    expect(new Set(fixture.cases.map((c) => c.axis))).toEqual(new Set(['z', 'y', '-y', null]));
  });
});

describe("median and quantile are numpy's", () => {
  /** numpy's linear quantile, from a sorted copy. */
  function sortedQuantile(values: number[], q: number): number {
    const s = [...values].sort((a, b) => a - b);
    const at = (s.length - 1) * q;
    if (at >= s.length - 1) return s[s.length - 1]!;
    const k = Math.floor(at);
    const t = at - k;
    const d = s[k + 1]! - s[k]!;
    return t >= 0.5 ? s[k + 1]! - d * (1 - t) : s[k]! + d * t;
  }

  test('on odd and even counts, ties, sorted and reversed input', () => {
    const next = random(9);
    const sets = [
      [3],
      [2, 1],
      Array.from({ length: 101 }, () => next()),
      Array.from({ length: 1000 }, () => Math.floor(next() * 7)),
      Array.from({ length: 64 }, (_, i) => i),
      Array.from({ length: 65 }, (_, i) => -i),
    ];
    for (const values of sets) {
      const s = [...values].sort((a, b) => a - b);
      const n = s.length;
      const mid = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      expect(median(Float64Array.from(values))).toBe(mid);
      for (const q of [0, FLOOR.restQ, FLOOR.slabQ, 0.5, 1 - FLOOR.slabQ, 1 - FLOOR.restQ, 1]) {
        expect(quantile(Float64Array.from(values), q)).toBe(sortedQuantile(values, q));
      }
    }
  });
});

describe('the loaders leave a floor out', () => {
  test('a scanned box on a floor: the floor is gone, the box stays, and the user is told', () => {
    const rows = boxOnFloor(1200, 400);
    const r = load('scan.xyz', xyz(rows));
    expect(r.warnings).toEqual([
      '400 points of a flat floor under the shape (25 % of the cloud, z up) were left out (the model knows shapes, not the ground they stand on)',
    ]);
    expect(r.cloud.count).toBe(1200);
    expect(Array.from(r.cloud.positions)).toEqual(rows.slice(0, 1200).flat().map(Math.fround)); // the box, in file order
    expect([r.bounds.min[0], r.bounds.max[0]]).toEqual([Math.fround(-0.3), Math.fround(0.3)].map((x) => expect.closeTo(x, 2)));
  });

  test('read with every point kept, the floor stays and nothing is said', () => {
    const rows = boxOnFloor(1200, 400);
    const r = loadFile('scan.xyz', xyz(rows), { keepEveryPoint: true });
    expect([r.cloud.count, r.warnings, r.leftOut]).toEqual([1600, [], undefined]);
    expect(load('scan.xyz', xyz(rows)).leftOut).toBe(400);
  });

  test('the same scan saved y up loses the same floor', () => {
    const rows = boxOnFloor(1200, 400).map(([x, y, z]) => [x!, z!, -y!]);
    const r = load('scan.xyz', xyz(rows));
    expect(r.cloud.count).toBe(1200);
    expect(r.warnings[0]).toMatch(/^400 points of a flat floor under the shape \(25 % of the cloud, y up\)/);
  });

  test('a box without a floor, one on a patch no wider than itself and one upside down load whole', () => {
    const upsideDown = boxOnFloor(1200, 400).map(([x, y, z]) => [x!, y!, -z!]);
    for (const rows of [boxOnFloor(1200, 0), boxOnFloor(1200, 400, 0.62), upsideDown]) {
      const r = load('box.xyz', xyz(rows));
      expect([r.cloud.count, r.warnings]).toEqual([rows.length, []]);
    }
  });

  test('a cloud under the minimum keeps its floor', () => {
    const rows = boxOnFloor(40, 20);
    expect(load('few.xyz', xyz(rows)).cloud.count).toBe(60);
    expect(rows.length).toBeLessThan(FLOOR.minPoints);
  });
});
