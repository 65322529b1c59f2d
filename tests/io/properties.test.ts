// Mutation properties per loader (issue 24 point 7): valid files, truncated at every byte, with
// bytes flipped, lines doubled or removed and declared counts changed, either load to the cloud
// the mutation implies or fail with a LoadError; never another exception, never a wrong cloud.
//
// Each base file is a point set written by hand, with the point every line holds, so the
// expected cloud after a line edit follows from the edit alone (no loader code involved).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { LoadError, type LoadResult } from '../../src/io/types';
import { binaryStl, glbFile, pcdFile, plyFile, text, threeMfFile } from './generate';
import { fixture } from './loaderFixtures';

type Point = [number, number, number];

/** Twelve points with distinct, exactly representable coordinates. */
const POINTS: Point[] = Array.from({ length: 12 }, (_, i) => [i * 0.25 - 1, (i % 5) * 0.5 + 0.125, 2 - i * 0.375]);

interface Base {
  name: string;
  bytes: Uint8Array;
  /** Text formats: the file's lines and the point each holds (null: not a point line). */
  lines?: { text: string; point: Point | null }[];
  /** The header states the point count: a load with another count is wrong. */
  declared: boolean;
  /** Where the declared count is written, to change it: the line's text before the count. */
  countPrefix?: string;
}

function textBase(name: string, head: string[], rows: string[], tail: string[], declared: boolean, countPrefix?: string): Base {
  const lines = [
    ...head.map((t) => ({ text: t, point: null })),
    ...rows.map((t, i) => ({ text: t, point: POINTS[i]! })),
    ...tail.map((t) => ({ text: t, point: null })),
  ];
  return { name, bytes: text(lines.map((l) => `${l.text}\n`).join('')), lines, declared, countPrefix };
}

const rows = POINTS.map((p) => p.join(' '));
const n = POINTS.length;
const XYZ3: [string, 'float'][] = [['x', 'float'], ['y', 'float'], ['z', 'float']];
const PCD3: [string, number, 'F'][] = [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']];
const pcdHead = ['# .PCD v0.7', 'VERSION 0.7', 'FIELDS x y z', 'SIZE 4 4 4', 'TYPE F F F', 'COUNT 1 1 1', `WIDTH ${n}`, 'HEIGHT 1', `POINTS ${n}`, 'DATA ascii'];

const BASES: Base[] = [
  textBase('points.xyz', ['# x y z'], rows, [], false),
  textBase('points.csv', ['x,y,z'], POINTS.map((p) => p.join(',')), [], false),
  textBase('points.obj', ['# vertices only'], rows.map((r) => `v ${r}`), [], false),
  textBase('points.off', ['OFF', `${n} 0 0`], rows, [], true, ''),
  textBase('points.ply', ['ply', 'format ascii 1.0', `element vertex ${n}`, 'property float x', 'property float y', 'property float z', 'end_header'], rows, [], true, 'element vertex '),
  textBase('points.pcd', pcdHead, rows, [], true, 'POINTS '),
  { name: 'binary.ply', bytes: plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: POINTS }), declared: true, countPrefix: 'element vertex ' },
  { name: 'bigendian.ply', bytes: plyFile({ encoding: 'binary_big_endian', vertexProps: XYZ3, vertices: POINTS }), declared: true, countPrefix: 'element vertex ' },
  { name: 'binary.pcd', bytes: pcdFile({ encoding: 'binary', fields: PCD3, points: POINTS }), declared: true, countPrefix: 'POINTS ' },
];

/** Loads; a LoadError is an outcome, any other exception fails the test. */
function attempt(name: string, bytes: Uint8Array): LoadResult | LoadError {
  try {
    return loadFile(name, bytes, { meshSamples: 64, seed: 1 });
  } catch (error) {
    if (error instanceof LoadError) return error;
    throw new Error(`${name}: not a LoadError: ${String(error)}`);
  }
}

function pointsOf(r: LoadResult): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < r.cloud.count; i++) out.push([r.cloud.positions[3 * i]!, r.cloud.positions[3 * i + 1]!, r.cloud.positions[3 * i + 2]!]);
  return out;
}

/** Offset of the first byte of a file's last line (binary files: its length, so any cut counts). */
function lastLineStart(bytes: Uint8Array): number {
  if (bytes[bytes.length - 1] !== 0x0a) return bytes.length;
  return bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
}

const key = (p: Point): string => p.join(',');
const ORIGINAL = new Set(POINTS.map(key));

/** A load after an arbitrary byte change: the count is the file's (one point fewer only when the
 * change made a coordinate NaN or infinite and it was dropped with a warning, or, in formats
 * without a count, when a line stopped being a point line), and at most one point differs. */
function expectNearOriginal(base: Base, r: LoadResult): void {
  const got = pointsOf(r);
  const dropped = r.warnings.some((w) => /NaN or infinite|not understood/.test(w)) || !base.declared;
  expect(got.length === n || (dropped && got.length === n - 1)).toBe(true);
  expect(got.filter((p) => !ORIGINAL.has(key(p))).length).toBeLessThanOrEqual(1);
  expect(got.every((p) => p.every(Number.isFinite))).toBe(true);
}

