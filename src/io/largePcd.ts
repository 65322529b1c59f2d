// A PCD too large to hold (over LIMITS.maxFileBytes): mapping and survey clouds that PCL, Open3D
// and ROS tools save run to gigabytes. A binary one is read a slice at a time, every k-th point
// (at most LIMITS.maxPoints) copied under the same fields into a small PCD that parsePcd reads; an
// ASCII one as a point list as text is (largeText.ts: one row in k, about MAX_ROWS), its messages
// naming the file's own points and lines. A compressed one (LZF, one block) is read whole only.
import { SLICE_BYTES, fileSizeRefusal, formatCount, readOneInK, stepFor } from './limits';
import { MAX_ROWS, keepRows, parseKeptRows } from './largeText';
import { parsePcd } from './pcd';
import { type PcdHeader, canonicalHeader, parsePcdHeader } from './pcdHeader';
import { LoadError, type Parsed, type ReadRange } from './types';

export async function parsePcdSliced(size: number, read: ReadRange, onRead?: (loaded: number) => void, sliceBytes = SLICE_BYTES, maxRows = MAX_ROWS): Promise<Parsed> {
  const head = await read(0, Math.min(size, 1024 * 1024));
  const header = parsePcdHeader(head, Infinity);
  if (header.encoding === 'binary_compressed') throw new LoadError('pcd', 'too-large', `${fileSizeRefusal(size)}; a compressed PCD (binary_compressed) is read whole: save it as binary or ascii`);
  return header.encoding === 'binary' ? binarySliced(header, size, read, onRead, sliceBytes) : asciiSliced(head, header, size, read, onRead, sliceBytes, maxRows);
}

async function binarySliced(header: PcdHeader, size: number, read: ReadRange, onRead: ((loaded: number) => void) | undefined, sliceBytes: number): Promise<Parsed> {
  const { points, rowBytes, bodyOffset } = header;
  const body = size - bodyOffset;
  if (body < points * rowBytes) throw new LoadError('pcd', 'truncated', `header declares ${formatCount(points)} points but the file ends after ${formatCount(Math.floor(body / rowBytes))}`);
  if (body > points * rowBytes) {
    throw new LoadError('pcd', 'malformed', `header declares ${formatCount(points)} points (${formatCount(points * rowBytes)} bytes of data), but the file has ${formatCount(body)} bytes after the header (${formatCount(body - points * rowBytes)} more)`);
  }
  const step = stepFor(points);
  const n = Math.ceil(points / step);
  const text = new TextEncoder().encode(canonicalHeader({ ...header, width: n, height: 1, points: n }));
  const small = new Uint8Array(text.length + n * rowBytes);
  small.set(text);
  const perSlice = Math.max(1, Math.floor(sliceBytes / (rowBytes * step))) * step;
  let out = text.length;
  for (let first = 0; first < points; first += perSlice) {
    const count = Math.min(perSlice, points - first);
    const start = bodyOffset + first * rowBytes;
    const slice = await read(start, start + count * rowBytes);
    if (slice.length < count * rowBytes) throw new LoadError('pcd', 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
    for (let i = 0; i < count; i += step, out += rowBytes) small.set(slice.subarray(i * rowBytes, (i + 1) * rowBytes), out);
    onRead?.(start + count * rowBytes);
  }
  const parsed = parsePcd(small);
  if (step > 1) parsed.warnings.unshift(readOneInK(points, step));
  return { ...parsed, fileVertexCount: points };
}

async function asciiSliced(head: Uint8Array, pcd: PcdHeader, size: number, read: ReadRange, onRead: ((loaded: number) => void) | undefined, sliceBytes: number, maxRows: number): Promise<Parsed> {
  const firstLine = (new TextDecoder('latin1').decode(head.subarray(0, pcd.bodyOffset)).match(/\r\n|\r|\n/g) ?? []).length + 1;
  const rows = await keepRows(head, size, read, { from: pcd.bodyOffset, firstLine, headLines: 0, format: 'pcd', sliceBytes, maxRows, ...(onRead ? { onRead } : {}) });
  const { points } = pcd;
  if (rows.lines < points) throw new LoadError('pcd', 'truncated', `header declares ${formatCount(points)} points but the file ends after ${formatCount(rows.lines)} lines of them`);
  if (rows.lines > points + 1) throw new LoadError('pcd', 'malformed', `header declares ${formatCount(points)} points, but the data has ${formatCount(rows.lines)} lines`);
  const withCount = (kept: number) => new TextEncoder().encode(canonicalHeader({ ...pcd, width: kept, height: 1, points: kept }));
  const parsed = parseKeptRows(rows, { count: points, firstLine, header: withCount, item: 'point' }, parsePcd);
  if (rows.step > 1) parsed.warnings.unshift(`the file holds ${formatCount(points)} points; one row in ${rows.step} read (about ${formatCount(maxRows)}), and only the rows read are checked`);
  return { ...parsed, fileVertexCount: points };
}
