// PCD: ascii, binary and binary_compressed (LZF), read by three.js's PCDLoader after the header
// has been checked here against LIMITS and the body's length. three reads whatever bytes are
// there: a short binary body throws a RangeError, a short ASCII body gives fewer points.
import { PCDLoader } from 'three/examples/jsm/loaders/PCDLoader.js';
import { LIMITS, everyKthRecord, formatCount, readOneInK, stepFor } from './limits';
import { checkLineLengths } from './lines';
import { beyondFloat32, tokenMessage, wordColumn } from './numbers';
import { checkedNumber } from './tokenError';
import { type PcdHeader, canonicalHeader, parsePcdHeader, tooManyPoints } from './pcdHeader';
import { float32Attribute, withFileColors } from './three';
import { Origin } from './origin';
import { LoadError, type Parsed } from './types';

/** LZF's best case: a 3-byte back-reference expands to 264 bytes. */
const LZF_MAX_RATIO = 88;

function truncated(header: PcdHeader, complete: number): LoadError {
  return new LoadError('pcd', 'truncated', `header declares ${formatCount(header.points)} points but the file ends after ${formatCount(complete)}`);
}

/** Where x, y and z sit in a point's values (ASCII) and in its bytes (binary). */
function axisPlaces(header: PcdHeader): { column: number; offset: number; field: number }[] {
  return ['x', 'y', 'z'].map((axis) => {
    const field = header.fields.indexOf(axis);
    let column = 0;
    let offset = 0;
    for (let g = 0; g < field; g++) {
      column += header.counts[g]!;
      offset += header.sizes[g]! * header.counts[g]!;
    }
    return { column, offset, field };
  });
}

/** ASCII: one point per line with every declared value, each a number by the grammar of
 * numbers.ts (integers for I and U fields). three splits lines on "\n" and values on blanks after
 * trimming, as this check does, except for lone CR line ends (old Mac files) and points far from
 * zero (origin.ts): then this returns the checked values one point per "\n"-ended line for three
 * to read instead of the body, x y z less the origin. */
function checkAscii(header: PcdHeader, body: Uint8Array, origin: Origin): string | undefined {
  const firstLine = header.text.split('\n').length;
  checkLineLengths('pcd', body, 0, firstLine);
  const lines = new TextDecoder('latin1').decode(body).split(/\r\n|\r|\n/);
  const integer = header.types.flatMap((type, f) => Array<boolean>(header.counts[f]!).fill(type !== 'F'));
  const loneCr = hasLoneCr(body);
  const out: string[] = [];
  const xyz = axisPlaces(header).map((p) => p.column);
  let rewrite = loneCr;
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '') continue;
    const lineNo = firstLine + i;
    const words = line.split(/\s+/);
    if (rows >= header.points) {
      const more = lines.slice(i).filter((l) => l.trim() !== '').length;
      throw new LoadError(
        'pcd',
        'malformed',
        `header declares ${formatCount(header.points)} points, but the data has ${formatCount(header.points + more)} lines (from line ${lineNo} on, ${formatCount(more)} more)`,
      );
    }
    if (words.length !== header.rowValues) {
      throw new LoadError('pcd', 'malformed', `point ${rows} (line ${lineNo}) has ${words.length} values; the header declares ${header.rowValues} per point`);
    }
    const point = [0, 0, 0];
    for (let k = 0; k < words.length; k++) {
      const value = checkedNumber('pcd', raw, words, k, lineNo);
      if (integer[k] && !Number.isInteger(value)) {
        throw new LoadError('pcd', 'malformed', tokenMessage(lineNo, wordColumn(raw, k), words[k]!, 'is not an integer (the field is TYPE I or U)'));
      }
      const axis = xyz.indexOf(k);
      if (axis >= 0) point[axis] = value;
    }
    // Rows before the origin is settled (x y z not all finite) are kept as they are, in case a
    // later row settles on a shift; once it is settled without one, only lone CRs need a copy.
    const unsettled = !origin.settled;
    origin.see(point[0]!, point[1]!, point[2]!);
    rewrite ||= origin.offset !== undefined;
    if (rewrite || unsettled) {
      const shift = [origin.x, origin.y, origin.z];
      if (origin.offset !== undefined) xyz.forEach((k, a) => (words[k] = String(point[a]! - shift[a]!)));
      out.push(words.join(' '));
    }
    rows++;
  }
  if (rows < header.points) throw truncated(header, rows);
  if (!rewrite) return undefined;
  out.push('');
  return out.join('\n');
}

function hasLoneCr(body: Uint8Array): boolean {
  for (let i = 0; i < body.length; i++) if (body[i] === 0x0d && body[i + 1] !== 0x0a) return true;
  return false;
}

/** Binary: exactly the declared points; float64 x, y, z within float32's range. When x, y and z
 * are all float64 and lie far from zero, returns a copy of the body with them less the origin. */
