// PLY header: elements, properties, encoding, and where the body starts. Checks the declared
// counts against LIMITS before anything is allocated.
import { FACE_LIMIT_TEXT, formatCount, POINT_LIMIT_TEXT, LIMITS } from './limits';
import { quote, toCount } from './text';
import { LoadError } from './types';

export type PlyScalar = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const SCALAR_NAMES: Record<string, PlyScalar> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

export const SCALAR_BYTES: Record<PlyScalar, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

export function isIntegerType(type: PlyScalar): boolean {
  return type !== 'float32' && type !== 'float64';
}

export interface PlyProperty {
  name: string;
  /** Scalar type, or the item type of a list. */
  type: PlyScalar;
  /** Present for `property list <countType> <type> <name>`. */
  countType?: PlyScalar;
}

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export type PlyEncoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

export interface PlyHeader {
  encoding: PlyEncoding;
  elements: PlyElement[];
  vertex: PlyElement;
  /** The 'face' element, or (when there is none) a 'tristrips' element: triangle strips, -1
   * between strips, as vrip and the Digital Michelangelo models store meshes. */
  face?: PlyElement;
  /** Index of the face element's vertex-index list among its properties. */
  faceListIndex: number;
  /** Byte offset of the first body byte. */
  bodyOffset: number;
  /** SuperSplat's compressed Gaussian splats (plyCompressed.ts): a 'chunk' element of bounds and
   * vertices of packed integers instead of x, y, z. */
  packedSplats: boolean;
  warnings: string[];
}

/** A header longer than this is not a header (the longest real ones are a few KiB of comments). */
const MAX_HEADER_BYTES = 1024 * 1024;

const END_HEADER = [...'end_header'].map((c) => c.charCodeAt(0));

function findEndHeader(bytes: Uint8Array): number {
  const end = Math.min(bytes.length, MAX_HEADER_BYTES) - END_HEADER.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < END_HEADER.length; j++) {
      if (bytes[i + j] !== END_HEADER[j]) continue outer;
    }
    // Must start a line.
    if (i > 0 && bytes[i - 1] !== 0x0a && bytes[i - 1] !== 0x0d) continue;
    return i;
  }
  return -1;
}

/** Offset just past the line that starts at `from` (spaces, then CRLF, LF or CR). */
function skipLineEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x0d) i++;
  if (bytes[i] === 0x0a) i++;
  return i;
}

function malformed(detail: string): LoadError {
  return new LoadError('ply', 'malformed', detail);
}

function scalarType(name: string | undefined, lineNo: number): PlyScalar {
  const type = name === undefined ? undefined : SCALAR_NAMES[name];
  if (type === undefined) {
    throw new LoadError('ply', 'unsupported', `header line ${lineNo}: unknown property type ${quote(name ?? '')}`);
  }
  return type;
}

function elementNoun(name: string, n: number): string {
  if (n === 1) return name === 'vertex' || name === 'face' ? name : `'${name}' element`;
  return name === 'vertex' ? 'vertices' : name === 'face' ? 'faces' : `'${name}' elements`;
}

/** Bytes of one binary instance of an element of scalar properties (lists have no fixed size). */
export function tooManyVertices(count: number): LoadError {
  return new LoadError('ply', 'too-large', `header declares ${formatCount(count)} vertices; ${POINT_LIMIT_TEXT}`);
}

/** A binary PLY of vertices alone, each a fixed set of scalars: the kind read one vertex in k. */
export function isBinaryPointPly(header: PlyHeader): boolean {
  return header.encoding !== 'ascii' && header.elements.length === 1 && header.vertex.properties.every((p) => p.countType === undefined);
}

export function recordBytes(element: PlyElement): number {
  return element.properties.reduce((n, p) => n + SCALAR_BYTES[p.type], 0);
}

export function describeCount(element: PlyElement, n: number): string {
  return `${formatCount(n)} ${elementNoun(element.name, n)}`;
}

/** The header of a PLY file. A vertex count over `vertexLimit` (LIMITS.maxPoints) is refused; the
 * readers that keep one vertex in k of a point-only file ask for no limit. */
