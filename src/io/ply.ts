// PLY: ASCII, binary little- and big-endian; any scalar type for coordinates; optional colours
// and normals; faces with any number of vertices (fan-triangulated).
//
// Our own reader, not three.js's PLYLoader: that one (r187) silently drops faces with more than
// four vertices, turns the mesh into a triangle soup when faces carry colours, and converts
// colours into linear space; all three would have to be undone here.
import { Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, countOf, everyKthRecord, formatCount, readOneInK, stepFor } from './limits';
import { checkLineLengths } from './lines';
import { beyondFloat32, showToken } from './numbers';
import { checkByteOrder } from './plyByteOrder';
import { type PlyElement, type PlyHeader, type PlyScalar, SCALAR_BYTES, describeCount, isBinaryPointPly, parsePlyHeader, recordBytes, tooManyVertices } from './plyHeader';
import { AsciiValues, BadPlyToken, BinaryValues, type PlyValueSource, readScalar } from './plyValues';
import { type Offset, Origin, storeShifted } from './origin';
import { colorFromDc, opacityFromLogit } from './splats';
import { readCompressedPly } from './plyCompressed';
import { LoadError, type Parsed } from './types';

/** Property names per vertex slot: x y z, nx ny nz, r g b, and a Gaussian splat's base colour
 * (f_dc_0..2) and opacity logit (splats.ts). */
const SLOT_NAMES: readonly (readonly string[])[] = [
  ['x'],
  ['y'],
  ['z'],
  ['nx', 'normal_x'],
  ['ny', 'normal_y'],
  ['nz', 'normal_z'],
  ['red', 'r', 'diffuse_red'],
  ['green', 'g', 'diffuse_green'],
  ['blue', 'b', 'diffuse_blue'],
  ['f_dc_0'],
  ['f_dc_1'],
  ['f_dc_2'],
  ['opacity'],
];

/** Whether the reader keeps a vertex property of this name (largePly.ts reads only these). */
export function keptVertexProperty(name: string): boolean {
  return SLOT_NAMES.some((names) => names.includes(name));
}

/** Largest value of an integer colour type, so colours come out in 0..1. */
const COLOR_FULL_SCALE: Record<PlyScalar, number> = {
  int8: 127,
  uint8: 255,
  int16: 32767,
  uint16: 65535,
  int32: 2147483647,
  uint32: 4294967295,
  float32: 1,
  float64: 1,
};

interface Body {
  source: PlyValueSource;
  ascii: boolean;
  /** Body bytes, for bounding allocations by what the file can possibly hold. */
  bytes: number;
}

/** The most instances of `element` the body can hold: allocations never exceed this, so a header
 * that promises 2^31 points in a small file allocates nothing large. */
function plausibleCount(element: PlyElement, body: Body): number {
  let minBytes = 0;
  for (const p of element.properties) {
    minBytes += body.ascii ? 2 : p.countType !== undefined ? SCALAR_BYTES[p.countType] : SCALAR_BYTES[p.type];
  }
  if (minBytes === 0) return element.count;
  // ASCII: k tokens need at least 2k - 1 characters.
  const fits = Math.floor((body.bytes + (body.ascii ? 1 : 0)) / minBytes);
  return Math.min(element.count, fits);
}

function truncated(element: PlyElement, complete: number): LoadError {
  return new LoadError(
    'ply',
    'truncated',
    `header declares ${describeCount(element, element.count)} but the file ends after ${formatCount(complete)}`,
  );
}

function withContext(error: unknown, element: PlyElement, index: number): unknown {
  if (error instanceof BadPlyToken) {
    return new LoadError('ply', error.outOfRange ? 'float-range' : 'malformed', `${element.name} ${index}: ${error.message}`);
  }
  return error;
}

/** Reads one list property's count; undefined at the end of the data. */
function readListCount(source: PlyValueSource, type: PlyScalar, element: PlyElement, index: number): number | undefined {
  const n = source.read(type);
  if (n !== undefined && n < 0) {
    throw new LoadError('ply', 'malformed', `${element.name} ${index}: negative list length ${n}`);
  }
  // A triangle strip may hold a whole mesh: up to LIMITS.maxFaces triangles, and its restarts.
  const [limit, name] = element.name === 'tristrips' ? [2 * LIMITS.maxFaces, '2 x LIMITS.maxFaces'] : [LIMITS.maxListLength, 'LIMITS.maxListLength'];
  if (n !== undefined && n > limit) {
    throw new LoadError('ply', 'too-large', `${element.name} ${index}: list length ${formatCount(n)}; the limit is ${formatCount(limit)} (${name})`);
  }
  return n;
}