const RUNS = 150;

describe('loader mutation properties', () => {
  for (const base of BASES) {
    describe(base.name, () => {
      test('the base file loads to its points', () => {
        const r = attempt(base.name, base.bytes);
        expect(r instanceof LoadError ? r.message : pointsOf(r)).toEqual(POINTS);
      });

      test('truncated at every byte: an error, or (formats without a count) a prefix of the points', () => {
        for (let cut = 0; cut < base.bytes.length; cut++) {
          const r = attempt(base.name, base.bytes.subarray(0, cut));
          if (r instanceof LoadError) continue;
          const got = pointsOf(r);
          // A count-checked format must refuse, except for a cut inside its last line: "2.125" cut
          // to "2.1" at the end of a file is a shorter number, not a missing one, and no format
          // tells the two apart (files without a final line end are common). A list format gives
          // the complete rows plus at most a cut last row.
          if (base.declared && cut <= lastLineStart(base.bytes)) throw new Error(`${base.name} cut at ${cut} of ${base.bytes.length} loaded ${got.length} points`);
          expect(got.length).toBeLessThanOrEqual(n);
          expect(got.slice(0, -1)).toEqual(POINTS.slice(0, got.length - 1));
        }
      });

      test('a flipped byte: an error, or the cloud with at most one point changed', () => {
        fc.assert(
          fc.property(fc.nat(base.bytes.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
            const bytes = base.bytes.slice();
            bytes[at] = value;
            const r = attempt(base.name, bytes);
            if (!(r instanceof LoadError)) expectNearOriginal(base, r);
          }),
          { numRuns: RUNS, seed: 24 },
        );
      });

      if (base.lines !== undefined) {
        const lines = base.lines;
        test('a doubled or removed line: an error, or exactly the points the edited lines hold', () => {
          fc.assert(
            fc.property(fc.nat(lines.length - 1), fc.boolean(), (at, double) => {
              const edited = double ? [...lines.slice(0, at + 1), ...lines.slice(at)] : [...lines.slice(0, at), ...lines.slice(at + 1)];
              const r = attempt(base.name, text(edited.map((l) => `${l.text}\n`).join('')));
              if (r instanceof LoadError) return;
              const expected = edited.flatMap((l) => (l.point === null ? [] : [l.point]));
              if (base.declared) expect(expected.length).toBe(n); // a count-checked format loaded another count
              expect(pointsOf(r)).toEqual(expected);
            }),
            { numRuns: RUNS, seed: 24 },
          );
        });
      }

      if (base.countPrefix !== undefined) {
        const prefix = base.countPrefix;
        test('a changed declared count: an error unless it is the true count', () => {
          fc.assert(
            fc.property(fc.integer({ min: 0, max: 4 * n }), (count) => {
              const s = new TextDecoder('latin1').decode(base.bytes);
              const from = prefix === '' ? s.indexOf(`${n} 0 0`) : s.indexOf(`${prefix}${n}`) + prefix.length;
              const edited = `${s.slice(0, from)}${count}${s.slice(from + String(n).length)}`;
              const bytes = Uint8Array.from(edited, (c) => c.charCodeAt(0));
              const r = attempt(base.name, bytes);
              if (r instanceof LoadError) return;
              expect(count).toBe(n);
              expect(pointsOf(r)).toEqual(POINTS);
            }),
            { numRuns: RUNS, seed: 24 },
          );
        });
      }
    });
  }

  // Meshes: the surface is sampled, so the oracle is the face count the file states.
  const cubeV = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];
  const cubeF = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
  const cubeTris = cubeF.flatMap(([a, b, c, d]) => [[a!, b!, c!], [a!, c!, d!]]);
  const stlAscii = `solid cube\n${cubeTris
    .map((t) => `facet normal 0 0 0\nouter loop\n${t.map((i) => `vertex ${cubeV[i]!.join(' ')}`).join('\n')}\nendloop\nendfacet`)
    .join('\n')}\nendsolid cube\n`;
  const MESHES: { name: string; bytes: Uint8Array; faces: number; declared: boolean }[] = [
    { name: 'cube.off', bytes: text(`OFF\n8 6 0\n${cubeV.map((v) => v.join(' ')).join('\n')}\n${cubeF.map((f) => `4 ${f.join(' ')}`).join('\n')}\n`), faces: 6, declared: true },
    { name: 'cube.ply', bytes: plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: cubeV, faces: cubeF }), faces: 6, declared: true },
    { name: 'cube-binary.ply', bytes: plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: cubeV, faces: cubeF }), faces: 6, declared: true },
    { name: 'cube.stl', bytes: text(stlAscii), faces: 12, declared: true },
    { name: 'cube.obj', bytes: text(`${cubeV.map((v) => `v ${v.join(' ')}`).join('\n')}\n${cubeF.map((f) => `f ${f.map((i) => i + 1).join(' ')}`).join('\n')}\n`), faces: 6, declared: false },
  ];
  for (const mesh of MESHES) {
    describe(mesh.name, () => {
      test('the base file loads as a mesh of its faces', () => {
        const r = attempt(mesh.name, mesh.bytes);
        expect(r instanceof LoadError ? r.message : [r.kind, r.faceCount]).toEqual(['mesh', mesh.faces]);
      });

      test('truncated at every byte: an error, or (OBJ, or inside the last line) no more faces than the file has', () => {
        for (let cut = 0; cut < mesh.bytes.length; cut++) {
          const r = attempt(mesh.name, mesh.bytes.subarray(0, cut));
          if (r instanceof LoadError) continue;
          if (mesh.declared && cut <= lastLineStart(mesh.bytes)) throw new Error(`${mesh.name} cut at ${cut} of ${mesh.bytes.length} loaded ${r.faceCount} faces`);
          expect(r.faceCount).toBeLessThanOrEqual(mesh.faces);
          expect(r.cloud.count).toBeGreaterThan(0);
        }
      });

      test('a flipped byte: an error, or the face count the file states, with finite points', () => {
        fc.assert(
          fc.property(fc.nat(mesh.bytes.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
            const bytes = mesh.bytes.slice();
            bytes[at] = value;
            const r = attempt(mesh.name, bytes);
            if (r instanceof LoadError) return;
            // OBJ has no count: a face line can become another statement ("f" -> "o" names an
            // object), so it may hold fewer faces. A PLY face element that lost its name is named
            // in a warning.
            if (!mesh.declared) expect(r.faceCount).toBeLessThanOrEqual(mesh.faces);
            else if (!r.warnings.some((w) => /only 'face' elements/.test(w))) expect(r.faceCount).toBe(mesh.faces);
            expect(Array.from(r.cloud.positions).every(Number.isFinite)).toBe(true);
          }),
          { numRuns: RUNS, seed: 24 },
        );
      });
    });
  }

  describe('binary STL', () => {
    const tris = [[0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1, 0, 1, 1], [0, 0, 0, 0, 0, 1, 1, 0, 0]];
    const stl = binaryStl(tris);
    test('truncated at every byte: an error', () => {
      for (let cut = 0; cut < stl.length; cut++) {
        const r = attempt('s.stl', stl.subarray(0, cut));
        expect([cut, r instanceof LoadError]).toEqual([cut, true]);
      }
    });
    test('a changed triangle count: an error unless it is the true count', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (count) => {
          const bytes = stl.slice();
          new DataView(bytes.buffer).setUint32(80, count, true);
          const r = attempt('s.stl', bytes);
          if (!(r instanceof LoadError)) expect([count, r.faceCount]).toEqual([3, 3]);
        }),
        { numRuns: RUNS, seed: 24 },
      );
    });
  });
});

