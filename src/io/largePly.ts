// A binary PLY too large to read whole (over LIMITS.maxFileBytes): Gaussian-splat captures are
// 248 bytes a splat, so a room of 1.5 million splats is 370 MB, of which the reader keeps 40 bytes
// a splat (x, y, z, normals, colour or f_dc, opacity). When the file holds vertices alone, each a
// fixed set of scalars, it is read a slice at a time and only the kept properties are copied into a
// small PLY of the same vertices, which the PLY reader then reads as any other (ply.ts).
import { chooseFormat } from './sniff';
import { finish } from './finish';
import { LIMITS, SLICE_BYTES, countOf, fileSizeRefusal, formatCount, largePlyRefusal } from './limits';
import { keptVertexProperty, parsePly } from './ply';
import { SCALAR_BYTES, parsePlyHeader, recordBytes } from './plyHeader';
import { LoadError, type LoadResult, type ReadRange } from './types';




export interface LargePlyOptions {
  keepEveryPoint?: boolean;
  /** Bytes read so far, after each slice. */
  onRead?: (loaded: number) => void;
  /** Bytes read at a time (default 64 MiB). */
  sliceBytes?: number;
}

/** Loads a binary PLY of vertices alone of `size` bytes (maxFileBytes < size <= maxLargePlyBytes)
 * through `read`, as loadFile would if it could hold the file. */
export async function loadLargePly(name: string, size: number, read: ReadRange, options: LargePlyOptions = {}): Promise<LoadResult> {
  if (size > LIMITS.maxLargePlyBytes) throw new LoadError('ply', 'too-large', largePlyRefusal(size));
  const head = await read(0, Math.min(size, 1024 * 1024));
  const { entry, warnings } = chooseFormat(name, head);
  if (entry.id !== 'ply') throw new LoadError(entry.id, 'too-large', fileSizeRefusal(size));
  const header = parsePlyHeader(head);
  const vertex = header.vertex;
  if (header.encoding === 'ascii' || header.elements.length !== 1 || vertex.properties.some((p) => p.countType !== undefined)) {
    const what = header.encoding === 'ascii' ? 'ASCII' : header.face !== undefined ? 'a mesh' : `${header.elements.length} elements`;
    throw new LoadError('ply', 'too-large', `${largePlyRefusal(size)}, and this one is ${what}`);
  }
  const props = vertex.properties;
  const stride = recordBytes(vertex);
  const kept: { from: number; bytes: number }[] = [];
  let at = 0;
  for (const p of props) {
    if (keptVertexProperty(p.name)) kept.push({ from: at, bytes: SCALAR_BYTES[p.type] });
    at += SCALAR_BYTES[p.type];
  }
  const keptBytes = kept.reduce((n, k) => n + k.bytes, 0);
  const body = size - header.bodyOffset;
  if (body > vertex.count * stride) {
    throw new LoadError(
      'ply',
      'malformed',
      `the header declares ${countOf(vertex.count, 'vertex', 'vertices')} (${countOf(vertex.count * stride, 'byte')} of data), but the file has ` +
        `${formatCount(body)} bytes after the header (${formatCount(body - vertex.count * stride)} more)`,
    );
  }
  // Complete records only: the PLY reader then says where the file ends, as it would.
  const n = Math.floor(body / stride);
  const text =
    `ply\nformat ${header.encoding} 1.0\nelement vertex ${vertex.count}\n` +
    props.filter((p) => keptVertexProperty(p.name)).map((p) => `property ${p.type} ${p.name}\n`).join('') +
    'end_header\n';
  const headText = new TextEncoder().encode(text);
  const small = new Uint8Array(headText.length + n * keptBytes);
  small.set(headText);
  const perSlice = Math.max(1, Math.floor((options.sliceBytes ?? SLICE_BYTES) / stride));
  let out = headText.length;
  for (let first = 0; first < n; first += perSlice) {
    const count = Math.min(perSlice, n - first);
    const start = header.bodyOffset + first * stride;
    const slice = await read(start, start + count * stride);
    if (slice.length < count * stride) throw new LoadError('ply', 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
    for (let i = 0, row = 0; i < count; i++, row += stride) {
      for (const k of kept) for (let b = row + k.from, end = b + k.bytes; b < end; b++) small[out++] = slice[b]!;
    }
    options.onRead?.(start + count * stride);
  }
  const parsed = parsePly(small);
  parsed.warnings.unshift(...warnings, ...header.warnings);
  return finish('ply', parsed, { meshSamples: LIMITS.defaultMeshSamples, seed: 0, keepEveryPoint: options.keepEveryPoint === true });
}