function skipElement(element: PlyElement, body: Body): void {
  const { source } = body;
  let i = 0;
  try {
    for (; i < element.count; i++) {
      for (const p of element.properties) {
        const n = p.countType === undefined ? 1 : readListCount(source, p.countType, element, i);
        if (n === undefined) throw truncated(element, i);
        for (let j = 0; j < n; j++) if (source.read(p.type) === undefined) throw truncated(element, i);
      }
    }
  } catch (error) {
    throw withContext(error, element, i);
  }
}

interface Vertices {
  positions: Float32Array;
  normals?: Float32Array;
  colors?: Float32Array;
  /** Gaussian splats' opacity, 0..1 (splats.ts); undefined for other vertices. */
  opacity?: Float32Array;
  /** Subtracted from every position (origin.ts); undefined when none was. */
  offset?: Offset;
}

function readVertices(element: PlyElement, body: Body): Vertices {
  const props = element.properties;
  const slotOf = props.map((p) => (p.countType === undefined ? SLOT_NAMES.findIndex((names) => names.includes(p.name)) : -1));
  const has = (slot: number): boolean => slotOf.includes(slot);
  const hasNormals = has(3) && has(4) && has(5);
  const hasColors = has(6) && has(7) && has(8);
  // Gaussian splats (f_dc_0..2): their base colour where there is no red, green, blue; their opacity.
  const splats = has(9) && has(10) && has(11);
  const dc = splats && !hasColors;
  const colorProp = hasColors ? props[slotOf.indexOf(6)]! : undefined;
  const colorScale = colorProp === undefined ? 1 : 1 / COLOR_FULL_SCALE[colorProp.type];

  const capacity = plausibleCount(element, body);
  const positions = new Float32Array(capacity * 3);
  const normals = hasNormals ? new Float32Array(capacity * 3) : undefined;
  const colors = hasColors || dc ? new Float32Array(capacity * 3) : undefined;
  const opacity = splats && has(12) ? new Float32Array(capacity) : undefined;
  const row = new Float64Array(SLOT_NAMES.length);
  const { source } = body;
  // Coordinates stored as float32 in the file lose nothing more here, and a shift would not give
  // back what they lost; ASCII and any other type are shifted when far from zero (origin.ts).
  const xyzTypes = [0, 1, 2].map((slot) => props[slotOf.indexOf(slot)]?.type);
  const origin = !body.ascii && xyzTypes.every((t) => t === 'float32') ? undefined : new Origin();
  const out: VertexArrays = { positions, normals, colors, opacity, colorScale, dc, origin };
  const read = (): Vertices => ({ positions, normals: splats ? nonZero(normals) : normals, colors, opacity, offset: origin?.offset });
  if (source instanceof BinaryValues && props.every((p) => p.countType === undefined)) {
    readFixedVertices(element, source, slotOf, out);
    return read();
  }

  let i = 0;
  try {
    for (; i < element.count; i++) {
      if (i >= capacity) throw truncated(element, i);
      for (let p = 0; p < props.length; p++) {
        const prop = props[p]!;
        if (prop.countType !== undefined) {
          const n = readListCount(source, prop.countType, element, i);
          if (n === undefined) throw truncated(element, i);
          for (let j = 0; j < n; j++) if (source.read(prop.type) === undefined) throw truncated(element, i);
          continue;
        }
        const v = source.read(prop.type);
        if (v === undefined) throw truncated(element, i);
        const slot = slotOf[p]!;
        if (slot >= 0) row[slot] = v;
      }
      storeRow(row, i, out);
    }
  } catch (error) {
    throw withContext(error, element, i);
  }
  return read();
}

/** 3D Gaussian Splatting writes nx, ny, nz as zeros: no normals at all. */
function nonZero(normals: Float32Array | undefined): Float32Array | undefined {
  return normals === undefined || normals.every((v) => v === 0) ? undefined : normals;
}

