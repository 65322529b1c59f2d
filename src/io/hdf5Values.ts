// An HDF5 dataset's values (hdf5.ts reads the file): where its layout keeps them (compact,
// contiguous, or in chunks found through a version 1 B-tree, or version 4's single chunk, implicit
// chunks and fixed array), and the rows asked for copied out in C order, only the chunks holding
// them unpacked.
import { type Bytes, type Dataset, MAX_OBJECTS, fail } from './hdf5Objects';
import { FILTER_NAMES, READ_FILTERS, unfilter } from './hdf5Filters';
import { LIMITS, formatBytes, formatCount } from './limits';
import { LoadError } from './types';

/** The chunks of a chunked dataset: where each is, its size, its first element's indices and
 * which filters were skipped for it. */
interface Chunk {
  at: number;
  size: number;
  offset: number[];
  mask: number;
}

/** How a dataset's values are stored (its layout message). */
type Storage = { kind: 'bytes'; at: number; size: number } | { kind: 'chunked'; dims: number[]; chunks: (lo: number, hi: number) => Chunk[] };

function storage(b: Bytes, ds: Dataset, what: string): Storage {
  const m = ds.layout;
  const version = m.data[0]!;
  const elementSize = ds.dtype.size;
  if (version === 1 || version === 2) throw fail('unsupported', `${what} has a layout message of version ${version} (HDF5 1.4 and older), which is not read`);
  const layoutClass = m.data[1]!;
  if (layoutClass === 0) {
    const size = b.u16(m.at + 2);
    return { kind: 'bytes', at: m.at + 4, size };
  }
  if (layoutClass === 1) {
    const at = b.address(m.at + 2);
    const size = b.length(m.at + 2 + b.offsets);
    if (at === undefined) return { kind: 'bytes', at: 0, size: 0 }; // never written: all fill values
    return { kind: 'bytes', at, size };
  }
  if (layoutClass !== 2) throw fail('unsupported', `${what} is stored as a virtual dataset (layout class ${layoutClass}), which is not read`);
  if (version === 3) {
    const rank = m.data[2]!; // the dataset's rank + 1 (the element's size last)
    const tree = b.address(m.at + 3);
    b.need(m.at + 3 + b.offsets, 4 * rank, what);
    const dims = Array.from({ length: rank - 1 }, (_, i) => b.u32(m.at + 3 + b.offsets + 4 * i));
    return { kind: 'chunked', dims, chunks: (lo, hi) => (tree === undefined ? [] : chunkTree(b, tree, rank, dims[0]!, lo, hi, what)) };
  }
  if (version !== 4) throw fail('unsupported', `${what} has a layout message of version ${version}, which is not read`);
  const flags = m.data[2]!;
  const rank = m.data[3]!;
  const dimBytes = m.data[4]!;
  let p = m.at + 5;
  const dims = Array.from({ length: rank - 1 }, (_, i) => b.uint(p + i * dimBytes, dimBytes));
  p += rank * dimBytes;
  const index = b.u8(p++);
  const grid = ds.shape.map((d, i) => Math.ceil(d / dims[i]!));
  const offsetOf = (k: number): number[] => {
    const offset = new Array<number>(grid.length);
    for (let i = grid.length - 1; i >= 0; i--) {
      offset[i] = (k % grid[i]!) * dims[i]!;
      k = Math.floor(k / grid[i]!);
    }
    return offset;
  };
  const chunkBytes = dims.reduce((n, d) => n * d, elementSize);
  if (index === 1) {
    // one chunk
    const filtered = (flags & 0x02) !== 0;
    const size = filtered ? b.length(p) : chunkBytes;
    const mask = filtered ? b.u32(p + b.lengths) : 0;
    const at = b.address(p + (filtered ? b.lengths + 4 : 0));
    return { kind: 'chunked', dims, chunks: () => (at === undefined ? [] : [{ at, size, offset: ds.shape.map(() => 0), mask }]) };
  }
  if (index === 2) {
    // implicit: the chunks one after another, unfiltered
    const at = b.address(p);
    const count = grid.reduce((n, g) => n * g, 1);
    return { kind: 'chunked', dims, chunks: () => (at === undefined ? [] : Array.from({ length: count }, (_, k) => ({ at: at + k * chunkBytes, size: chunkBytes, offset: offsetOf(k), mask: 0 }))) };
  }
  if (index === 3) {
    const header = b.address(p + 1);
    const count = grid.reduce((n, g) => n * g, 1);
    return { kind: 'chunked', dims, chunks: () => (header === undefined ? [] : fixedArray(b, header, count, ds.filters.length > 0, chunkBytes, what).map((c, k) => ({ ...c, offset: offsetOf(k) }))) };
  }
  const names: Record<number, string> = { 4: 'an extensible array', 5: 'a version 2 B-tree' };
  throw fail('unsupported', `${what} indexes its chunks with ${names[index] ?? `index type ${index}`} (a dataset that can grow, written with libver='latest'), which is not read; save it with h5py's defaults or without maxshape`);
}

