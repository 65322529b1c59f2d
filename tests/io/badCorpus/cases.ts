// The bad-file corpus (issue 24): small files, each with the outcome it must have, written by hand
// from the formats' rules and the issue's cases, not from what the loaders print. generate.ts
// writes them under files/ with expected.json; corpus.test.ts loads every committed file and
// checks it gives exactly this, and that the committed files are what this module generates.
import { binaryStl, concat, pcdFile, plyFile, text } from '../generate';

export type Outcome =
  /** Refused with this reason and exactly this message. */
  | { reason: string; message: string }
  /** Refused with this reason, the message holding every one of these phrases (for messages with
   * measured figures, like the byte-order check's percentages). */
  | { reason: string; includes: string[] }
  /** Loads, with this many points and exactly these warnings. */
  | { points: number; warnings: string[] };

export interface CorpusCase {
  file: string;
  /** What the file is, in a few words. */
  what: string;
  bytes: Uint8Array;
  outcome: Outcome;
}

const F32_RANGE = 'is out of float32 range (largest magnitude 3.4028235e38)';
const XYZ3: [string, 'float'][] = [['x', 'float'], ['y', 'float'], ['z', 'float']];
const PCD_XYZ: [string, number, 'F'][] = [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']];
const TRI = [[0, 0, 0], [1, 0, 0], [0, 1, 0]];

/** 64 points on a twisted band, with values no float rounds to a short binary fraction. */
function band(): number[][] {
  return Array.from({ length: 64 }, (_, i) => {
    const t = (i / 64) * 2 * Math.PI;
    return [Math.fround(1.37 * Math.cos(t)), Math.fround(0.91 * Math.sin(t)), Math.fround(0.173 * i + 0.011)];
  });
}

function utf16(s: string, little: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + 2 * s.length);
  const view = new DataView(out.buffer);
  if (bom) view.setUint16(0, 0xfeff, little);
  for (let i = 0; i < s.length; i++) view.setUint16((bom ? 2 : 0) + 2 * i, s.charCodeAt(i), little);
  return out;
}

function utf32(s: string, little: boolean): Uint8Array {
  const out = new Uint8Array(4 + 4 * s.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfeff, little);
  for (let i = 0; i < s.length; i++) view.setUint32(4 + 4 * i, s.charCodeAt(i), little);
  return out;
}

/** The same PLY with another `format` line (the body's bytes untouched). */
function withFormat(bytes: Uint8Array, format: string): Uint8Array {
  const marker = text('end_header\n');
  let at = 0;
  while (!marker.every((b, k) => bytes[at + k] === b)) at++;
  const header = new TextDecoder().decode(bytes.subarray(0, at)).replace(/^format \S+/m, `format ${format}`);
  return concat(text(header), bytes.subarray(at));
}

/** A binary PLY of one triangle whose face list count is patched to `count` (uint). */
function plyWithListCount(count: number): Uint8Array {
  const bytes = plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: TRI, faces: [[0, 1, 2]], faceTypes: ['uint', 'int'] });
  const faceAt = bytes.length - (4 + 3 * 4);
  new DataView(bytes.buffer).setUint32(faceAt, count, true);
  return bytes;
}

const BOX_OFF = 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n';
const TRI_XYZ = '0 0 0\n1 0 0\n0 1 0\n0 0 1\n';

