// STL on files shaped like real exporters' (tests/io/fixtures/stl.ts; counts follow from the
// generated shapes), and generated broken files.
import { describe, expect, test } from 'vitest';
import { triangles } from './fixtures/shapes';
import { asciiStl, oneFacetStl, SPIDER, STL_FILES } from './fixtures/stl';
import { expectError, expectWellFormed, load } from './expectLoad';
import { binaryStl, concat, text } from './generate';

describe('STL, files like real exporters write (tests/io/fixtures/stl.ts)', () => {
  for (const [name, bytes, triangles] of STL_FILES) {
    test(`${name}: ${triangles} triangles`, () => {
      const r = load('m.stl', bytes());
      expect([r.format, r.kind, r.vertexCount, r.faceCount]).toEqual(['stl', 'mesh', triangles * 3, triangles]);
      expect(r.warnings).toEqual([]);
      expectWellFormed(r);
    });
  }

  test('the ASCII and binary spiders are the same surface', () => {
    const a = load('a.stl', text(asciiStl(triangles(SPIDER))));
    const b = load('b.stl', binaryStl(triangles(SPIDER)));
    a.bounds.min.forEach((v, k) => expect(v).toBeCloseTo(b.bounds.min[k]!, 3));
    a.bounds.max.forEach((v, k) => expect(v).toBeCloseTo(b.bounds.max[k]!, 3));
  });

  test('without an extension: ASCII STL found by its content', () => {
    const r = load('formatDetection', oneFacetStl());
    expect([r.format, r.faceCount]).toEqual(['stl', 1]);
  });
});

describe('STL, generated', () => {
  const triangles = Array.from({ length: 10 }, (_, i) => [i, 0, 0, i + 1, 0, 0, i, 1, 0]);

  test('binary: truncated, too large, empty, trailing bytes', () => {
    const full = binaryStl(triangles);
    expectError('t.stl', full.subarray(0, 84 + 50 * 6 + 20), 'truncated', 'STL: binary header declares 10 triangles but the file ends after 6 (404 of 584 bytes)');
    expectError('t.stl', binaryStl(triangles.slice(0, 1), 2 ** 31), 'too-large', 'STL: binary header declares 2,147,483,648 triangles; the limit is 20,000,000 faces (LIMITS.maxFaces)');
    expectError('t.stl', binaryStl([]), 'empty', 'STL: binary header declares 0 triangles');
    expectError('t.stl', full.subarray(0, 50), 'truncated', 'STL: the file has 50 bytes; a binary STL needs at least 84');
    // Longer than declared is an error too (issue 24: counts are checked both ways).
    expectError('t.stl', concat(full, new Uint8Array(7)), 'malformed', 'STL: binary header declares 10 triangles (584 bytes), but the file has 591 bytes (7 more)');
  });

  test('a binary file whose 80-byte header starts with "solid" is still binary', () => {
    const bytes = binaryStl(triangles);
    bytes.set(text('solid but binary'));
    expect(load('s.stl', bytes).faceCount).toBe(10);
  });

  const facet = (v: string) => `facet normal 0 0 1\nouter loop\n${v}endloop\nendfacet\n`;
  const corners = 'vertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n';

  test('ASCII: cut inside a facet, no endsolid, a facet of two vertices', () => {
    expectError('a.stl', text(`solid x\n${facet(corners)}facet normal 0 0 1\nouter loop\nvertex 0 0 0\n`), 'truncated', 'STL: the file ends inside facet 1 (line 9)');
    expectError('a.stl', text(`solid x\n${facet(corners)}`), 'truncated', `STL: the file ends after 1 facet without 'endsolid'`);
    expectError('a.stl', text(`solid x\n${facet('vertex 0 0 0\nvertex 1 0 0\n')}endsolid x\n`), 'malformed', 'STL: facet 0 (line 2) has 2 vertices; STL facets are triangles');
    expectError('a.stl', text(`solid x\n${facet('vertex 0 0\nvertex 1 0 0\nvertex 0 1 0\n')}endsolid x\n`), 'malformed', `STL: line 4: a vertex needs 3 coordinates, found 'vertex 0 0'`);
    expectError('a.stl', text('solid x\nendsolid x\n'), 'empty', 'STL: the file has no facets');
  });

  test('ASCII with CRLF line ends', () => {
    const r = load('a.stl', text(`solid x\n${facet(corners)}endsolid x\n`.replace(/\n/g, '\r\n')));
    expect(r.faceCount).toBe(1);
  });
});