/** A fixed array's chunk addresses (layout version 4, index type 3), not paged. */
function fixedArray(b: Bytes, header: number, count: number, filtered: boolean, chunkBytes: number, what: string): Omit<Chunk, 'offset'>[] {
  b.signature(header, 'FAHD', `${what}'s chunk index`);
  const elementSize = b.u8(header + 6);
  const pageBits = b.u8(header + 7);
  const elements = b.length(header + 8);
  const block = b.address(header + 8 + b.lengths);
  if (elements !== count) throw fail('malformed', `${what}'s chunk index holds ${formatCount(elements)} chunks, its shape ${formatCount(count)}`);
  if (elements > 2 ** pageBits) throw fail('unsupported', `${what}'s chunk index is paged (${formatCount(elements)} chunks), which is not read; save it with h5py's defaults`);
  if (block === undefined) return [];
  b.signature(block, 'FADB', `${what}'s chunk index block`);
  const first = block + 6 + b.offsets;
  b.need(first, elements * elementSize, `${what}'s chunk index block`);
  return Array.from({ length: elements }, (_, k) => {
    const e = first + k * elementSize;
    const at = b.address(e) ?? -1;
    if (!filtered) return { at, size: chunkBytes, mask: 0 };
    const sizeBytes = elementSize - b.offsets - 4;
    return { at, size: b.uint(e + b.offsets, sizeBytes), mask: b.u32(e + b.offsets + sizeBytes) };
  }).filter((c) => c.at >= 0);
}

/** The chunks of a version 1 B-tree that hold rows [lo, hi) of the first axis. */
function chunkTree(b: Bytes, tree: number, rank: number, chunk0: number, lo: number, hi: number, what: string): Chunk[] {
  const chunks: Chunk[] = [];
  const keySize = 8 + 8 * rank;
  const nodes = [tree];
  for (let visited = 0; nodes.length > 0; visited++) {
    if (visited > MAX_OBJECTS) throw fail('malformed', `${what}'s chunk B-tree has more than ${formatCount(MAX_OBJECTS)} nodes`);
    const at = nodes.pop()!;
    b.signature(at, 'TREE', `${what}'s chunk B-tree node`);
    if (b.u8(at + 4) !== 1) throw fail('malformed', `${what}'s chunk B-tree node at byte ${formatCount(at)} is not a chunk node`);
    const level = b.u8(at + 5);
    const entries = b.u16(at + 6);
    const first = at + 8 + 2 * b.offsets;
    const stride = keySize + b.offsets;
    b.need(first, entries * stride + keySize, `${what}'s chunk B-tree node`);
    for (let i = 0; i < entries; i++) {
      const key = first + i * stride;
      const child = b.address(key + keySize);
      if (child === undefined) continue;
      if (level > 0) {
        // A child's chunks start at or after its key and before the next key (by the first axis).
        if (b.uint(key + 8, 8) < hi && b.uint(key + stride + 8, 8) + chunk0 > lo) nodes.push(child);
      } else {
        const offset = Array.from({ length: rank - 1 }, (_, d) => b.uint(key + 8 + 8 * d, 8));
        if (offset[0]! < hi && offset[0]! + chunk0 > lo) chunks.push({ at: child, size: b.u32(key), offset, mask: b.u32(key + 4) });
      }
    }
  }
  return chunks;
}

