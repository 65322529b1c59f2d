// Walls behind the shape (src/io/room.ts): the same floor and wall points left out as the Python
// twin leaves out on tests/fixtures/room.json (written and checked by training/tests/test_room.py),
// and the loaders' use of it: the warnings that say so, every point kept on request.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type UpName } from '../../src/io/floor';
import { findRoom } from '../../src/io/room';
import { loadFile } from '../../src/io/index';
import { text } from './generate';

interface Case { points: number[]; floor: number[]; wall: number[]; walls: number; axis: UpName | null }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/room.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('findRoom is the Python twin', () => {
  fixture.cases.forEach((c, k) => {
    test(`case ${k}: ${c.points.length / 3} points, ${c.walls} wall(s), floor ${c.axis ?? 'none'}`, () => {
      const got = findRoom(new Float32Array(c.points));
      const dropped: number[] = [];
      got.drop?.forEach((d, i) => d === 1 && dropped.push(i));
      const want = [...c.floor, ...c.wall].sort((a, b) => a - b);
      expect([dropped, got.axis, got.walls, got.floorPoints, got.wallPoints]).toEqual([want, c.axis, c.walls, c.floor.length, c.wall.length]);
    });
  });

  test('the fixture has one wall, a corner and no wall; z up and y down', () => {
    expect(new Set(fixture.cases.map((c) => c.walls))).toEqual(new Set([0, 1, 2]));
    expect(fixture.cases.some((c) => c.walls === 1 && c.axis === '-y')).toBe(true);
  });
});

describe('the loaders leave the room out', () => {
  const room = fixture.cases.find((c) => c.walls === 1 && c.axis === 'z')!;
  const file = text(
    Array.from({ length: room.points.length / 3 }, (_, i) => room.points.slice(3 * i, 3 * i + 3).join(' ')).join('\n') + '\n',
  );

  test('the floor and the wall go, each with its warning; the rest stays in file order', () => {
    const r = loadFile('scan.xyz', file, { meshSamples: 100, seed: 1 });
    const n = room.points.length / 3;
    expect(r.cloud.count).toBe(n - room.floor.length - room.wall.length);
    expect(r.leftOut).toBe(room.floor.length + room.wall.length);
    expect(r.warnings).toContain(`${room.wall.length} points of a wall behind the shape (${Math.round((100 * room.wall.length) / n)} % of the cloud) were left out (the model knows shapes, not the room they stand in)`);
    expect(r.warnings.some((w) => w.includes('points of a flat floor under the shape'))).toBe(true);
    const gone = new Set([...room.floor, ...room.wall]);
    const kept = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
    expect(Array.from(r.cloud.positions.subarray(0, 3))).toEqual(room.points.slice(3 * kept[0]!, 3 * kept[0]! + 3).map(Math.fround));
  });

  test('kept whole with keepEveryPoint', () => {
    const r = loadFile('scan.xyz', file, { meshSamples: 100, seed: 1, keepEveryPoint: true });
    expect([r.cloud.count, r.leftOut, r.warnings]).toEqual([room.points.length / 3, undefined, []]);
  });
});