export function corpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (file: string, what: string, bytes: Uint8Array, outcome: Outcome): void => {
    cases.push({ file, what, bytes, outcome });
  };

  // --- the number grammar (issue 24 point 1) ---
  add('obj-hex.obj', 'OBJ vertex in hexadecimal (three reads it as 0)', text('v 0x1f 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'), {
    reason: 'malformed',
    message: 'OBJ: line 1, column 3: "0x1f" is not a number: hexadecimal is not read',
  });
  add('obj-trailing-letters.obj', 'OBJ "1.5abc" (parseFloat reads 1.5)', text('v 0 0 0\nv 1.5abc 0 0\nv 0 1 0\nf 1 2 3\n'), {
    reason: 'malformed',
    message: 'OBJ: line 2, column 3: "1.5abc" is not a number',
  });
  add('obj-decimal-comma.obj', 'OBJ decimal comma', text('v 0 0 0\nv 1 0 0\nv 0 0,5 0\nf 1 2 3\n'), {
    reason: 'malformed',
    message: 'OBJ: line 3, column 5: "0,5" is not a number: it has a decimal comma (write 0.5)',
  });
  add('obj-underscore.obj', 'OBJ digit separator', text('v 1_000 0 0\nv 1 0 0\nv 0 1 0\n'), {
    reason: 'malformed',
    message: 'OBJ: line 1, column 3: "1_000" is not a number',
  });
  add('obj-normal-junk.obj', 'OBJ vn with a word', text('v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 up\nf 1//1 2//1 3//1\n'), {
    reason: 'malformed',
    message: 'OBJ: line 4, column 8: "up" is not a number',
  });
  add('obj-empty-exponent.obj', 'OBJ "1e" (no exponent digits)', text('v 1e 0 0\nv 1 0 0\nv 0 1 0\n'), {
    reason: 'malformed',
    message: 'OBJ: line 1, column 3: "1e" is not a number',
  });
  add('ply-ascii-hex.ply', 'ASCII PLY vertex in hexadecimal', plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: [[0, 0, 0], ['0x10', 0, 0] as unknown as number[], [0, 1, 0]] }), {
    reason: 'malformed',
    message: 'PLY: vertex 1: line 9, column 1: "0x10" is not a number: hexadecimal is not read',
  });
  add('ply-ascii-trailing.ply', 'ASCII PLY "2.5e" and letters', plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: [[0, 0, 0], [1, 0, 0], [0, '2.5x', 0] as unknown as number[]] }), {
    reason: 'malformed',
    message: 'PLY: vertex 2: line 10, column 3: "2.5x" is not a number',
  });
  add('ply-ascii-decimal-comma.ply', 'ASCII PLY decimal comma', plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: [['0,25', 0, 0] as unknown as number[], [1, 0, 0], [0, 1, 0]] }), {
    reason: 'malformed',
    message: 'PLY: vertex 0: line 8, column 1: "0,25" is not a number: it has a decimal comma (write 0.25)',
  });
  add('pcd-letters.pcd', 'ASCII PCD with a word among the numbers', pcdFile({ encoding: 'ascii', fields: PCD_XYZ, points: [[0.1, 0.2, 0.3], [0.1, 'abc', 0.3] as unknown as number[]] }), {
    reason: 'malformed',
    message: 'PCD: line 13, column 5: "abc" is not a number',
  });
  add('pcd-decimal-comma.pcd', 'ASCII PCD with decimal commas', pcdFile({ encoding: 'ascii', fields: PCD_XYZ, points: [['0,1234', '0,5', '0,25'] as unknown as number[]] }), {
    reason: 'malformed',
    message: 'PCD: line 12, column 1: "0,1234" is not a number: it has a decimal comma (write 0.1234)',
  });
  add('pcd-hex.pcd', 'ASCII PCD in hexadecimal', pcdFile({ encoding: 'ascii', fields: PCD_XYZ, points: [[1, 2, 3], [4, 5, '0x6'] as unknown as number[]] }), {
    reason: 'malformed',
    message: 'PCD: line 13, column 5: "0x6" is not a number: hexadecimal is not read',
  });
  add('xyz-decimal-comma.xyz', 'XYZ with decimal commas (read as 6 columns before)', text('0,1234 0,5678 0,9\n1,5 2,5 3,5\n'), {
    reason: 'malformed',
    message: 'XYZ: line 1, column 1: "0,1234" is not a number: it has a decimal comma (write 0.1234); the row reads as numbers only with decimal commas',
  });
  add('csv-decimal-comma.csv', 'CSV with semicolons and decimal commas', text('x;y;z\n1,5;2,5;3,5\n'), {
    reason: 'malformed',
    message: 'XYZ: line 2, column 1: "1,5" is not a number: it has a decimal comma (write 1.5); the row reads as numbers only with decimal commas',
  });
  add('xyz-trailing-letters.xyz', 'XYZ first row "1.5abc" (not a header row)', text('1.5abc 2 3\n4 5 6\n'), {
    reason: 'malformed',
    message: 'XYZ: line 1, column 1: "1.5abc" is not a number',
  });
  add('xyz-hex.xyz', 'XYZ hexadecimal in a later row', text('1 2 3\n4 0x5 6\n'), {
    reason: 'malformed',
    message: 'XYZ: line 2, column 3: "0x5" is not a number: hexadecimal is not read',
  });
  add('csv-letters.csv', 'CSV letters after a comma', text('x,y,z\n1.0,2.0,3.0\n4.0, 5.0q, 6.0\n'), {
    reason: 'malformed',
    message: 'XYZ: line 3, column 6: "5.0q" is not a number',
  });
  add('off-hex.off', 'OFF vertex in hexadecimal', text('OFF\n3 1 0\n0 0 0\n0x1 0 0\n0 1 0\n3 0 1 2\n'), {
    reason: 'malformed',
    message: 'OFF: line 4, column 1: "0x1" is not a number: hexadecimal is not read',
  });
  add('off-colour-word.off', 'COFF colour that is a word (read as 0 before)', text('COFF\n3 1 0\n0 0 0 255 0 0 255\n1 0 0 red 0 0 255\n0 1 0 0 0 255 255\n3 0 1 2\n'), {
    reason: 'malformed',
    message: 'OFF: line 4, column 7: "red" is not a number',
  });
  add('off-decimal-comma.off', 'OFF decimal comma', text('OFF\n3 1 0\n0 0 0\n1 0 0\n0 0,5 0\n3 0 1 2\n'), {
    reason: 'malformed',
    message: 'OFF: line 5, column 3: "0,5" is not a number: it has a decimal comma (write 0.5)',
  });
  add('stl-vertex-letters.stl', 'ASCII STL "vertex a b c"', text('solid t\n  facet normal 0 0 1\n    outer loop\n      vertex a b c\n      vertex 1 0 0\n      vertex 0 1 0\n    endloop\n  endfacet\nendsolid t\n'), {
    reason: 'malformed',
    message: 'STL: line 4, column 14: "a" is not a number',
  });
  add('stl-normal-hex.stl', 'ASCII STL facet normal in hexadecimal', text('solid t\nfacet normal 0 0 0x1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n'), {
    reason: 'malformed',
    message: 'STL: line 2, column 18: "0x1" is not a number: hexadecimal is not read',
  });

  // --- float32 range (issue 24 point 3) ---
  add('obj-1e300.obj', 'OBJ coordinate 1e300', text('v 1e300 0 0\nv 1 0 0\nv 0 1 0\n'), {
    reason: 'float-range',
    message: `OBJ: line 1, column 3: "1e300" ${F32_RANGE}`,
  });
  add('xyz-minus-1e39.xyz', 'XYZ coordinate -1e39', text('0 0 0\n1 -1e39 0\n'), {
    reason: 'float-range',
    message: `XYZ: line 2, column 3: "-1e39" ${F32_RANGE}`,
  });
  add('ply-double-1e300.ply', 'binary PLY doubles of 1e300 (reported as NaN or infinite before)', plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices: [[0, 0, 0], [1, 1e300, 0], [0, 1, 0]] }), {
    reason: 'float-range',
    message: `PLY: vertex 1: y = 1e+300 ${F32_RANGE}`,
  });
  add('ply-ascii-1e300.ply', 'ASCII PLY double 1e300', plyFile({ encoding: 'ascii', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices: [[1e300, 0, 0], [1, 0, 0], [0, 1, 0]] }), {
    reason: 'float-range',
    message: `PLY: vertex 0: line 8, column 1: "1e+300" ${F32_RANGE}`,
  });
  add('pcd-double-1e300.pcd', 'binary PCD F 8 field of 1e300', pcdFile({ encoding: 'binary', fields: [['x', 8, 'F'], ['y', 8, 'F'], ['z', 8, 'F']], points: [[0, 0, 0], [0, 0, -1e300]] }), {
    reason: 'float-range',
    message: `PCD: point 1: z = -1e+300 ${F32_RANGE}`,
  });
  add('off-4e38.off', 'OFF coordinate 4e38', text('OFF\n3 1 0\n0 0 0\n4e38 0 0\n0 1 0\n3 0 1 2\n'), {
    reason: 'float-range',
    message: `OFF: line 4, column 1: "4e38" ${F32_RANGE}`,
  });
  add('stl-1e40.stl', 'ASCII STL vertex 1e40', text('solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1e40 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n'), {
    reason: 'float-range',
    message: `STL: line 5, column 8: "1e40" ${F32_RANGE}`,
  });

  // --- declared counts, both ways (issue 24 point 2) ---
  add('off-more-than-declared.off', 'OFF whose content is longer than its counts (vertex lines read as faces before)', text('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n'), {
    reason: 'malformed',
    message: 'OFF: header declares 3 vertices and 1 face (4 lines), but the file has 5 lines of data after the counts',
  });
  add('off-fewer-than-declared.off', 'OFF with fewer faces than declared', text('OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n'), {
    reason: 'truncated',
    message: 'OFF: header declares 2 faces but the file ends after 1',
  });
  add('off-face-list-huge.off', 'OFF face declaring 4,000,000,000 corners', text('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n4000000000 0 1 2\n'), {
    reason: 'too-large',
    message: 'OFF: face 0 (line 6) declares 4,000,000,000 vertices; the limit is 1,000,000 per face (LIMITS.maxListLength)',
  });
  add('ply-face-list-4e9.ply', 'binary PLY face list count 4,000,000,000 (a "short file" before)', plyWithListCount(4_000_000_000), {
    reason: 'too-large',
    message: 'PLY: face 0: list length 4,000,000,000; the limit is 1,000,000 (LIMITS.maxListLength)',
  });
  add('ply-binary-longer.ply', 'binary PLY with a vertex more than declared', plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: TRI, declaredVertices: 2 }), {
    reason: 'malformed',
    message: 'PLY: the header declares 2 vertices (24 bytes of data), but the file has 36 bytes after the header (12 more)',
  });
  add('ply-binary-shorter.ply', 'binary PLY with a vertex fewer than declared', plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: TRI, declaredVertices: 4 }), {
    reason: 'truncated',
    message: 'PLY: header declares 4 vertices but the file ends after 3',
  });
  add('ply-ascii-longer.ply', 'ASCII PLY with a face more than declared', plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: TRI, faces: [[0, 1, 2], [0, 2, 1]], declaredFaces: 1 }), {
    reason: 'malformed',
    message: 'PLY: the header declares 3 vertices and 1 face, but 4 more values follow them (from line 14, column 1: "3")',
  });
  add('pcd-ascii-longer.pcd', 'ASCII PCD with a point more than declared', pcdFile({ encoding: 'ascii', fields: PCD_XYZ, points: [[0, 0, 0], [1, 0, 0], [0, 1, 0]], declaredPoints: 2 }), {
    reason: 'malformed',
    message: 'PCD: header declares 2 points, but the data has 3 lines (from line 14 on, 1 more)',
  });
  add('pcd-binary-longer.pcd', 'binary PCD with a point more than declared', pcdFile({ encoding: 'binary', fields: PCD_XYZ, points: [[0, 0, 0], [1, 0, 0], [0, 1, 0]], declaredPoints: 2 }), {
    reason: 'malformed',
    message: 'PCD: header declares 2 points (24 bytes of data), but the file has 36 bytes after the header (12 more)',
  });
  add('pcd-ascii-shorter.pcd', 'ASCII PCD with a point fewer than declared', pcdFile({ encoding: 'ascii', fields: PCD_XYZ, points: [[0, 0, 0], [1, 0, 0]], declaredPoints: 3 }), {
    reason: 'truncated',
    message: 'PCD: header declares 3 points but the file ends after 2',
  });
  add('stl-binary-longer.stl', 'binary STL with 6 bytes after its one triangle', concat(binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0]]), new Uint8Array(6)), {
    reason: 'malformed',
    message: 'STL: binary header declares 1 triangle (134 bytes), but the file has 140 bytes (6 more)',
  });
  add('stl-binary-shorter.stl', 'binary STL declaring 3 triangles, holding 2', binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1, 0, 1, 1]], 3), {
    reason: 'truncated',
    message: 'STL: binary header declares 3 triangles but the file ends after 2 (184 of 234 bytes)',
  });

  // --- byte order (issue 24 point 4) ---
  add('ply-big-endian-header-little-data.ply', 'binary_big_endian header over little-endian floats', withFormat(plyFile({ encoding: 'binary_little_endian', vertexProps: XYZ3, vertices: band() }), 'binary_big_endian'), {
    reason: 'malformed',
    includes: ['PLY: the header says binary_big_endian, but read that way the first 64 vertices', 'while read as little-endian they are ordinary numbers: the byte order in the header is probably wrong'],
  });
  add('ply-little-endian-header-big-data-round.ply', 'binary_little_endian header over big-endian round floats', withFormat(
    plyFile({ encoding: 'binary_big_endian', vertexProps: XYZ3, vertices: Array.from({ length: 32 }, (_, i) => [0.5 * (i % 4) + 0.5, 2 ** (i % 5), -1 - (i % 3)]) }),
    'binary_little_endian',
  ), {
    reason: 'malformed',
    includes: ['PLY: the header says binary_little_endian', 'read as big-endian they are ordinary numbers: the byte order in the header is probably wrong'],
  });

  // --- text encodings (issue 24 point 4) ---
  add('ply-utf16le.ply', 'ASCII PLY saved as UTF-16 LE with a BOM ("does not start with ply" before)', utf16(new TextDecoder().decode(plyFile({ encoding: 'ascii', vertexProps: XYZ3, vertices: TRI })), true, true), {
    points: 3,
    warnings: ['the file is UTF-16 LE text (with a byte-order mark); read as such', 'only 3 points: a shape needs at least 64, so the classification means little'],
  });
  add('xyz-utf16le-nobom.xyz', 'XYZ as UTF-16 LE without a BOM', utf16(TRI_XYZ, true, false), {
    points: 4,
    warnings: ['the file is UTF-16 LE text (recognised by its NUL bytes); read as such', 'only 4 points: a shape needs at least 64, so the classification means little'],
  });
  add('off-utf32be.off', 'OFF as UTF-32 BE with a BOM', utf32(BOX_OFF, false), {
    points: 100, // the triangle's surface, sampled with the corpus test's meshSamples
    warnings: ['the file is UTF-32 BE text (with a byte-order mark); read as such'],
  });
  add('xyz-utf16be-odd.xyz', 'UTF-16 BE BOM with an odd number of bytes', concat(utf16(TRI_XYZ, false, true), new Uint8Array([0x20])), {
    reason: 'malformed',
    message: 'XYZ: the file looks like UTF-16 BE text (with a byte-order mark) but is not: 49 bytes is not a whole number of 2-byte units',
  });
  return cases;
}
