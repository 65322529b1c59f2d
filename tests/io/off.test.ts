// OFF on files shaped like real exporters' (tests/io/fixtures/off.ts; counts follow from the
// generated shapes), and generated variants.
import { describe, expect, test } from 'vitest';
import { cubeOff, greyColourOff, hugeHeaderOff, OFF_MESHES, pointSetOff, shortFaceOff, twoColourOff } from './fixtures/off';
import { expectError, expectWellFormed, load } from './expectLoad';
import { text } from './generate';

describe('OFF, files like real exporters write (tests/io/fixtures/off.ts)', () => {
  for (const [name, bytes, vertices, faces] of OFF_MESHES) {
    test(`${name}: ${vertices} vertices, ${faces} faces`, () => {
      const r = load('m.off', bytes());
      expect([r.format, r.kind, r.vertexCount, r.faceCount]).toEqual(['off', 'mesh', vertices, faces]);
      expect(r.warnings).toEqual([]);
      expectWellFormed(r);
    });
  }

  test('without an extension, OFF is found by its content', () => {
    const r = load('formatDetection', cubeOff());
    expect([r.format, r.vertexCount, r.faceCount]).toEqual(['off', 8, 6]);
  });

  test('COFF with 0..1 colours (red 0.9 0 0, blue 0 0 0.9), comments after values', () => {
    const r = load('mesh_with_colors.off', twoColourOff());
    expect([r.vertexCount, r.faceCount]).toEqual([8, 4]);
    const c = r.cloud.colors!;
    let off = 0;
    for (let i = 0; i < r.cloud.count; i++) {
      // Every sample mixes red and blue vertices: no green, red + blue = 0.9.
      if (c[3 * i + 1] !== 0 || Math.abs(c[3 * i]! + c[3 * i + 2]! - 0.9) > 1e-6) off++;
    }
    expect(off).toBe(0);
  });

  test('COFF with 0..255 colours (192 192 192 255 on every vertex)', () => {
    const r = load('cactus.off', greyColourOff());
    expect([r.vertexCount, r.faceCount]).toEqual([620, 1236]);
    expect(r.cloud.colors!.every((v) => Math.abs(v - 192 / 255) < 1e-6)).toBe(true);
  });

  test('"5210 0 0" is a point set', () => {
    const r = load('kitten.off', pointSetOff());
    expect([r.kind, r.vertexCount, r.faceCount, r.cloud.count]).toEqual(['points', 5210, 0, 5210]);
  });

  test('a face that lists fewer indices than it declares', () => {
    // "0", then "2\r20" = "2", "20" on separate lines: three face lines for two declared faces.
    expectError('invalid.off', shortFaceOff(), 'malformed', 'OFF: header declares 3 vertices and 2 faces (5 lines), but the file has 6 lines of data after the counts');
  });

  test('353535235358 vertices are refused before allocating', () => {
    expectError('OutOfMemory.off', hugeHeaderOff(), 'too-large', 'OFF: header declares 353,535,235,358 vertices; the limit is 10,000,000 points (LIMITS.maxPoints)');
  });

  test('an empty file', () => {
    expectError('empty.off', new Uint8Array(0), 'empty', 'OFF: the file is empty (0 bytes)');
  });
});

describe('OFF, generated', () => {
  const tri = '0 0 0\n1 0 0\n0 1 0\n';

  test('counts on the keyword line, comments, NOFF, CNOFF and STOFF vertex layouts', () => {
    expect(load('a.off', text(`OFF 3 1 0\n${tri}3 0 1 2\n`)).faceCount).toBe(1);
    expect(load('a.off', text(`# c\nOFF\n# c\n3 1 0 # counts\n${tri}3 0 1 2 # face\n`)).faceCount).toBe(1);
    expect(load('a.off', text('NOFF\n3 1 0\n0 0 0 0 0 1\n1 0 0 0 0 1\n0 1 0 0 0 1\n3 0 1 2\n')).kind).toBe('mesh');
    const cn = load('a.off', text('CNOFF\n3 1 0\n0 0 0 0 0 1 255 0 0 255\n1 0 0 0 0 1 255 0 0 255\n0 1 0 0 0 1 255 0 0 255\n3 0 1 2\n'));
    expect(Array.from(cn.cloud.colors!.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(load('a.off', text('STOFF\n3 1 0\n0 0 0 0 0\n1 0 0 1 0\n0 1 0 0 1\n3 0 1 2\n')).kind).toBe('mesh');
    expect(load('a.off', text(`3 1 0\n${tri}3 0 1 2\n`)).kind).toBe('mesh'); // no keyword, named .off
  });

  test('the vertex count run onto the keyword, as in many of ModelNet40\'s files ("OFF490 518 0")', () => {
    const joined = load('a.off', text(`OFF3 1 0\n${tri}3 0 1 2\n`));
    expect([joined.kind, joined.vertexCount, joined.faceCount, joined.warnings]).toEqual(['mesh', 3, 1, []]);
    expect(load('model', text(`COFF3 1 0\n0 0 0 9 9 9\n1 0 0 9 9 9\n0 1 0 9 9 9\n3 0 1 2\n`)).format).toBe('off'); // found by content
    expectError('a.off', text(`OFF3\n${tri}`), 'malformed', `OFF: line 1: expected '<vertices> <faces> <edges>', found '3'`);
  });

  test('4OFF and nOFF are unsupported', () => {
    expectError('a.off', text('4OFF\n1 0 0\n0 0 0 1\n'), 'unsupported', `OFF: '4OFF' (4D or n-dimensional vertices) is not supported`);
    expectError('a.off', text('nOFF\n4\n1 0 0\n0 0 0 1\n'), 'unsupported', `OFF: 'nOFF' (4D or n-dimensional vertices) is not supported`);
  });

  test('truncated vertices and faces name both counts', () => {
    expectError('a.off', text(`OFF\n100 1 0\n${tri}`), 'truncated', 'OFF: header declares 100 vertices but the file ends after 3');
    expectError('a.off', text(`OFF\n3 5 0\n${tri}3 0 1 2\n3 0 2 1\n`), 'truncated', 'OFF: header declares 5 faces but the file ends after 2');
  });

  test('bad faces and vertices name the line', () => {
    expectError('a.off', text(`OFF\n3 1 0\n${tri}3 0 1 3\n`), 'out-of-range', 'OFF: face 0 (line 6) refers to vertex 3 of 3 (valid: 0 to 2)');
    expectError('a.off', text(`OFF\n3 1 0\n0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n`), 'malformed', 'OFF: line 4, column 3: "zero" is not a number');
    expectError('a.off', text(`OFF\n3 1 0\n0 0\n1 0 0\n0 1 0\n3 0 1 2\n`), 'malformed', 'OFF: vertex 0 (line 3) has 2 values; this OFF variant needs 3');
    expectError('a.off', text(`OFF\nthree 1 0\n`), 'malformed', `OFF: line 2: expected '<vertices> <faces> <edges>', found 'three 1 0'`);
    expectError('a.off', text(`OFF\n3 1 0\n${tri}3 0 1 -2\n`), 'malformed', `OFF: face 0 (line 6): '-2' is not a vertex index`);
  });

  test('a header of 0 vertices, and faces with fewer than 3 vertices', () => {
    expectError('a.off', text('OFF\n0 0 0\n'), 'empty', 'OFF: header declares 0 vertices');
    const r = load('a.off', text(`OFF\n3 2 0\n${tri}2 0 1\n3 0 1 2\n`));
    expect(r.warnings).toEqual(['OFF: 1 face with fewer than 3 vertices skipped']);
  });
});