// Container and header-described binary formats (glTF's chunks and JSON, 3MF's zip and XML, LAS's
// header and records, NumPy's header, .npz's zip): a byte change can make another valid file (a
// different offset, another number), so only the first half of the property holds for them: truncated or with a byte flipped, a load is a LoadError or a well-formed cloud, never
// another exception.
describe('container formats: truncated or flipped, a LoadError or a cloud, never another exception', () => {
  const glb = (() => {
    const pos = new Float32Array(POINTS.flat());
    const json = JSON.stringify({
      asset: { version: '2.0' },
      buffers: [{ byteLength: pos.byteLength }],
      bufferViews: [{ buffer: 0, byteLength: pos.byteLength }],
      accessors: [{ bufferView: 0, componentType: 5126, count: n, type: 'VEC3' }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0 }] }],
    });
    return glbFile(JSON.parse(json), new Uint8Array(pos.buffer));
  })();
  const tmf = threeMfFile({ vertices: POINTS.slice(0, 4), faces: [[0, 1, 2], [0, 2, 3]] });
  const files = [['points.glb', glb], ['square.3mf', tmf], ['scan.las', fixture('format3-rgb8-vlr.las')], ['cloud.npy', fixture('rows-f4.npy')], ['cloud.npz', fixture('named.npz')],
    ['scene.ply', fixture('splats-3dgs.ply')], ['scene.compressed.ply', fixture('splats-compressed.ply')], ['scene.splat', fixture('splats.splat')], ['scene.spz', fixture('splats-v3-sh1.spz')]] as const;
  for (const [name, bytes] of files) {
    test(`${name}`, () => {
      const whole = attempt(name, bytes);
      expect(whole).not.toBeInstanceOf(LoadError);
      for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 400))) {
        const r = attempt(name, bytes.subarray(0, cut));
        if (!(r instanceof LoadError)) expect(pointsOf(r).every((p) => p.every(Number.isFinite))).toBe(true);
      }
      fc.assert(
        fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
          const changed = bytes.slice();
          changed[at] = value;
          const r = attempt(name, changed);
          if (!(r instanceof LoadError)) expect(pointsOf(r).every((p) => p.every(Number.isFinite))).toBe(true);
        }),
        { numRuns: RUNS, seed: 24 },
      );
    });
  }
});
