// OBJ on files shaped like real exporters' (tests/io/fixtures/obj.ts; counts follow from the
// generated shapes) and on generated files for the reference forms.
import { describe, expect, test } from 'vitest';
import {
  boxLongLineObj, boxMaterialSpacesObj, boxNoFinalNewlineObj, boxObj, boxUtf16BeObj, BUNNY_FACTS, bunnyObj, concavePolygonObj,
  cubeElementsObj, cubeMaterialsObj, cubeVertexColorsObj, emptyFaceLineObj, emptyMaterialObj, multipleSpacesObj,
  numberFormatsObj, outOfRangeObj, pointCloudObj, SPHERE_EMPTY_MATERIAL, SPHERE_VT_VN, sphereWithTexturesObj,
} from './fixtures/obj';
import { expectError, expectWellFormed, load } from './expectLoad';
import { text } from './generate';

describe('OBJ, files like real exporters write (tests/io/fixtures/obj.ts)', () => {
  test('a bunny-sized closed mesh: 34835 vertices, 69666 faces, samples inside the vertices\' bounds', () => {
    const r = load('bunny.obj', bunnyObj(), 100_000);
    expect([r.format, r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['obj', 'mesh', 34835, 69666, 100_000]);
    expect(r.warnings).toEqual([]);
    // The surface lies inside the ellipsoid of radii (1, 0.991233, 0.775047) and touches its x ends.
    const lo = [-1, -0.991233, -0.775047].map(Math.fround);
    const hi = [1, 0.991233, 0.775047].map(Math.fround);
    r.bounds.min.forEach((v, k) => expect(v).toBeGreaterThanOrEqual(lo[k]!));
    r.bounds.max.forEach((v, k) => expect(v).toBeLessThanOrEqual(hi[k]!));
    expect(r.bounds.max[0]! - r.bounds.min[0]!).toBeGreaterThan(1.2); // the samples span the shape
    expectWellFormed(r);
  });

  const meshes: [string, () => Uint8Array, number, number][] = [
    ['sphere with v/vt/vn faces', sphereWithTexturesObj, SPHERE_VT_VN.vertices, SPHERE_VT_VN.faces],
    ['box.obj', boxObj, 8, 6],
    ['box in UTF-16BE', boxUtf16BeObj, 8, 6],
    ['box with a 100,000-character line', boxLongLineObj, 8, 6],
    ['box without a final line end', boxNoFinalNewlineObj, 8, 6],
    ['box with material names holding spaces', boxMaterialSpacesObj, 8, 6],
    ['cube with usemtl', () => cubeMaterialsObj(false), 8, 12],
    ['cube with mtllib after g', () => cubeMaterialsObj(true), 8, 12],
    ['a concave polygon', concavePolygonObj, 64, 1],
    ['runs of spaces and tabs', multipleSpacesObj, 4, 1],
    ['bunny-sized UV sphere', bunnyObj, BUNNY_FACTS.vertices, BUNNY_FACTS.faces],
    ['empty material names', emptyMaterialObj, SPHERE_EMPTY_MATERIAL.vertices, SPHERE_EMPTY_MATERIAL.faces],
  ];
  for (const [file, bytes, vertices, faces] of meshes) {
    test(`${file}: ${vertices} vertices, ${faces} faces`, () => {
      const r = load('m.obj', bytes());
      expect([r.format, r.kind, r.vertexCount, r.faceCount]).toEqual(['obj', 'mesh', vertices, faces]);
      expectWellFormed(r);
    });
  }

  test('vertex colours: colours come from the vertices (0.0 to 0.87843 in the file)', () => {
    const r = load('cube_with_vertexcolors.obj', cubeVertexColorsObj());
    expect([r.vertexCount, r.faceCount]).toEqual([8, 12]);
    const c = r.cloud.colors!;
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...c)).toBeLessThanOrEqual(Math.fround(0.87843));
    expect(Math.max(...c)).toBeGreaterThan(0.5);
  });

  test('vertices without faces are a point set', () => {
    const r = load('point_cloud.obj', pointCloudObj());
    expect([r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['points', 3, 0, 3]);
    expect(Array.from(r.cloud.positions)).toEqual(
      [-0.207717, -0.953997, 2.55411, -0.275607, -0.965401, 2.54153, -0.270155, -0.96317, 2.548].map(Math.fround),
    );
  });

  test('points and lines only: every vertex is a point; p / l elements are named as ignored', () => {
    const p = load('testpoints.obj', cubeElementsObj({ points: true }));
    expect([p.kind, p.cloud.count]).toEqual(['points', 8]);
    expect(p.warnings[0]).toBe(`OBJ: 6 point ('p') elements ignored`);
    const l = load('testline.obj', cubeElementsObj({ lines: true }));
    expect([l.kind, l.cloud.count]).toEqual(['points', 8]);
    expect(l.warnings[0]).toBe(`OBJ: 6 line ('l') elements ignored`);
  });

  test('faces, points and lines: the faces make the mesh, points and lines are ignored', () => {
    const r = load('testmixed.obj', cubeElementsObj({ points: true, lines: true, faces: true }));
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 8, 6]);
    expect(r.warnings).toEqual([`OBJ: 6 point ('p') elements and 6 line ('l') elements ignored`]);
  });

  test('out-of-range vertex reference', () => {
    expectError('malformed.obj', outOfRangeObj(), 'out-of-range', 'OBJ: face 1 (line 23) refers to vertex 12 of 8');
  });

  test('an empty "f" line is skipped with a warning', () => {
    const r = load('malformed2.obj', emptyFaceLineObj());
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 8, 6]);
    expect(r.warnings).toEqual(['OBJ: 1 face with fewer than 3 vertices skipped']);
  });

  test('number formats: "3.1+e2" is not a number', () => {
    expectError('number_formats.obj', numberFormatsObj(), 'malformed', 'OBJ: line 11, column 14: "3.1+e2" is not a number');
  });

  test('an empty file', () => {
    expectError('empty.obj', new Uint8Array(0), 'empty', 'OBJ: the file is empty (0 bytes)');
  });
});

