// Several objects on a floor (src/io/objects.ts): found where separate shapes stand on the floor
// the clean-up left out, not in one shape's pieces, nor without a floor; and the loaders' use of
// them (the warning, every point kept, each object's points).
import { describe, expect, test } from 'vitest';
import { centreOf, findObjects, objectCloud, OBJECTS } from '../../src/io/objects';
import { loadFile } from '../../src/io/index';
import { createRandom } from '../../src/geometry/random';
import { text } from './generate';

type Point = [number, number, number];

/** `n` points on the surface of a box (no bottom face) from `lo` to `hi`, z up. */
function box(n: number, lo: Point, hi: Point, random: () => number): Point[] {
  const out: Point[] = [];
  const at = (k: number) => lo[k]! + random() * (hi[k]! - lo[k]!);
  for (let i = 0; i < n; i++) {
    const face = Math.floor(random() * 5);
    const p: Point = [at(0), at(1), at(2)];
    if (face === 4) p[2] = hi[2];
    else p[face >> 1] = face % 2 === 0 ? lo[face >> 1]! : hi[face >> 1]!;
    out.push(p);
  }
  return out;
}

/** A square floor patch at height 0 from -half to half, with a little noise. */
function floor(n: number, half: number, random: () => number): Point[] {
  return Array.from({ length: n }, () => [(2 * random() - 1) * half, (2 * random() - 1) * half, 0.002 * (random() - 0.5)]);
}

const flat = (points: Point[]) => new Float32Array(points.flat());
/** z up -> y down: (x, y, z) -> (x, -z, y), a turn about x. */
const yDown = (points: Point[]): Point[] => points.map(([x, y, z]) => [x, -z, y]);

describe('findObjects', () => {
  const random = createRandom(7);
  const a = box(1500, [-1.5, -0.4, 0], [-0.7, 0.4, 1], random);
  const b = box(1000, [0.6, -0.3, 0], [1.2, 0.3, 0.6], random);

  test('two boxes standing apart: two objects, the larger first, every point labelled', () => {
    const got = findObjects(flat([...a, ...b]), 'z')!;
    expect(got.sizes).toEqual([1500, 1000]);
    expect(got.labels.subarray(0, 1500).every((l) => l === 1)).toBe(true);
    expect(got.labels.subarray(1500).every((l) => l === 2)).toBe(true);
  });

  test('y down: heights read along -y', () => {
    const behind = box(1000, [0.6, 0.3, 0], [1.2, 0.9, 0.6], random);
    expect(findObjects(flat(yDown([...a, ...behind])), '-y')?.sizes).toEqual([1500, 1000]);
    // Read with z as the up, the y-down boxes do not stand on one level.
    expect(findObjects(flat(yDown([...a, ...behind])), 'z')).toBeNull();
  });

  test('a piece that does not stand on the floor is not an object (a shade over a lamp base, a table top over its legs)', () => {
    const above = box(1000, [0.6, -0.3, 0.5], [1.2, 0.3, 0.9], random);
    expect(findObjects(flat([...a, ...above]), 'z')).toBeNull();
  });

  test('touching boxes are one object; a piece under minShare is none', () => {
    const touching = box(1000, [-0.7, -0.3, 0], [-0.1, 0.3, 0.6], random);
    expect(findObjects(flat([...a, ...touching]), 'z')).toBeNull();
    const small = box(Math.floor(OBJECTS.minShare * 1500) - 20, [0.6, -0.3, 0], [0.8, -0.1, 0.2], random);
    expect(findObjects(flat([...a, ...small]), 'z')).toBeNull();
  });

  test('three objects; a cloud under minPoints has none', () => {
    const c = box(800, [-0.3, 1.2, 0], [0.3, 1.8, 0.8], random);
    expect(findObjects(flat([...a, ...b, ...c]), 'z')?.sizes).toEqual([1500, 1000, 800]);
    expect(findObjects(flat([...a.slice(0, 30), ...b.slice(0, 30)]), 'z')).toBeNull();
  });

  test('a cloud larger than OBJECTS.sample is looked at through a subset, and every point labelled', () => {
    const r = createRandom(3);
    const big = [...box(45_000, [-1.5, -0.4, 0], [-0.7, 0.4, 1], r), ...box(33_000, [0.6, -0.3, 0], [1.2, 0.3, 0.6], r)];
    const got = findObjects(flat(big), 'z')!;
    expect(got.sizes.length).toBe(2);
    // Points whose cell no looked-at point shares belong to no object: a few at most.
    expect(got.sizes[0]! + got.sizes[1]!).toBeGreaterThan(0.99 * big.length);
    expect(got.labels[0]).toBe(1);
    expect(got.labels[big.length - 1]).toBe(2);
  });

  test('objectCloud keeps an object\'s points with their colours; centreOf is their mean', () => {
    const positions = flat([...a, ...b]);
    const colors = new Float32Array(positions.length).map((_, i) => (i % 3) / 2);
    const { labels } = findObjects(positions, 'z')!;
    const second = objectCloud({ positions, colors, count: 2500 }, labels, 2);
    expect(second.count).toBe(1000);
    expect(Array.from(second.positions.subarray(0, 3))).toEqual(Array.from(positions.subarray(4500, 4503)));
    expect(Array.from(second.colors!.subarray(0, 3))).toEqual([0, 0.5, 1]);
    expect(second.normals).toBeUndefined();
    const c = centreOf(second);
    expect(c[0]).toBeCloseTo(0.9, 1);
    expect(c[2]).toBeGreaterThan(0);
  });
});

describe('the loaders find the objects on a scan\'s floor', () => {
  const random = createRandom(11);
  const scene = [
    ...box(1500, [-1.5, -0.4, 0], [-0.7, 0.4, 1], random),
    ...box(1000, [0.6, -0.3, 0], [1.2, 0.3, 0.6], random),
    ...floor(900, 2.4, random),
  ];
  const file = text(scene.map((p) => p.map((v) => v.toFixed(5)).join(' ')).join('\n') + '\n');

  test('the floor goes; the objects are found, with a warning; every point stays', () => {
    const r = loadFile('room.xyz', file, { meshSamples: 100, seed: 1 });
    expect(r.floorUp).toBe('z');
    expect(r.objects?.sizes.length).toBe(2);
    expect(r.objects!.labels.length).toBe(r.cloud.count);
    expect(r.objects!.sizes[0]! + r.objects!.sizes[1]!).toBe(r.cloud.count);
    expect(r.warnings).toContain(
      '2 separate objects stand on the floor (60 %, 40 % of the points): the model knows one shape at a time, so its ' +
        "answer for them together means little; classify each alone (under File, or the CLI's --objects)",
    );
  });

  test('none with every point kept (no floor is looked for), nor for one of the boxes alone', () => {
    expect(loadFile('room.xyz', file, { meshSamples: 100, seed: 1, keepEveryPoint: true }).objects).toBeUndefined();
    const one = text([...scene.slice(0, 1500), ...scene.slice(2500)].map((p) => p.join(' ')).join('\n') + '\n');
    const r = loadFile('one.xyz', one, { meshSamples: 100, seed: 1 });
    expect([r.floorUp, r.objects]).toEqual(['z', undefined]);
  });
});
