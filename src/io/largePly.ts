// A binary PLY too large to read whole (over LIMITS.maxFileBytes): Gaussian-splat captures are
// 248 bytes a splat, so a room of 1.5 million splats is 370 MB, of which the reader keeps 40 bytes
// a splat (x, y, z, normals, colour or f_dc, opacity). When the file holds vertices alone, each a
// fixed set of scalars, it is read a slice at a time and only the kept properties are copied into a
// small PLY of the same vertices, which the PLY reader then reads as any other (ply.ts). An ASCII
// PLY of vertices alone (CloudCompare's and MeshLab's text export of a scan) is read as a point
// list as text is (largeText.ts): one row in k, into a small ASCII PLY of the rows kept.
import { chooseFormat } from './sniff';
import { finish } from './finish';
import { LIMITS, SLICE_BYTES, countOf, fileSizeRefusal, formatCount, largePlyRefusal, readOneInK, stepFor } from './limits';
import { keptVertexProperty, parsePly } from './ply';
import { type PlyHeader, SCALAR_BYTES, parsePlyHeader, recordBytes } from './plyHeader';
import { MAX_ROWS, keepRows, parseKeptRows } from './largeText';
import { LoadError, type LoadResult, type Parsed, type ReadRange } from './types';


export interface LargePlyOptions {
  keepEveryPoint?: boolean;
  /** Bytes read so far, after each slice. */
  onRead?: (loaded: number) => void;
  /** Bytes read at a time (default 64 MiB). */
  sliceBytes?: number;
  /** Rows an ASCII PLY keeps, about (default largeText.ts's MAX_ROWS). */
  maxRows?: number;
}

/** Loads a PLY of vertices alone of `size` bytes (maxFileBytes < size <= maxLargePlyBytes)
 * through `read`, as loadFile would if it could hold the file (one vertex in k past
 * LIMITS.maxPoints; an ASCII one about MAX_ROWS rows). */
export async function loadLargePly(name: string, size: number, read: ReadRange, options: LargePlyOptions = {}): Promise<LoadResult> {
  if (size > LIMITS.maxLargePlyBytes) throw new LoadError('ply', 'too-large', largePlyRefusal(size));
  const head = await read(0, Math.min(size, 1024 * 1024));
  const { entry, warnings } = chooseFormat(name, head);
  if (entry.id !== 'ply') throw new LoadError(entry.id, 'too-large', fileSizeRefusal(size));
  const header = parsePlyHeader(head, Infinity);
  const vertex = header.vertex;
  if (header.elements.length !== 1 || vertex.properties.some((p) => p.countType !== undefined)) {
    const what = header.face !== undefined ? 'a mesh' : `${header.elements.length} elements`;
    throw new LoadError('ply', 'too-large', `${largePlyRefusal(size)}, and this one is ${what}`);
  }
  if (header.encoding === 'ascii') {
    const parsed = await parseAsciiPlySliced(head, header, size, read, options);
    parsed.warnings.unshift(...warnings, ...header.warnings);
    return finish('ply', parsed, { meshSamples: LIMITS.defaultMeshSamples, seed: 0, keepEveryPoint: options.keepEveryPoint === true });
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
  // The body holds exactly the declared records (longer is refused above). More than
  // LIMITS.maxPoints vertices: every step-th record.
  const records = Math.floor(body / stride);
  if (records < vertex.count) throw new LoadError('ply', 'truncated', `header declares ${formatCount(vertex.count)} vertices but the file ends after ${formatCount(records)}`);
  const step = stepFor(vertex.count);
  const n = Math.ceil(records / step);
  const text =
    `ply\nformat ${header.encoding} 1.0\nelement vertex ${n}\n` +
    props.filter((p) => keptVertexProperty(p.name)).map((p) => `property ${p.type} ${p.name}\n`).join('') +
    'end_header\n';
  const headText = new TextEncoder().encode(text);
  const small = new Uint8Array(headText.length + n * keptBytes);
  small.set(headText);
  const perSlice = Math.max(1, Math.floor((options.sliceBytes ?? SLICE_BYTES) / (stride * step))) * step;
  let out = headText.length;
  for (let first = 0; first < records; first += perSlice) {
    const count = Math.min(perSlice, records - first);
    const start = header.bodyOffset + first * stride;
    const slice = await read(start, start + count * stride);
    if (slice.length < count * stride) throw new LoadError('ply', 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
    for (let i = 0, row = 0; i < count; i += step, row += step * stride) {
      for (const k of kept) for (let b = row + k.from, end = b + k.bytes; b < end; b++) small[out++] = slice[b]!;
    }
    options.onRead?.(start + count * stride);
  }
  const parsed = parsePly(small);
  if (step > 1) parsed.warnings.unshift(readOneInK(vertex.count, step, 'vertex', 'vertices'));
  parsed.warnings.unshift(...warnings, ...header.warnings);
  if (step > 1) parsed.fileVertexCount = vertex.count;
  return finish('ply', parsed, { meshSamples: LIMITS.defaultMeshSamples, seed: 0, keepEveryPoint: options.keepEveryPoint === true });
}

/** An ASCII PLY of vertices alone over LIMITS.maxFileBytes: its rows read one in k (about
 * MAX_ROWS) into an ASCII PLY of the same header, which the PLY reader reads; its messages name the
 * file's own lines and vertices. Only the rows read are checked; their number against the header's
 * count. */
async function parseAsciiPlySliced(head: Uint8Array, header: PlyHeader, size: number, read: ReadRange, options: LargePlyOptions): Promise<Parsed> {
  const headerText = new TextDecoder('latin1').decode(head.subarray(0, header.bodyOffset));
  const firstLine = (headerText.match(/\r\n|\r|\n/g) ?? []).length + 1;
  const count = header.vertex.count;
  const maxRows = options.maxRows ?? MAX_ROWS;
  const rows = await keepRows(head, size, read, { from: header.bodyOffset, firstLine, headLines: 0, format: 'ply', maxRows, ...(options.sliceBytes ? { sliceBytes: options.sliceBytes } : {}), ...(options.onRead ? { onRead: options.onRead } : {}) });
  const { step } = rows;
  // Lines after the declared vertices: a blank last line is allowed, more is a mismatch.
  const bodyLines = rows.lines;
  if (bodyLines < count) throw new LoadError('ply', 'truncated', `the header declares ${countOf(count, 'vertex', 'vertices')}, but the file ends after ${countOf(bodyLines, 'line')} of them`);
  if (bodyLines > count + 1) throw new LoadError('ply', 'malformed', `the header declares ${countOf(count, 'vertex', 'vertices')}, but the file has ${formatCount(bodyLines)} lines after the header`);
  const withCount = (kept: number) => new TextEncoder().encode(headerText.replace(/^(element[ \t]+vertex[ \t]+)\d+/m, `$1${kept}`));
  const parsed = parseKeptRows(rows, { count, firstLine, header: withCount, item: 'vertex' }, parsePly);
  if (step > 1) parsed.warnings.unshift(`the file holds ${countOf(count, 'vertex', 'vertices')}; one row in ${step} read (about ${formatCount(maxRows)}), and only the rows read are checked`);
  return { ...parsed, fileVertexCount: count };
}
