// PCD: ascii, binary and binary_compressed (LZF), read by three.js's PCDLoader after the header
// has been checked here against LIMITS and the body's length. three reads whatever bytes are
// there: a short binary body throws a RangeError, a short ASCII body gives fewer points.
import { PCDLoader } from 'three/examples/jsm/loaders/PCDLoader.js';
import { formatCount, countOf } from './limits';
import { type PcdHeader, canonicalHeader, parsePcdHeader } from './pcdHeader';
import { float32Attribute, withFileColors } from './three';
import { LoadError, type Parsed } from './types';

/** LZF's best case: a 3-byte back-reference expands to 264 bytes. */
const LZF_MAX_RATIO = 88;

function truncated(header: PcdHeader, complete: number): LoadError {
  return new LoadError('pcd', 'truncated', `header declares ${formatCount(header.points)} points but the file ends after ${formatCount(complete)}`);
}

/** ASCII: one point per line with every declared value. Returns warnings for extra lines. */
function checkAscii(header: PcdHeader, body: Uint8Array, warnings: string[]): void {
  const lines = new TextDecoder('latin1').decode(body).split('\n');
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const values = line.split(/\s+/).length;
    if (rows < header.points && values !== header.rowValues) {
      throw new LoadError('pcd', 'malformed', `point ${rows} has ${values} values; the header declares ${header.rowValues} per point`);
    }
    rows++;
  }
  if (rows < header.points) throw truncated(header, rows);
  if (rows > header.points) warnings.push(`PCD: ${countOf(rows - header.points, 'line')} after the declared ${formatCount(header.points)} points ignored`);
}

function checkBinary(header: PcdHeader, body: Uint8Array): void {
  const needed = header.points * header.rowBytes;
  if (body.length < needed) throw truncated(header, Math.floor(body.length / header.rowBytes));
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
  const header = parsePcdHeader(bytes);
  const body = bytes.subarray(header.bodyOffset);
  const warnings: string[] = [];
  if (header.encoding === 'ascii') checkAscii(header, body, warnings);
  else if (header.encoding === 'binary') checkBinary(header, body);
  else checkCompressed(header, body);

  // three gets a header in the one spelling it parses reliably, followed by the body.
  const canonical = new TextEncoder().encode(canonicalHeader(header));
  const input = new Uint8Array(canonical.length + body.length);
  input.set(canonical);
  input.set(body, canonical.length);
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
  };
}
