// SuperSplat's compressed PLY of Gaussian splats (what SuperSplat and splat-transform save as
// *.compressed.ply): a 'chunk' element holds, for every 256 splats in file order, the bounds of
// their positions (min_x .. max_z) and, in newer files, of their colours (min_r .. max_b); the
// 'vertex' element packs each splat into 32-bit words. Read here: packed_position (x in the top 11
// bits, y in the next 10, z in the low 11, each a fraction of its chunk's range) and packed_color
// (red, green, blue, alpha bytes from the top; colours a fraction of the chunk's colour range when
// it has one; alpha is the opacity). Rotations, scales and the 'sh' element are not needed.
import { countOf, formatCount } from './limits';
import { type PlyElement, type PlyHeader, SCALAR_BYTES, describeCount, recordBytes } from './plyHeader';
import { readScalar } from './plyValues';
import { LoadError, type Parsed } from './types';

/** Splats a chunk's bounds cover. */
const CHUNK = 256;

const POSITION_BOUNDS = ['min_x', 'min_y', 'min_z', 'max_x', 'max_y', 'max_z'];
const COLOR_BOUNDS = ['min_r', 'min_g', 'min_b', 'max_r', 'max_g', 'max_b'];

function malformed(detail: string): LoadError {
  return new LoadError('ply', 'malformed', `compressed splats: ${detail}`);
}

interface Layout {
  /** Byte offset of each element's first instance, in header order. */
  starts: Map<PlyElement, number>;
  stride: Map<PlyElement, number>;
}

/** Every element has a fixed size here; where each starts, and that the file holds them all. */
function layout(header: PlyHeader, bytes: Uint8Array): Layout {
  const starts = new Map<PlyElement, number>();
  const stride = new Map<PlyElement, number>();
  let at = header.bodyOffset;
  for (const e of header.elements) {
    const list = e.properties.find((p) => p.countType !== undefined);
    if (list !== undefined) throw malformed(`the '${e.name}' element has a list property '${list.name}'`);
    const size = recordBytes(e);
    starts.set(e, at);
    stride.set(e, size);
    const end = at + size * e.count;
    if (end > bytes.length) {
      const complete = Math.max(0, Math.floor((bytes.length - at) / Math.max(1, size)));
      throw new LoadError('ply', 'truncated', `header declares ${describeCount(e, e.count)} but the file ends after ${formatCount(complete)}`);
    }
    at = end;
  }
  if (at < bytes.length) {
    throw malformed(`the header's elements take ${formatCount(at - header.bodyOffset)} bytes, but the file has ${formatCount(bytes.length - at)} more`);
  }
  return { starts, stride };
}

/** Byte offsets of the named properties within one instance; undefined for a missing one. */
function offsetsOf(element: PlyElement, names: readonly string[]): (number | undefined)[] {
  const offsets = new Map<string, number>();
  let at = 0;
  for (const p of element.properties) {
    offsets.set(p.name, at);
    at += SCALAR_BYTES[p.type];
  }
  return names.map((n) => offsets.get(n));
}

function typeOf(element: PlyElement, name: string): PlyElement['properties'][number]['type'] {
  return element.properties.find((p) => p.name === name)!.type;
}

export function readCompressedPly(header: PlyHeader, bytes: Uint8Array): Parsed {
  if (header.encoding === 'ascii') throw new LoadError('ply', 'unsupported', 'compressed splats in an ASCII PLY are not read (SuperSplat writes them binary)');
  const little = header.encoding === 'binary_little_endian';
  const chunk = header.elements.find((e) => e.name === 'chunk')!;
  const vertex = header.vertex;
  for (const name of ['packed_position', 'packed_color']) {
    const p = vertex.properties.find((q) => q.name === name);
    if (p === undefined) throw malformed(`the vertex element has no '${name}' property`);
    if (p.type !== 'uint32' && p.type !== 'int32') throw malformed(`'${name}' is ${p.type}, not a 32-bit integer`);
  }
  const missing = POSITION_BOUNDS.filter((n) => !chunk.properties.some((p) => p.name === n));
  if (missing.length > 0) throw malformed(`the chunk element has no ${missing.map((n) => `'${n}'`).join(', ')}`);
  const needed = Math.ceil(vertex.count / CHUNK);
  if (chunk.count < needed) {
    throw malformed(`${countOf(vertex.count, 'splat')} need ${countOf(needed, 'chunk')} of ${CHUNK}, but the header declares ${formatCount(chunk.count)}`);
  }
  const { starts, stride } = layout(header, bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasColorBounds = COLOR_BOUNDS.every((n) => chunk.properties.some((p) => p.name === n));
  const boundNames = hasColorBounds ? [...POSITION_BOUNDS, ...COLOR_BOUNDS] : POSITION_BOUNDS;
  const boundAt = offsetsOf(chunk, boundNames) as number[];
  const boundTypes = boundNames.map((n) => typeOf(chunk, n));
  const [positionAt, colorAt] = offsetsOf(vertex, ['packed_position', 'packed_color']) as [number, number];

  const n = vertex.count;
  const positions = new Float32Array(n * 3);
  const colors = new Float32Array(n * 3);
  const opacity = new Float32Array(n);
  const bounds = new Float64Array(boundNames.length);
  const chunkStart = starts.get(chunk)!;
  const vertexStart = starts.get(vertex)!;
  const clamp = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let i = 0; i < n; i++) {
    if (i % CHUNK === 0) {
      const at = chunkStart + (i / CHUNK) * stride.get(chunk)!;
      for (let k = 0; k < boundNames.length; k++) bounds[k] = readScalar(view, at + boundAt[k]!, boundTypes[k]!, little);
    }
    const at = vertexStart + i * stride.get(vertex)!;
    const p = view.getUint32(at + positionAt, little);
    const c = view.getUint32(at + colorAt, little);
    for (let k = 0; k < 3; k++) {
      const f = k === 0 ? (p >>> 21) / 2047 : k === 1 ? ((p >>> 11) & 1023) / 1023 : (p & 2047) / 2047;
      positions[3 * i + k] = bounds[k]! + f * (bounds[k + 3]! - bounds[k]!);
      const g = ((c >>> (24 - 8 * k)) & 255) / 255;
      colors[3 * i + k] = clamp(hasColorBounds ? bounds[6 + k]! + g * (bounds[9 + k]! - bounds[6 + k]!) : g);
    }
    opacity[i] = (c & 255) / 255;
  }
  return { kind: 'points', cloud: { positions, colors, count: n }, fileVertexCount: n, warnings: [...header.warnings], opacity };
}
