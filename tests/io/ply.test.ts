// PLY on files shaped like real exporters' (tests/io/fixtures/ply.ts) and on generated ones
// covering every encoding and scalar type. Expected counts and values are the ones the fixtures
// were written with.
import { describe, expect, test } from 'vitest';
import {
  b9NoFacesPly, b9TrainingPly, buildingPly, coloredTetraPly, cubeBinaryPly, cubePly, floatColorPly, fourPointsPly,
  listInVertexPly, spherePly, STRAY_HEADER_LINE, strayHeaderLinePly, truncatedPondPly,
} from './fixtures/ply';
import { parsePly } from '../../src/io/ply';
import { expectError, expectWellFormed, load } from './expectLoad';
import { type PlyType, concat, plyFile, text } from './generate';

const XYZ_FLOAT: [string, PlyType][] = [['x', 'float'], ['y', 'float'], ['z', 'float']];

describe('PLY, files like real exporters write (tests/io/fixtures/ply.ts)', () => {
  test('cube, ASCII: 8 vertices, 6 quads; samples lie on the unit cube', () => {
    const r = load('cube.ply', cubePly());
    expect([r.format, r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['ply', 'mesh', 8, 6, 2000]);
    expect(r.bounds).toEqual({ min: [0, 0, 0], max: [1, 1, 1] });
    let offSurface = 0;
    for (let i = 0; i < r.cloud.count; i++) {
      const p = Array.from(r.cloud.positions.subarray(3 * i, 3 * i + 3));
      if (!p.some((v) => Math.abs(v) < 1e-6 || Math.abs(v - 1) < 1e-6)) offSurface++;
    }
    expect(offSurface).toBe(0);
    expectWellFormed(r);
  });

  test('cube, binary little-endian: 8 vertices, 12 triangles', () => {
    const r = load('cube_binary.ply', cubeBinaryPly());
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 8, 12]);
    expect(r.warnings).toEqual([]);
  });

  test('big-endian icosphere: 162 vertices, 320 faces; the header line without a keyword is a warning', () => {
    const r = load('stray.ply', strayHeaderLinePly());
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 162, 320]);
    expect(r.warnings).toEqual([`PLY: header line 3 ignored: '${STRAY_HEADER_LINE.slice(0, 40)}...'`]);
  });

  test('float colours in 0..1 are kept as they are', () => {
    const r = load('float-color.ply', floatColorPly());
    expect([r.vertexCount, r.faceCount]).toEqual([3, 1]);
    expect(new Set(r.cloud.colors)).toEqual(new Set([0, 1]));
    for (let i = 0; i < r.cloud.count; i++) expect(Array.from(r.cloud.colors!.subarray(3 * i, 3 * i + 3))).toEqual([0, 0, 1]);
  });

  test('4 points with uchar colours and normals', () => {
    const r = load('points.ply', fourPointsPly());
    expect([r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['points', 4, 0, 4]);
    expect(Array.from(r.cloud.positions)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1]);
    expect(Array.from(r.cloud.colors!)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1]);
    expect(Array.from(r.cloud.normals!)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(r.warnings).toEqual(['only 4 points: a shape needs at least 64, so the classification means little']);
  });

  test('a list property in the vertex element that the data does not hold', () => {
    expectError('list.ply', listInVertexPly(), 'malformed', 'PLY: vertex 0: line 9, column 13: "7.941797" is not a valid uint8 value');
  });

  test('truncated: 2,171,512 body bytes hold 70,048 of 70,051 vertices of 31 bytes', () => {
    const bytes = truncatedPondPly();
    const headerBytes = new TextDecoder().decode(bytes.subarray(0, 1000)).indexOf('end_header\n') + 'end_header\n'.length;
    expect(bytes.length - headerBytes).toBe(2_171_512);
    expectError('pond.0.ply', bytes, 'truncated', 'PLY: header declares 70,051 vertices but the file ends after 70,048');
  });

  test('binary doubles, uchar colours, an int label (22,300 points)', () => {
    const r = load('b9_training.ply', b9TrainingPly());
    expect([r.kind, r.vertexCount, r.cloud.count]).toEqual(['points', 22300, 22300]);
    // Map coordinates: held relative to the first point, rounded (io/origin.ts), so float32 keeps
    // them to 1e-8 instead of the 1/16 it has at 596,732.
    expect(r.offset).toEqual([596732, 243629, 77]);
    expect(r.warnings).toEqual(['coordinates far from zero (around 596732, 243629, 77): the shape is held relative to that point, so that 32-bit floats keep its detail']);
    const inFile = (i: number) => [0, 1, 2].map((k) => r.cloud.positions[3 * i + k]! + r.offset![k]!);
    expect(inFile(0)).toEqual([596732.4375, 243629.125, expect.closeTo(76.76165009, 7)]);
    expect(inFile(22299)).toEqual([596697.8125, 243629.640625, expect.closeTo(88.838974, 6)]);
    expect(r.bounds.min[0] + 596732).toBe(596648.0625);
    expect(r.bounds.max[0] + 596732).toBe(596738.9375);
    // Colours (0,0,0) x 19853, (0,255,27) x 314, (245,180,0) x 1567, (255,0,170) x 566; the first
    // (255,0,170) is record 14 (B9_FACTS).
    const c = r.cloud.colors!;
    const black = Array.from({ length: r.cloud.count }, (_, i) => c[3 * i] === 0 && c[3 * i + 1] === 0 && c[3 * i + 2] === 0);
    expect(black.filter(Boolean).length).toBe(19853);
    expect(Array.from(c.subarray(42, 45))).toEqual([1, 0, 170 / 255].map(Math.fround));
    expect(inFile(14).slice(0, 2)).toEqual([596709, 243669.609375]);
  });

  test('ASCII, 100000 points with normals', () => {
    const r = load('building.ply', buildingPly());
    expect([r.kind, r.vertexCount, r.cloud.count]).toEqual(['points', 100000, 100000]);
    expect(Array.from(r.cloud.positions.subarray(0, 3))).toEqual([8.19821, -21.7553, 7.88123].map(Math.fround));
    expect(Array.from(r.cloud.positions.subarray(-3))).toEqual([-5.53341, 20.6638, 10.8803].map(Math.fround));
    expect(Array.from(r.cloud.normals!.subarray(-3))).toEqual([-0.00657654, 0.999553, 0.0291816].map(Math.fround));
  });

  test('face colours and an edge element after the faces', () => {
    const r = load('colored_tetra.ply', coloredTetraPly());
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 4, 4]);
    // Samples of the tetrahedron (0,0,0) (0,0,1) (0,1,0) (1,0,0): x + y + z <= 1, all >= 0.
    const p = r.cloud.positions;
    let outside = 0;
    for (let i = 0; i < r.cloud.count; i++) if (p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]! > 1 + 1e-6) outside++;
    expect(outside).toBe(0);
    expect(r.bounds.min.every((v) => v >= 0)).toBe(true);
    expect(r.cloud.colors!.every((c) => c >= 0 && c <= 1)).toBe(true);
  });

  test('ASCII icosphere: 162 vertices, 320 faces', () => {
    const r = load('sphere.ply', spherePly());
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 162, 320]);
  });

  test('"element face 0" is a point set', () => {
    const r = load('b9.ply', b9NoFacesPly());
    expect([r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['points', 22300, 0, 22300]);
  });
});