describe('OBJ, generated', () => {
  const square = 'v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n';

  test('positive, negative, v/vt, v//vn and v/vt/vn references give the same surface', () => {
    const forms = [
      'f 1 2 3 4',
      'f -4 -3 -2 -1',
      'vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nf 1/1 2/2 3/3 4/4',
      'vn 0 0 1\nf 1//1 2//1 3//1 4//1',
      'vt 0 0\nvn 0 0 1\nf 1/1/1 2/1/1 3/1/1 4/1/1',
      'vt 0 0\nvn 0 0 1\nf -4/-1/-1 -3/-1/-1 -2/-1/-1 -1/-1/-1',
    ];
    const clouds = forms.map((f) => load('q.obj', text(square + f)));
    for (const r of clouds) {
      expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 4, 1]);
      expect(r.cloud.positions).toEqual(clouds[0]!.cloud.positions);
    }
    expect(clouds[0]!.bounds.max[0]).toBeGreaterThan(0.9);
  });

  test('vertex colours are interpolated like positions (colour = position here)', () => {
    const r = load('c.obj', text('v 0 0 0 0 0 0\nv 1 0 0 1 0 0\nv 0 1 0.5 0 1 0.5\nf 1 2 3\n'));
    const { positions, colors } = r.cloud;
    let far = 0;
    for (let i = 0; i < positions.length; i++) far = Math.max(far, Math.abs(positions[i]! - colors![i]!));
    expect(far).toBeLessThan(1e-6);
  });

  test('a reference to a vertex defined later, vertex 0, or a word', () => {
    expectError('a.obj', text(square + 'f 1 2 5\nv 2 2 2\n'), 'out-of-range', 'OBJ: face 1 (line 5) refers to vertex 5 of 4');
    expectError('a.obj', text(square + 'f 1 2 -5\n'), 'out-of-range', 'OBJ: face 1 (line 5) refers to vertex -5 (relative: 0) of 4');
    expectError('a.obj', text(square + 'f 0 1 2\n'), 'malformed', 'OBJ: face 1 (line 5) refers to vertex 0; OBJ counts from 1');
    expectError('a.obj', text(square + 'f 1 2 x\n'), 'malformed', `OBJ: face 1 (line 5): 'x' is not a vertex reference`);
  });

  test('continuation lines, comments, groups and unknown statements', () => {
    const r = load('k.obj', text(`# cube corner\no thing\ng part\n${square}s off\nusemtl m\nf 1 2 \\\n3 4\nfoo bar\n`));
    expect([r.kind, r.faceCount]).toEqual(['mesh', 1]);
    expect(r.warnings).toEqual([`OBJ: 1 line not understood and ignored (first: line 12 'foo bar')`]);
  });

  test('non-finite vertices: faces using them are dropped; a faceless file drops the points', () => {
    const mesh = load('n.obj', text(square + 'v nan 0 0\nf 1 2 3\nf 1 2 5\n'));
    expect(mesh.warnings).toContain('1 vertex with NaN or infinite coordinates; 1 triangle using it dropped');
    const points = load('p.obj', text(square + 'v inf 0 0\n'));
    expect(points.cloud.count).toBe(4);
  });

  test('colours on only some vertices are ignored with a warning', () => {
    const r = load('c.obj', text('v 0 0 0 1 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'));
    expect(r.cloud.colors).toBeUndefined();
    expect(r.warnings).toEqual(['OBJ: only 1 of 3 vertices have colours; colours ignored']);
  });

  test('text that is not OBJ', () => {
    expectError('notes.obj', text('hello\nworld\n'), 'malformed', `OBJ: no vertex ('v') lines; not an OBJ file? (line 1 'hello')`);
  });
});
