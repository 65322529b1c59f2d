// The PLY byte-order check (src/io/plyByteOrder.ts) refuses a header that names the wrong byte
// order (the corpus has one of each kind) and never a file whose data is right but unusual.
import { describe, expect, test } from 'vitest';
import { expectWellFormed, load } from './expectLoad';
import { plyFile } from './generate';

const XYZ: [string, 'float'][] = [['x', 'float'], ['y', 'float'], ['z', 'float']];
const XYZ64: [string, 'double'][] = [['x', 'double'], ['y', 'double'], ['z', 'double']];

function cloud(n: number, f: (i: number) => number[]): number[][] {
  return Array.from({ length: n }, (_, i) => f(i).map(Math.fround));
}

const helix = cloud(200, (i) => [Math.cos(i * 0.37) * 2.3, Math.sin(i * 0.37) * 1.7, i * 0.0123 - 1.1]);

describe('PLY byte order', () => {
  test('right big-endian and little-endian files load to the same points', () => {
    for (const props of [XYZ, XYZ64]) {
      const le = load('le.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: props, vertices: helix }));
      const be = load('be.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: props, vertices: helix }));
      expect(Array.from(be.cloud.positions)).toEqual(helix.flat());
      expect(Array.from(le.cloud.positions)).toEqual(helix.flat());
    }
  });

  test('a flat scan with noise at 1e-9 loads in either byte order', () => {
    const flat = cloud(300, (i) => [(i % 20) * 0.05, Math.floor(i / 20) * 0.05, ((i * 7919) % 13) * 1e-9]);
    for (const encoding of ['binary_little_endian', 'binary_big_endian'] as const) {
      const r = load('flat.ply', plyFile({ encoding, vertexProps: XYZ, vertices: flat }));
      expect(r.cloud.count).toBe(300);
      expectWellFormed(r);
    }
  });

  test('a cloud at 1e35 or at 1e-20 (absurd-looking, but right) loads', () => {
    for (const scale of [1e35, 1e-20]) {
      const points = helix.map((p) => p.map((v) => Math.fround(v * scale)));
      const r = load('scaled.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: XYZ, vertices: points }));
      expect(Array.from(r.cloud.positions)).toEqual(points.flat());
    }
  });

  test('integer coordinates are not judged', () => {
    const ints = cloud(100, (i) => [i, i * 2, 1000 - i]);
    const r = load('i.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: [['x', 'int'], ['y', 'int'], ['z', 'int']], vertices: ints }));
    expect(Array.from(r.cloud.positions)).toEqual(ints.flat());
  });
});