interface VertexArrays extends Vertices {
  colorScale: number;
  /** Colours from the splat slots f_dc_0..2 (splats.ts), not red, green, blue. */
  dc: boolean;
  origin: Origin | undefined;
}

const SLOT_LABELS = ['x', 'y', 'z', 'nx', 'ny', 'nz'];

function storeRow(row: Float64Array, i: number, out: VertexArrays): void {
  const o = i * 3;
  // Doubles beyond float32's range would be stored as infinity and reported as "NaN or infinite".
  for (let k = 0; k < 6; k++) {
    if (beyondFloat32(row[k]!)) {
      throw new LoadError('ply', 'float-range', `vertex ${i}: ${SLOT_LABELS[k]} = ${row[k]} is out of float32 range (largest magnitude 3.4028235e38)`);
    }
  }
  const { positions, normals, colors, opacity, colorScale, dc, origin } = out;
  if (origin === undefined) {
    positions[o] = row[0]!;
    positions[o + 1] = row[1]!;
    positions[o + 2] = row[2]!;
  } else {
    storeShifted(origin, positions, i, row[0]!, row[1]!, row[2]!);
  }
  if (normals !== undefined) {
    normals[o] = row[3]!;
    normals[o + 1] = row[4]!;
    normals[o + 2] = row[5]!;
  }
  if (opacity !== undefined) opacity[i] = opacityFromLogit(row[12]!);
  if (dc) {
    colors![o] = colorFromDc(row[9]!);
    colors![o + 1] = colorFromDc(row[10]!);
    colors![o + 2] = colorFromDc(row[11]!);
  } else if (colors !== undefined) {
    colors[o] = Math.min(1, Math.max(0, row[6]! * colorScale));
    colors[o + 1] = Math.min(1, Math.max(0, row[7]! * colorScale));
    colors[o + 2] = Math.min(1, Math.max(0, row[8]! * colorScale));
  }
}

/** Binary vertices without list properties have a fixed size: check the length once, then read
 * only the properties we keep, straight from their offsets. */
function readFixedVertices(element: PlyElement, source: BinaryValues, slotOf: number[], out: VertexArrays): void {
  const props = element.properties;
  const stride = recordBytes(element);
  const start = source.pos;
  const complete = Math.floor((source.view.byteLength - start) / stride);
  if (complete < element.count) throw truncated(element, complete);
  const kept: { offset: number; type: PlyScalar; slot: number }[] = [];
  let offset = 0;
  props.forEach((p, k) => {
    if (slotOf[k]! >= 0) kept.push({ offset, type: p.type, slot: slotOf[k]! });
    offset += SCALAR_BYTES[p.type];
  });
  const { view, little } = source;
  checkByteOrder(view, start, stride, element.count, kept, little);
  const row = new Float64Array(SLOT_NAMES.length);
  const xyzFloat = !little ? false : kept.length === 3 && kept.every((k, j) => k.type === 'float32' && k.slot === j);
  if (xyzFloat) {
    // The common case (x y z as little-endian floats): no per-value dispatch.
    const [ox, oy, oz] = kept.map((k) => k.offset) as [number, number, number];
    const positions = out.positions;
    for (let i = 0, at = start; i < element.count; i++, at += stride) {
      positions[3 * i] = view.getFloat32(at + ox, true);
      positions[3 * i + 1] = view.getFloat32(at + oy, true);
      positions[3 * i + 2] = view.getFloat32(at + oz, true);
    }
  } else {
    for (let i = 0, at = start; i < element.count; i++, at += stride) {
      for (const k of kept) row[k.slot] = readScalar(view, at + k.offset, k.type, little);
      storeRow(row, i, out);
    }
  }
  source.pos = start + element.count * stride;
}

interface Faces {
  indices: Uint32Array;
  skipped: number;
}

/** The triangles of one triangle strip: each vertex from the third on makes one with the two
 * before it, every other one turned to keep the winding; those with a repeated vertex (the joins
 * strips use) are left out. */
