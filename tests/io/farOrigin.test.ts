// Shapes far from zero (io/origin.ts): a 1-unit shape at map coordinates keeps its detail in
// every reader that sees doubles, nearer files load exactly as written, and a float32 file that
// already lost the detail says so.
import { describe, expect, test } from 'vitest';
import type { LoadResult } from '../../src/io/types';
import { load } from './expectLoad';
import { binaryStl, pcdFile, plyFile, text } from './generate';

const FAR = [512345.678, 5401234.321, 250.5];

/** 64 points in a 1-unit box, on a 1/64 grid with some fine offsets: the detail float32 loses at
 * 5.4 million (step 0.5) and keeps near zero. */
function shape(): number[][] {
  const points: number[][] = [];
  for (let i = 0; i < 64; i++) points.push([(i % 4) / 3 + i / 4096, ((i >> 2) % 4) / 3, (i >> 4) / 3 + 0.001 * (i % 7)]);
  return points;
}

const at = (origin: number[]) => shape().map((p) => p.map((v, k) => v + origin[k]!));
const xyzText = (points: number[][]) => text(points.map((p) => p.join(' ')).join('\n') + '\n');

/** The loaded points back in the file's coordinates (offset added in float64). */
function fileCoordinates(r: LoadResult): number[][] {
  const o = r.offset ?? [0, 0, 0];
  const out: number[][] = [];
  for (let i = 0; i < r.cloud.count; i++) out.push([0, 1, 2].map((k) => r.cloud.positions[3 * i + k]! + o[k]!));
  return out;
}

function largestError(r: LoadResult, expected: number[][]): number {
  const got = fileCoordinates(r);
  expect(got.length).toBe(expected.length);
  return Math.max(...got.flatMap((p, i) => p.map((v, k) => Math.abs(v - expected[i]![k]!))));
}

const SHIFT_NOTE = /^coordinates far from zero \(around 512346, 5401234, 251\): the shape is held relative to that point/;

const pointFiles: [string, (points: number[][]) => [string, Uint8Array]][] = [
  ['XYZ', (p) => ['scan.xyz', xyzText(p)]],
  ['ASCII PLY', (p) => ['scan.ply', plyFile({ encoding: 'ascii', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: p })]],
  ['binary PLY, double', (p) => ['scan.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices: p })]],
  ['binary PLY, double with colours (per-value path)', (p) => ['scan.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double'], ['red', 'uchar'], ['green', 'uchar'], ['blue', 'uchar']], vertices: p.map((v) => [...v, 10, 20, 30]) })]],
  ['OFF without faces', (p) => ['scan.off', text(`OFF\n${p.length} 0 0\n${p.map((v) => v.join(' ')).join('\n')}\n`)]],
  ['OBJ without faces', (p) => ['scan.obj', text(p.map((v) => `v ${v.join(' ')}`).join('\n') + '\n')]],
  ['ASCII PCD', (p) => ['scan.pcd', pcdFile({ encoding: 'ascii', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: p })]],
  ['binary PCD, double', (p) => ['scan.pcd', pcdFile({ encoding: 'binary', fields: [['x', 8, 'F'], ['y', 8, 'F'], ['z', 8, 'F']], points: p })]],
];

describe('a point set far from zero', () => {
  test.each(pointFiles)('%s keeps its detail, says so, and gives the offset back', (_, write) => {
    const far = at(FAR);
    const r = load(...write(far));
    expect(r.offset).toEqual([512346, 5401234, 251]);
    expect(r.warnings).toEqual([expect.stringMatching(SHIFT_NOTE)]);
    // float32 near zero: within 1e-7 of the file's doubles (as written at 5.4 million: 0.25).
    expect(largestError(r, far)).toBeLessThan(1e-6);
    const size = r.bounds.max.map((v, k) => v - r.bounds.min[k]!);
    expect(Math.max(...size.map((s, k) => Math.abs(s - [1 + 63 / 4096, 1, 1 + 0.006][k]!)))).toBeLessThan(1e-6);
  });

  test.each(pointFiles)('%s near zero loads exactly as written, with no offset', (_, write) => {
    const near = at([2.5, -1, 4000]);
    const r = load(...write(near));
    expect(r.offset).toBeUndefined();
    expect(r.warnings).toEqual([]);
    expect(Array.from(r.cloud.positions)).toEqual(near.flat().map(Math.fround));
  });
});

