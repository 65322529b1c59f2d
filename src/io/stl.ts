// STL. Binary: read by three.js's STLLoader (it also reads the Materialise / VisCAM colours) after
// the size is checked here against the triangle count both ways: three decides "binary" only when
// the size matches exactly, and otherwise reads any file as ASCII, which turns a truncated binary
// file into an empty or garbled mesh without an error. ASCII: read here (readAscii), with the
// number grammar every text format shares.
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { Float32Builder, identityIndices } from './buffers';
import { readText } from './lines';
import { checkedNumber } from './tokenError';
import { FACE_LIMIT_TEXT, LIMITS, formatCount, countOf } from './limits';
import { firstBinaryByte, quote } from './text';
import { exactArrayBuffer, float32Attribute, withFileColors } from './three';
import { type Offset, Origin } from './origin';
import { LoadError, type Parsed } from './types';

const HEADER_BYTES = 84;
const FACET_BYTES = 50;

function startsWithSolid(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  return /^\s*solid(\s|$)/i.test(head);
}

/** Reads an ASCII STL ourselves (three's STLLoader picks vertices out with a regular expression
 * that skips what it does not match): facets of exactly three vertices, an 'endsolid', and every
 * coordinate a number by the grammar of numbers.ts. Returns the vertices, 9 values per facet, less
 * the origin subtracted when they lie far from zero (origin.ts). */
function readAscii(bytes: Uint8Array): { positions: Float32Array; offset: Offset | undefined } {
  const lines = readText('stl', bytes).split('\n');
  const positions = new Float32Builder(Math.min(lines.length, 3 * LIMITS.maxFaces) * 3);
  const origin = new Origin();
  let facets = 0;
  let inFacet = false;
  let facetLine = 0;
  let vertices = 0;
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const words = raw.trim().split(/\s+/);
    const keyword = words[0]!.toLowerCase();
    const lineNo = i + 1;
    switch (keyword) {
      case '':
      case 'outer':
      case 'endloop':
        break;
      case 'solid':
        ended = false;
        break;
      case 'facet':
        if (inFacet) throw new LoadError('stl', 'malformed', `facet ${facets} (line ${facetLine}) has no 'endfacet'`);
        if (facets === LIMITS.maxFaces) throw new LoadError('stl', 'too-large', `the file has more than ${formatCount(LIMITS.maxFaces)} facets; ${FACE_LIMIT_TEXT}`);
        // "facet normal nx ny nz": the normal is not used, but it must be numbers too.
        for (let k = 2; k < words.length; k++) checkedNumber('stl', raw, words, k, lineNo);
        inFacet = true;
        facetLine = lineNo;
        vertices = 0;
        break;
      case 'vertex':
        if (!inFacet) throw new LoadError('stl', 'malformed', `line ${lineNo}: 'vertex' outside a facet`);
        if (words.length !== 4) throw new LoadError('stl', 'malformed', `line ${lineNo}: a vertex needs 3 coordinates, found ${quote(lines[i]!.trim())}`);
        if (vertices < 3) {
          const x = checkedNumber('stl', raw, words, 1, lineNo);
          const y = checkedNumber('stl', raw, words, 2, lineNo);
          const z = checkedNumber('stl', raw, words, 3, lineNo);
          origin.see(x, y, z);
          positions.push3(x - origin.x, y - origin.y, z - origin.z);
        }
        vertices++;
        break;
      case 'endfacet':
        if (vertices !== 3) {
          throw new LoadError('stl', 'malformed', `facet ${facets} (line ${facetLine}) has ${vertices} vertices; STL facets are triangles`);
        }
        inFacet = false;
        facets++;
        break;
      case 'endsolid':
        ended = true;
        break;
      default:
        throw new LoadError('stl', 'malformed', `line ${lineNo}: unexpected ${quote(words[0]!)}`);
    }
  }
  if (inFacet) throw new LoadError('stl', 'truncated', `the file ends inside facet ${facets} (line ${facetLine})`);
  if (!ended) throw new LoadError('stl', 'truncated', `the file ends after ${countOf(facets, 'facet')} without 'endsolid'`);
  if (facets === 0) throw new LoadError('stl', 'empty', 'the file has no facets');
  return { positions: positions.finish(), offset: origin.offset };
}

/** Checks a binary STL's size against its triangle count; returns the bytes three should read. */
function checkBinary(bytes: Uint8Array): { triangles: number; bytes: Uint8Array } {
  if (bytes.length < HEADER_BYTES) {
    throw new LoadError('stl', 'truncated', `the file has ${bytes.length} bytes; a binary STL needs at least ${HEADER_BYTES}`);
  }
  const triangles = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  if (triangles > LIMITS.maxFaces) {
    throw new LoadError('stl', 'too-large', `binary header declares ${formatCount(triangles)} triangles; ${FACE_LIMIT_TEXT}`);
  }
  if (triangles === 0) throw new LoadError('stl', 'empty', 'binary header declares 0 triangles');
  const expected = HEADER_BYTES + FACET_BYTES * triangles;
  if (expected > bytes.length) {
    const room = Math.floor((bytes.length - HEADER_BYTES) / FACET_BYTES);
    throw new LoadError(
      'stl',
      'truncated',
      `binary header declares ${formatCount(triangles)} triangles but the file ends after ${formatCount(room)} ` +
        `(${formatCount(bytes.length)} of ${formatCount(expected)} bytes)`,
    );
  }
  if (expected < bytes.length) {
    throw new LoadError(
      'stl',
      'malformed',
      `binary header declares ${countOf(triangles, 'triangle')} (${formatCount(expected)} bytes), but the file has ` +
        `${formatCount(bytes.length)} bytes (${formatCount(bytes.length - expected)} more)`,
    );
  }
  // Exactly the declared size, so three takes the binary path.
  return { triangles, bytes: bytes.subarray(0, expected) };
}

export function parseStl(bytes: Uint8Array): Parsed {
  const sizeMatches = bytes.length >= HEADER_BYTES &&
    HEADER_BYTES + FACET_BYTES * new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true) === bytes.length;
  let positions: Float32Array | undefined;
  let colors: Float32Array | undefined;
  let offset: Offset | undefined;
  let triangles: number;
  if (!sizeMatches && startsWithSolid(bytes) && firstBinaryByte(bytes) < 0) {
    ({ positions, offset } = readAscii(bytes));
    triangles = positions.length / 9;
  } else {
    const binary = checkBinary(bytes);
    triangles = binary.triangles;
    const geometry = withFileColors(() => new STLLoader().parse(exactArrayBuffer(binary.bytes)));
    positions = float32Attribute(geometry, 'position');
    colors = float32Attribute(geometry, 'color');
  }
  if (positions === undefined || positions.length !== triangles * 9) {
    const read = positions === undefined ? 0 : positions.length / 3;
    throw new LoadError('stl', 'malformed', `could read coordinates for ${formatCount(read)} of ${formatCount(triangles * 3)} vertices`);
  }
  return {
    kind: 'mesh',
    mesh: { positions, indices: identityIndices(triangles * 3), colors, vertexCount: triangles * 3, faceCount: triangles },
    fileVertexCount: triangles * 3,
    fileFaceCount: triangles,
    warnings: [],
    offset,
  };
}