function addStrip(strip: readonly number[], triangles: Uint32Builder): void {
  for (let k = 2; k < strip.length; k++) {
    const [a, b, c] = k % 2 === 0 ? [strip[k - 2]!, strip[k - 1]!, strip[k]!] : [strip[k - 1]!, strip[k - 2]!, strip[k]!];
    if (a === b || b === c || a === c) continue;
    if (triangles.length / 3 >= LIMITS.maxFaces) throw new LoadError('ply', 'too-large', `the triangle strips hold more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    triangles.push3(a, b, c);
  }
}

/** The triangles of a 'face' element (each list a polygon, fan-triangulated) or of a 'tristrips'
 * element (`strips`: each list strips separated by -1). */
function readFaces(element: PlyElement, listIndex: number, vertexCount: number, body: Body, strips: boolean): Faces {
  const props = element.properties;
  const triangles = new Uint32Builder(plausibleCount(element, body) * 3);
  const polygon: number[] = [];
  const { source } = body;
  let skipped = 0;
  let i = 0;
  try {
    for (; i < element.count; i++) {
      for (let p = 0; p < props.length; p++) {
        const prop = props[p]!;
        const n = prop.countType === undefined ? 1 : readListCount(source, prop.countType, element, i);
        if (n === undefined) throw truncated(element, i);
        if (p !== listIndex) {
          for (let j = 0; j < n; j++) if (source.read(prop.type) === undefined) throw truncated(element, i);
          continue;
        }
        polygon.length = 0;
        for (let j = 0; j < n; j++) {
          const index = source.read(prop.type);
          if (index === undefined) throw truncated(element, i);
          if (strips && index === -1) {
            addStrip(polygon, triangles);
            polygon.length = 0;
            continue;
          }
          if (index < 0 || index >= vertexCount) {
            throw new LoadError(
              'ply',
              'out-of-range',
              `${strips ? 'triangle strip' : 'face'} ${i} refers to vertex ${index} of ${formatCount(vertexCount)} (valid: 0 to ${vertexCount - 1}${strips ? ', or -1 between strips' : ''})`,
            );
          }
          polygon.push(index);
        }
        if (strips) {
          addStrip(polygon, triangles);
          continue;
        }
        if (n < 3) {
          skipped++;
          continue;
        }
        const first = polygon[0]!;
        for (let k = 1; k + 1 < n; k++) triangles.push3(first, polygon[k]!, polygon[k + 1]!);
      }
    }
  } catch (error) {
    throw withContext(error, element, i);
  }
  return { indices: triangles.finish(), skipped };
}

function declared(header: PlyHeader): string {
  return header.elements.map((e) => describeCount(e, e.count)).join(' and ');
}

/** Content longer than the header declares is an error that gives both sizes. */
function checkNothingAfter(header: PlyHeader, body: Body): void {
  const { source } = body;
  if (source instanceof AsciiValues) {
    const rest = source.rest();
    if (rest !== undefined) {
      throw new LoadError(
        'ply',
        'malformed',
        `the header declares ${declared(header)}, but ${countOf(rest.values, 'more value')} follow them ` +
          `(from line ${rest.line}, column ${rest.column}: ${showToken(rest.token)})`,
      );
    }
  } else if (source instanceof BinaryValues && source.pos < source.view.byteLength) {
    const used = source.pos - header.bodyOffset;
    throw new LoadError(
      'ply',
      'malformed',
      `the header declares ${declared(header)} (${countOf(used, 'byte')} of data), but the file has ` +
        `${formatCount(body.bytes)} bytes after the header (${formatCount(body.bytes - used)} more)`,
    );
  }
}

/** Line number of the first body line: line ends in the header, plus one. */
function bodyFirstLine(bytes: Uint8Array, bodyOffset: number): number {
  let line = 1;
  for (let i = 0; i < bodyOffset; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

function readBody(header: PlyHeader, bytes: Uint8Array): { vertices: Vertices; faces?: Faces } {
  const firstLine = header.encoding === 'ascii' ? bodyFirstLine(bytes, header.bodyOffset) : 0;
  if (header.encoding === 'ascii') checkLineLengths('ply', bytes, header.bodyOffset, firstLine);
  const body: Body = {
    source:
      header.encoding === 'ascii'
        ? new AsciiValues(bytes, header.bodyOffset, firstLine)
        : new BinaryValues(bytes, header.bodyOffset, header.encoding === 'binary_little_endian'),
    ascii: header.encoding === 'ascii',
    bytes: bytes.length - header.bodyOffset,
  };
  let vertices: Vertices | undefined;
  let faces: Faces | undefined;
  // Elements are stored in header order; every one is read (or skipped), so data after the last
  // one means the header's counts are not the file's.
  for (const element of header.elements) {
    if (element === header.vertex) vertices = readVertices(element, body);
    else if (element === header.face) faces = readFaces(element, header.faceListIndex, header.vertex.count, body, element.name === 'tristrips');
    else skipElement(element, body);
  }
  checkNothingAfter(header, body);
  return { vertices: vertices!, faces };
}

export function parsePly(bytes: Uint8Array): Parsed {
  const header = parsePlyHeader(bytes, Infinity);
  const count = header.vertex.count;
  if (count > LIMITS.maxPoints) {
    if (header.packedSplats || !isBinaryPointPly(header)) throw tooManyVertices(count);
    return parseOneInK(bytes, header);
  }
  if (header.packedSplats) return readCompressedPly(header, bytes);
  const warnings = [...header.warnings];
  const { vertices, faces } = readBody(header, bytes);
  if (header.face === undefined) {
    // Faces under another element name are skipped; say so rather than show a bare point set.
    for (const element of header.elements) {
      if (element !== header.vertex && element.count > 0 && element.properties.some((p) => p.countType !== undefined)) {
        warnings.push(`PLY: ${describeCount(element, element.count)} with a list property ignored: only 'face' elements are read as faces`);
      }
    }
  }
  const vertexCount = header.vertex.count;
  const face = header.face;
  if (faces !== undefined && face !== undefined && face.count > 0) {
    if (faces.skipped > 0) {
      warnings.push(`PLY: ${countOf(faces.skipped, 'face')} with fewer than 3 vertices skipped`);
    }
    return {
      kind: 'mesh',
      mesh: {
        positions: vertices.positions,
        indices: faces.indices,
        colors: vertices.colors,
        vertexCount,
        faceCount: faces.indices.length / 3,
      },
      fileVertexCount: vertexCount,
      // Strips count as the triangles they make.
      fileFaceCount: face.name === 'tristrips' ? faces.indices.length / 3 : face.count,
      warnings,
      offset: vertices.offset,
    };
  }
  return {
    kind: 'points',
    cloud: { positions: vertices.positions, normals: vertices.normals, colors: vertices.colors, count: vertexCount },
    fileVertexCount: vertexCount,
    warnings,
    offset: vertices.offset,
    ...(vertices.opacity === undefined ? {} : { opacity: vertices.opacity }),
  };
}

/** A binary PLY of more than LIMITS.maxPoints vertices alone (a scan): every k-th record, copied
 * under the same header with their count, read as any PLY (a warning says so). The records' bytes
 * are checked against the declared count first, both ways, as for every PLY. */
function parseOneInK(bytes: Uint8Array, header: PlyHeader): Parsed {
  const count = header.vertex.count;
  const stride = recordBytes(header.vertex);
  const body = bytes.length - header.bodyOffset;
  if (body !== count * stride) {
    const whole = Math.floor(body / stride);
    throw body < count * stride
      ? new LoadError('ply', 'truncated', `header declares ${formatCount(count)} vertices but the file ends after ${formatCount(whole)}`)
      : new LoadError('ply', 'malformed', `the header declares ${countOf(count, 'vertex', 'vertices')} (${countOf(count * stride, 'byte')} of data), but the file has ${formatCount(body)} bytes after the header (${formatCount(body - count * stride)} more)`);
  }
  const step = stepFor(count);
  const headerText = new TextDecoder('latin1').decode(bytes.subarray(0, header.bodyOffset)).replace(/^(element[ \t]+vertex[ \t]+)\d+/m, `$1${Math.ceil(count / step)}`);
  const parsed = parsePly(everyKthRecord(new TextEncoder().encode(headerText), bytes.subarray(header.bodyOffset), stride, count, step));
  parsed.warnings.unshift(readOneInK(count, step, 'vertex', 'vertices'));
  return { ...parsed, fileVertexCount: count };
}