function checkBinary(header: PcdHeader, body: Uint8Array, origin: Origin): Uint8Array | undefined {
  const needed = header.points * header.rowBytes;
  if (body.length < needed) throw truncated(header, Math.floor(body.length / header.rowBytes));
  if (body.length > needed) {
    throw new LoadError(
      'pcd',
      'malformed',
      `header declares ${formatCount(header.points)} points (${formatCount(needed)} bytes of data), but the file has ${formatCount(body.length)} bytes after the header (${formatCount(body.length - needed)} more)`,
    );
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (const [a, { field, offset }] of axisPlaces(header).entries()) {
    if (header.types[field] !== 'F' || header.sizes[field] !== 8) continue;
    const axis = 'xyz'[a];
    for (let i = 0; i < header.points; i++) {
      const v = view.getFloat64(i * header.rowBytes + offset, true);
      if (beyondFloat32(v)) {
        throw new LoadError('pcd', 'float-range', `point ${i}: ${axis} = ${v} is out of float32 range (largest magnitude 3.4028235e38)`);
      }
    }
  }
  return shiftedDoubles(header, body, origin);
}

function shiftedDoubles(header: PcdHeader, body: Uint8Array, origin: Origin): Uint8Array | undefined {
  const places = axisPlaces(header);
  if (!places.every((p) => header.types[p.field] === 'F' && header.sizes[p.field] === 8)) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const at = (i: number, a: number): number => i * header.rowBytes + places[a]!.offset;
  for (let i = 0; i < header.points && !origin.settled; i++) {
    origin.see(view.getFloat64(at(i, 0), true), view.getFloat64(at(i, 1), true), view.getFloat64(at(i, 2), true));
  }
  if (origin.offset === undefined) return undefined;
  const copy = body.slice();
  const out = new DataView(copy.buffer);
  const shift = [origin.x, origin.y, origin.z];
  for (let i = 0; i < header.points; i++) {
    for (let a = 0; a < 3; a++) out.setFloat64(at(i, a), view.getFloat64(at(i, a), true) - shift[a]!, true);
  }
  return copy;
}

function checkCompressed(header: PcdHeader, body: Uint8Array): void {
  if (body.length < 8) throw new LoadError('pcd', 'truncated', `the file ends before the compressed data's two size fields`);
  const view = new DataView(body.buffer, body.byteOffset, 8);
  const compressed = view.getUint32(0, true);
  const decompressed = view.getUint32(4, true);
  const expected = header.points * header.rowBytes;
  if (decompressed !== expected) {
    throw new LoadError('pcd', 'malformed', `compressed data unpacks to ${formatCount(decompressed)} bytes, but ${formatCount(header.points)} points of ${header.rowBytes} bytes need ${formatCount(expected)}`);
  }
  if (compressed > body.length - 8) {
    throw new LoadError('pcd', 'truncated', `compressed data declares ${formatCount(compressed)} bytes but the file has ${formatCount(body.length - 8)} after the header`);
  }
  if (compressed === 0 || decompressed > compressed * LZF_MAX_RATIO) {
    throw new LoadError('pcd', 'malformed', `${formatCount(compressed)} compressed bytes cannot unpack to ${formatCount(decompressed)}`);
  }
}

export function parsePcd(bytes: Uint8Array): Parsed {
  const header = parsePcdHeader(bytes, Infinity);
  if (header.points > LIMITS.maxPoints) {
    if (header.encoding !== 'binary') throw tooManyPoints(header.points);
    return parseOneInK(bytes, header);
  }
  const body = bytes.subarray(header.bodyOffset);
  const warnings: string[] = [];
  const origin = new Origin();
  let data = body;
  if (header.encoding === 'ascii') {
    const rewritten = checkAscii(header, body, origin);
    if (rewritten !== undefined) data = new TextEncoder().encode(rewritten);
  }
  else if (header.encoding === 'binary') data = checkBinary(header, body, origin) ?? body;
  else checkCompressed(header, body);

  // three gets a header in the one spelling it parses reliably, followed by the body (for ascii,
  // the values we checked, in the one layout it splits reliably).
  const canonical = new TextEncoder().encode(canonicalHeader(header));
  const input = new Uint8Array(canonical.length + data.length);
  input.set(canonical);
  input.set(data, canonical.length);
  let points;
  try {
    points = withFileColors(() => new PCDLoader().parse(input.buffer));
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^THREE\.PCDLoader:\s*/, '') : String(error);
    throw new LoadError('pcd', 'malformed', `the ${header.encoding} data cannot be read: ${detail}`);
  }
  const geometry = points.geometry;
  const all = float32Attribute(geometry, 'position');
  if (all === undefined || all.length < header.points * 3) {
    throw truncated(header, all === undefined ? 0 : all.length / 3);
  }
  const take = (a: Float32Array | undefined): Float32Array | undefined =>
    a === undefined || a.length === header.points * 3 ? a : a.slice(0, header.points * 3);
  return {
    kind: 'points',
    cloud: {
      positions: take(all)!,
      colors: take(float32Attribute(geometry, 'color')),
      normals: take(float32Attribute(geometry, 'normal')),
      count: header.points,
    },
    fileVertexCount: header.points,
    warnings,
    offset: origin.offset,
  };
}

/** A binary PCD of more than LIMITS.maxPoints points (a mapping or survey cloud): its body checked
 * against the count, then every k-th point under the same fields, read as any PCD (a warning says so). */
function parseOneInK(bytes: Uint8Array, header: PcdHeader): Parsed {
  const body = bytes.subarray(header.bodyOffset);
  const needed = header.points * header.rowBytes;
  if (body.length < needed) throw truncated(header, Math.floor(body.length / header.rowBytes));
  if (body.length > needed) {
    throw new LoadError('pcd', 'malformed', `header declares ${formatCount(header.points)} points (${formatCount(needed)} bytes of data), but the file has ${formatCount(body.length)} bytes after the header (${formatCount(body.length - needed)} more)`);
  }
  const step = stepFor(header.points);
  const n = Math.ceil(header.points / step);
  const head = new TextEncoder().encode(canonicalHeader({ ...header, width: n, height: 1, points: n }));
  const parsed = parsePcd(everyKthRecord(head, body, header.rowBytes, header.points, step));
  parsed.warnings.unshift(readOneInK(header.points, step));
  return { ...parsed, fileVertexCount: header.points };
}