export function parsePlyHeader(bytes: Uint8Array, vertexLimit: number = LIMITS.maxPoints): PlyHeader {
  const magic = String.fromCharCode(...bytes.subarray(0, 5));
  if (!/^ply[ \t]*(\r?\n|\r)/.test(magic)) {
    throw malformed(`the file does not start with the line 'ply'`);
  }
  const endAt = findEndHeader(bytes);
  if (endAt < 0) {
    if (bytes.length < MAX_HEADER_BYTES) {
      throw new LoadError('ply', 'truncated', `the file ends (after ${formatCount(bytes.length)} bytes) before 'end_header'`);
    }
    throw malformed(`no 'end_header' line in the first ${formatCount(MAX_HEADER_BYTES)} bytes`);
  }
  const bodyOffset = skipLineEnd(bytes, endAt + END_HEADER.length);
  const lines = new TextDecoder('latin1').decode(bytes.subarray(0, endAt)).split(/\r\n|\r|\n/);

  const warnings: string[] = [];
  const elements: PlyElement[] = [];
  let encoding: PlyEncoding | undefined;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    switch (words[0]) {
      case 'format': {
        if (words[1] !== 'ascii' && words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian') {
          throw new LoadError('ply', 'unsupported', `header line ${lineNo}: unknown format ${quote(words[1] ?? '')}`);
        }
        encoding = words[1];
        break;
      }
      case 'comment':
      case 'obj_info':
        break;
      case 'element': {
        const count = toCount(words[2]);
        if (words[1] === undefined || count === null) {
          throw malformed(`header line ${lineNo}: expected 'element <name> <count>', found ${quote(line)}`);
        }
        elements.push({ name: words[1], count, properties: [] });
        break;
      }
      case 'property': {
        const element = elements[elements.length - 1];
        if (element === undefined) throw malformed(`header line ${lineNo}: property before any element`);
        if (words[1] === 'list') {
          const countType = scalarType(words[2], lineNo);
          const type = scalarType(words[3], lineNo);
          if (words[4] === undefined) throw malformed(`header line ${lineNo}: list property without a name`);
          if (!isIntegerType(countType)) throw malformed(`header line ${lineNo}: list count type must be an integer type`);
          element.properties.push({ name: words[4], type, countType });
        } else {
          const type = scalarType(words[1], lineNo);
          if (words[2] === undefined) throw malformed(`header line ${lineNo}: property without a name`);
          element.properties.push({ name: words[2], type });
        }
        break;
      }
      default:
        warnings.push(`PLY: header line ${lineNo} ignored: ${quote(line)}`);
    }
  }
  if (encoding === undefined) throw malformed(`the header has no 'format' line`);

  const vertex = elements.find((e) => e.name === 'vertex');
  if (vertex === undefined) throw malformed(`the header declares no 'vertex' element`);
  // Some exporters name them X, Y, Z (or Red, NX): a name is read in lower case unless the
  // element also has that lower-case name itself.
  const names = new Set(vertex.properties.map((p) => p.name));
  for (const p of vertex.properties) {
    const lower = p.name.toLowerCase();
    if (lower !== p.name && !names.has(lower)) {
      names.add(lower);
      p.name = lower;
    }
  }
  const packedSplats = names.has('packed_position') && elements.some((e) => e.name === 'chunk');
  for (const axis of packedSplats ? [] : ['x', 'y', 'z']) {
    const p = vertex.properties.find((q) => q.name === axis);
    if (p === undefined) throw malformed(`the vertex element has no '${axis}' property`);
    if (p.countType !== undefined) throw malformed(`the vertex property '${axis}' is a list`);
  }
  if (vertex.count > vertexLimit) throw tooManyVertices(vertex.count);

  const face = elements.find((e) => e.name === 'face') ?? elements.find((e) => e.name === 'tristrips');
  let faceListIndex = -1;
  if (face !== undefined) {
    if (face.count > LIMITS.maxFaces) {
      throw new LoadError('ply', 'too-large', `header declares ${formatCount(face.count)} faces; ${FACE_LIMIT_TEXT}`);
    }
    const lists = face.properties.map((p, i) => ({ p, i })).filter(({ p }) => p.countType !== undefined);
    const named = lists.find(({ p }) => p.name === 'vertex_indices' || p.name === 'vertex_index');
    const chosen = named ?? lists[0];
    if (chosen === undefined) throw malformed(`the ${face.name} element has no list of vertex indices`);
    if (!isIntegerType(chosen.p.type)) {
      throw malformed(`the ${face.name} list '${chosen.p.name}' holds ${chosen.p.type} values, not integers`);
    }
    faceListIndex = chosen.i;
  }

  return { encoding, elements, vertex, face, faceListIndex, bodyOffset, packedSplats, warnings };
}