describe('a mesh far from zero', () => {
  // Two triangles of a unit square standing in the plane y = 5401234.321.
  const corners = [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]].map((p) => p.map((v, k) => v + FAR[k]!));
  const meshFiles: [string, [string, Uint8Array]][] = [
    ['OFF', ['wall.off', text(`OFF\n4 2 0\n${corners.map((v) => v.join(' ')).join('\n')}\n3 0 1 2\n3 0 2 3\n`)]],
    ['OBJ', ['wall.obj', text(`${corners.map((v) => `v ${v.join(' ')}`).join('\n')}\nf 1 2 3\nf 1 3 4\n`)]],
    ['ASCII STL', ['wall.stl', text(`solid wall\n${[[0, 1, 2], [0, 2, 3]].map((t) => `facet normal 0 -1 0\nouter loop\n${t.map((i) => `vertex ${corners[i]!.join(' ')}`).join('\n')}\nendloop\nendfacet`).join('\n')}\nendsolid wall\n`)]],
    ['ASCII PLY', ['wall.ply', plyFile({ encoding: 'ascii', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices: corners, faces: [[0, 1, 2], [0, 2, 3]] })]],
  ];

  test.each(meshFiles)('%s is sampled on its surface, not on a half-unit grid', (_, [name, bytes]) => {
    const r = load(name, bytes);
    expect(r.kind).toBe('mesh');
    expect(r.offset).toEqual([512346, 5401234, 251]);
    expect(r.warnings).toEqual([expect.stringMatching(SHIFT_NOTE)]);
    const points = fileCoordinates(r);
    // Every sample lies in the wall's plane and inside its square, in the file's coordinates.
    expect(Math.max(...points.map((p) => Math.abs(p[1]! - FAR[1]!)))).toBeLessThan(1e-6);
    expect(points.every((p) => p[0]! > FAR[0]! - 1e-6 && p[0]! < FAR[0]! + 1 + 1e-6 && p[2]! > FAR[2]! - 1e-6 && p[2]! < FAR[2]! + 1 + 1e-6)).toBe(true);
    // The samples cover the square (a half-unit grid would leave at most 9 distinct x values).
    expect(new Set(points.map((p) => Math.round((p[0]! - FAR[0]!) * 100))).size).toBeGreaterThan(90);
  });
});

describe('what a shift cannot give back', () => {
  test('a binary float32 PLY far from zero is stored as written, with a warning naming the step', () => {
    const r = load('scan.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: at(FAR) }));
    expect(r.offset).toBeUndefined();
    expect(Array.from(r.cloud.positions)).toEqual(at(FAR).flat().map(Math.fround));
    expect(r.warnings).toEqual([
      "coordinates reach 5400000 for a shape 1.01 across: in 32-bit floats they step by 0.5 there (49.7 % of the shape's size), so its detail is lost; saved nearer zero, or with 64-bit coordinates, it keeps it",
    ]);
  });

  test('a binary STL far from zero gets the same warning', () => {
    const t = [[0, 0, 0, 1, 0, 0, 0, 0, 1]].map((tri) => tri.map((v, k) => v + FAR[k % 3]!));
    const r = load('wall.stl', binaryStl(t));
    expect(r.offset).toBeUndefined();
    expect(r.warnings).toEqual([expect.stringMatching(/^coordinates reach 5400000 for a shape .* they step by 0\.5 there/)]);
  });

  test('a step over 1/100 of the shape\'s size is warned of, one under it is not', () => {
    // At 5e6 float32 steps by 0.5: a 40-unit shape is 1.25 % of a step apart, a 60-unit one 0.83 %.
    for (const [size, warned] of [[40, true], [60, false]] as const) {
      const points = shape().map((p) => p.map((v) => 5e6 + v * size));
      const r = load('s.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: points }));
      expect(r.warnings.length, `size ${size}`).toBe(warned ? 1 : 0);
    }
  });

  test('a float32 file near zero, and one merely large, get no warning', () => {
    const near = load('scan.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: at([100, 200, 300]) }));
    expect(near.warnings).toEqual([]);
    const big = shape().map((p) => p.map((v) => v * 1e6 + 5e6));
    const large = load('big.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: big }));
    expect(large.warnings).toEqual([]);
  });

  test('a first point beyond 2^40 is not shifted to (the others would leave float32)', () => {
    const r = load('odd.xyz', xyzText([[3e38, 3e38, 0], [-3e38, -3e38, 0], [0, 0, 1e38]]));
    expect(r.offset).toBeUndefined();
    expect(Array.from(r.cloud.positions).every(Number.isFinite)).toBe(true);
  });

  test('NaN rows before the first finite point do not decide the origin', () => {
    const far = at(FAR);
    const r = load('scan.pcd', pcdFile({ encoding: 'ascii', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: [[NaN, NaN, NaN], ...far] }));
    expect(r.offset).toEqual([512346, 5401234, 251]);
    expect(r.cloud.count).toBe(64);
    expect(largestError(r, far)).toBeLessThan(1e-6);
  });
});