describe('PLY, generated', () => {
  const types: PlyType[] = ['char', 'uchar', 'short', 'ushort', 'int', 'uint', 'float', 'double'];
  const encodings = ['ascii', 'binary_little_endian', 'binary_big_endian'] as const;
  const points = [[1, 2, 3], [4, 5, 6], [7, 8, 100], [0, 9, 1]];

  for (const encoding of encodings) {
    for (const type of types) {
      test(`${encoding}, ${type} coordinates`, () => {
        const bytes = plyFile({ encoding, vertexProps: [['x', type], ['y', type], ['z', type]], vertices: points });
        const r = load(`t.ply`, bytes);
        expect(Array.from(r.cloud.positions)).toEqual(points.flat());
      });
    }
  }

  test('big-endian doubles keep what float32 can hold', () => {
    const vertices = [[-1234.5678901, 0.1, 1e-8], [3.25, -2.5, 7]];
    const r = load('be.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices }));
    expect(Array.from(r.cloud.positions)).toEqual(vertices.flat().map(Math.fround));
  });

  test('big-endian colours (uchar) and normals (float) next to other properties', () => {
    const vertexProps: [string, PlyType][] = [
      ['x', 'float'], ['y', 'float'], ['z', 'float'], ['nx', 'float'], ['ny', 'float'], ['nz', 'float'],
      ['red', 'uchar'], ['green', 'uchar'], ['blue', 'uchar'], ['alpha', 'uchar'], ['quality', 'double'],
    ];
    const vertices = [[0, 0, 0, 0, 0, 1, 255, 0, 51, 9, 0.5], [1, 1, 1, 1, 0, 0, 0, 255, 102, 9, 0.25]];
    const r = load('c.ply', plyFile({ encoding: 'binary_big_endian', vertexProps, vertices }));
    expect(Array.from(r.cloud.normals!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(r.cloud.colors!)).toEqual([1, 0, 0.2, 0, 1, 0.4].map(Math.fround));
  });

  test('polygons of any size are fan-triangulated; the face count is the file\'s', () => {
    // A pentagon in z = 0 and a triangle in z = 0, 3 + 1 triangles.
    const vertices = [[0, 0, 0], [2, 0, 0], [3, 2, 0], [1, 3, 0], [-1, 2, 0], [5, 5, 0]];
    const faces = [[0, 1, 2, 3, 4], [1, 5, 2]];
    for (const encoding of encodings) {
      const r = load('poly.ply', plyFile({ encoding, vertexProps: XYZ_FLOAT, vertices, faces }));
      expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 6, 2]);
      expect(r.cloud.positions.filter((_, i) => i % 3 === 2).every((z) => z === 0)).toBe(true);
      expect(r.bounds.max[0]).toBeGreaterThan(4); // the triangle [1, 5, 2] is sampled too
    }
  });

  test("triangle strips (a 'tristrips' element, as vrip and the Digital Michelangelo models store meshes): -1 between strips, every other triangle turned, joins left out", () => {
    // A 2 x 4 grid of vertices: row y = 0 is 0..3, row y = 1 is 4..7.
    const vertices = [0, 1, 2, 3].map((x) => [x, 0, 0]).concat([0, 1, 2, 3].map((x) => [x, 1, 0]));
    // One strip over the first two cells, a restart, then one over the last cell joined by a
    // repeated vertex (a degenerate triangle, left out).
    const strips = [[0, 4, 1, 5, 2, -1, 2, 2, 6, 3, 7]];
    // As OpenGL draws a strip: (k-2, k-1, k) for even k from its start, (k-1, k-2, k) for odd k.
    const faces = [[0, 4, 1], [1, 4, 5], [1, 5, 2], [6, 2, 3], [6, 3, 7]];
    for (const encoding of encodings) {
      const parsed = parsePly(plyFile({ encoding, vertexProps: XYZ_FLOAT, vertices, faces: strips, faceElement: 'tristrips' }));
      if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
      expect(Array.from(parsed.mesh.indices)).toEqual(faces.flat());
      expect([parsed.fileFaceCount, parsed.warnings]).toEqual([5, []]);
    }
    const r = load('strips.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices, faces: strips, faceElement: 'tristrips' }));
    expect([r.kind, r.faceCount]).toEqual(['mesh', 5]);
    expectError('oob.ply', plyFile({ encoding: 'ascii', vertexProps: XYZ_FLOAT, vertices, faces: [[0, 4, 9]], faceElement: 'tristrips' }), 'out-of-range', 'PLY: triangle strip 0 refers to vertex 9 of 8 (valid: 0 to 7, or -1 between strips)');
    // -1 is only a restart in strips: in a face it is out of range.
    expectError('neg.ply', plyFile({ encoding: 'ascii', vertexProps: XYZ_FLOAT, vertices, faces: [[0, 4, -1]] }), 'out-of-range', 'PLY: face 0 refers to vertex -1 of 8 (valid: 0 to 7)');
  });

  test('faces with fewer than 3 vertices are skipped with a warning', () => {
    const bytes = plyFile({ encoding: 'ascii', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0], [1, 0, 0], [0, 1, 0]], faces: [[0, 1], [0, 1, 2]] });
    const r = load('deg.ply', bytes);
    expect(r.faceCount).toBe(2);
    expect(r.warnings).toContain('PLY: 1 face with fewer than 3 vertices skipped');
  });

  test('uint16 face list counts and uint32 indices', () => {
    const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0], [1, 0, 0], [0, 1, 0]], faces: [[0, 1, 2]], faceTypes: ['ushort', 'uint'] });
    expect(load('u.ply', bytes).kind).toBe('mesh');
  });

  test('binary file shorter than its header says: names both counts', () => {
    const full = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices: Array.from({ length: 1200 }, (_, i) => [i, 0, 0]), declaredVertices: 5000 });
    expectError('short.ply', full, 'truncated', 'PLY: header declares 5,000 vertices but the file ends after 1,200');
  });

  test('binary file cut inside the faces', () => {
    const vertices = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]];
    const faces = Array.from({ length: 12 }, () => [0, 1, 2]);
    const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices, faces });
    const cut = bytes.subarray(0, bytes.length - 5 * 13 + 4); // 7 whole faces, then 4 of the 8th's 13 bytes
    expectError('cut.ply', cut, 'truncated', 'PLY: header declares 12 faces but the file ends after 7');
  });

  test('ASCII file shorter than its header says', () => {
    const bytes = plyFile({ encoding: 'ascii', vertexProps: XYZ_FLOAT, vertices: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]], declaredVertices: 10 });
    expectError('short.ply', bytes, 'truncated', 'PLY: header declares 10 vertices but the file ends after 4');
  });

  test('a face that refers to a vertex past the end', () => {
    const vertices = Array.from({ length: 600 }, (_, i) => [i, i % 7, 0]);
    const faces = [[0, 1, 2], [3, 812, 4]];
    expectError('oob.ply', plyFile({ encoding: 'binary_big_endian', vertexProps: XYZ_FLOAT, vertices, faces }), 'out-of-range', 'PLY: face 1 refers to vertex 812 of 600 (valid: 0 to 599)');
  });

  test('a header promising 2^31 vertices is refused before anything is allocated', () => {
    const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0]], declaredVertices: 2 ** 31 });
    expectError('huge.ply', bytes, 'truncated', 'PLY: header declares 2,147,483,648 vertices but the file ends after 1');
    const ascii = plyFile({ encoding: 'ascii', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0]], declaredVertices: 2 ** 31 });
    expectError('huge.ply', ascii, 'too-large', 'PLY: header declares 2,147,483,648 vertices; the limit is 10,000,000 points (LIMITS.maxPoints)');
  });

  test('a header promising 2^31 faces is refused', () => {
    const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0]], faces: [], declaredFaces: 2 ** 31 });
    expectError('huge.ply', bytes, 'too-large', 'PLY: header declares 2,147,483,648 faces; the limit is 20,000,000 faces (LIMITS.maxFaces)');
  });

  test('exactly LIMITS.maxPoints declared in a small file is truncated, not too large', () => {
    const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices: [[0, 0, 0], [1, 1, 1]], declaredVertices: 10_000_000 });
    expectError('max.ply', bytes, 'truncated', 'PLY: header declares 10,000,000 vertices but the file ends after 2');
  });

  test('NaN and infinite coordinates: those points are dropped with a warning', () => {
    const vertices = Array.from({ length: 10 }, (_, i) => [i, 1, 2]);
    vertices[2]![0] = Number.NaN;
    vertices[5]![1] = Infinity;
    vertices[9]![2] = -Infinity;
    const r = load('nan.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices }));
    expect(r.cloud.count).toBe(7);
    expect(Array.from(r.cloud.positions.filter((_, i) => i % 3 === 0))).toEqual([0, 1, 3, 4, 6, 7, 8]);
    expect(r.warnings[0]).toBe('3 of 10 points had NaN or infinite coordinates and were dropped');
  });

  test('ASCII "nan" and "inf" spellings count as non-finite; no finite point left is an error', () => {
    const bytes = concat(
      text('ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nend_header\n'),
      text('nan 0 0\n0 -nan 0\ninf 1 1\n1 1 -Infinity\n'),
    );
    expectError('nan.ply', bytes, 'non-finite', 'PLY: no finite points: all 4 points have NaN or infinite coordinates');
  });

  test('mesh with a non-finite vertex: the triangles using it are dropped', () => {
    const vertices = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [Number.NaN, 0, 0]];
    const r = load('m.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ_FLOAT, vertices, faces: [[0, 1, 2], [0, 1, 3]] }));
    expect(r.kind).toBe('mesh');
    expect(r.warnings).toContain('1 vertex with NaN or infinite coordinates; 1 triangle using it dropped');
    expectWellFormed(r);
  });

  test('header problems name the line', () => {
    const header = (lines: string) => text(`ply\n${lines}\nend_header\n`);
    expectError('a.ply', header('format ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y'), 'malformed', `PLY: the vertex element has no 'z' property`);
    expectError('a.ply', header('format ascii 1.0\nelement vertex 1\nproperty int64 x'), 'unsupported', `PLY: header line 4: unknown property type 'int64'`);
    expectError('a.ply', header('format binary_middle_endian 1.0'), 'unsupported', `PLY: header line 2: unknown format 'binary_middle_endian'`);
    expectError('a.ply', header('format ascii 1.0\nelement vertex many'), 'malformed', `PLY: header line 3: expected 'element <name> <count>', found 'element vertex many'`);
    expectError('a.ply', header('format ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices'), 'malformed', `PLY: the header declares no 'vertex' element`);
    expectError('a.ply', text('ply\nformat ascii 1.0\nelement vertex 1\n'), 'truncated', `PLY: the file ends (after 38 bytes) before 'end_header'`);
    expectError('a.ply', header('format ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z'), 'empty', 'PLY: the file contains no points');
  });

  test('X, Y, Z (and Red, NX) in upper case are read as x, y, z; an element with both spellings keeps its own x', () => {
    const upper = load('upper.ply', plyFile({
      encoding: 'binary_big_endian',
      vertexProps: [['X', 'double'], ['Y', 'double'], ['Z', 'double'], ['NX', 'float'], ['NY', 'float'], ['NZ', 'float'], ['Red', 'uchar'], ['Green', 'uchar'], ['Blue', 'uchar']],
      vertices: [[1, 2, 3, 0, 0, 1, 255, 0, 0], [4, 5, 6, 0, 1, 0, 0, 255, 0]],
    }));
    expect(Array.from(upper.cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(upper.cloud.normals!)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(Array.from(upper.cloud.colors!)).toEqual([1, 0, 0, 0, 1, 0]);
    const both = load('both.ply', plyFile({ encoding: 'ascii', vertexProps: [['X', 'float'], ['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: [[9, 1, 2, 3], [9, 4, 5, 6]] }));
    expect(Array.from(both.cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