/** The values of rows [lo, hi) along the dataset's first axis (all of it for a scalar or a single
 * row), C order: only the chunks holding them are unpacked. */
export function readRows(b: Bytes, ds: Dataset, lo: number, hi: number, what: string): DataView {
  const { shape, dtype } = ds;
  const rowValues = shape.slice(1).reduce((n, d) => n * d, 1);
  const rowBytes = rowValues * dtype.size;
  const total = (hi - lo) * rowBytes;
  if (total > LIMITS.maxFileBytes) throw new LoadError('hdf5', 'too-large', `${what} unpacks to ${formatBytes(total)}; the limit is ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes)`);
  const out = new Uint8Array(total);
  const unread = ds.filters.filter((f) => !READ_FILTERS.has(f.id));
  if (unread.length > 0) {
    const names = unread.map((f) => FILTER_NAMES[f.id] ?? (f.name || `filter ${f.id}`)).join(', ');
    throw fail('unsupported', `${what} is compressed with ${names}, which is not read; save it with gzip or lzf compression (h5py: compression='gzip')`);
  }
  const s = storage(b, ds, what);
  if (s.kind === 'bytes') {
    if (s.size === 0) return new DataView(out.buffer); // never written: zeros (h5py's default fill)
    if (s.size < shape.reduce((n, d) => n * d, dtype.size)) throw fail('malformed', `${what} holds ${formatCount(s.size)} bytes, less than its shape needs`);
    b.need(s.at, s.size, what);
    out.set(b.slice(s.at + lo * rowBytes, total));
    return new DataView(out.buffer);
  }
  const { dims } = s;
  const rank = shape.length;
  if (dims.length !== rank) throw fail('malformed', `${what}'s chunks have ${dims.length} dimensions, the dataset ${rank}`);
  const chunkBytes = dims.reduce((n, d) => n * d, dtype.size);
  const chunks = s.chunks(lo, hi).filter((c) => c.offset[0]! < hi && c.offset[0]! + dims[0]! > lo);
  b.want(chunks); // a file read by pages: all of their pages at once
  for (const chunk of chunks) {
    if (chunk.offset.some((o, i) => o % dims[i]! !== 0 || o >= Math.max(shape[i]!, 1))) throw fail('malformed', `${what}: a chunk at byte ${formatCount(chunk.at)} starts outside the dataset`);
    const data = unfilter(b, chunk, ds.filters, chunkBytes, what);
    copyChunk(data, dims, chunk.offset, shape, dtype.size, lo, hi, out);
  }
  return new DataView(out.buffer);
}

/** Copies a chunk's values into `out` (rows [lo, hi) of a C-order array of `shape`). */
function copyChunk(data: Uint8Array, dims: readonly number[], offset: readonly number[], shape: readonly number[], size: number, lo: number, hi: number, out: Uint8Array): void {
  const rank = shape.length;
  const last = rank - 1;
  const run = Math.min(dims[last]!, shape[last]! - offset[last]!) * size;
  const index = new Array<number>(rank).fill(0); // within the chunk, all but the last axis
  for (;;) {
    let inside = true;
    let source = 0;
    let target = 0;
    for (let i = 0; i < rank; i++) {
      const g = offset[i]! + (i === last ? 0 : index[i]!);
      if (i < last && g >= shape[i]!) inside = false;
      if (i === 0 && (g < lo || g >= hi)) inside = false;
      source = source * dims[i]! + (i === last ? 0 : index[i]!);
      target = target * shape[i]! + (i === 0 ? g - lo : g);
    }
    if (inside && run > 0) out.set(data.subarray(source * size, source * size + run), target * size);
    // the next index over all axes but the last
    let i = last - 1;
    while (i >= 0) {
      index[i]!++;
      if (index[i]! < dims[i]!) break;
      index[i] = 0;
      i--;
    }
    if (i < 0) break;
  }
}

