// HDF5 (.h5, .hdf5): how point-cloud research hands out its data sets: ModelNet40 as PointNet's
// `ply_data_test0.h5` (a dataset `data` of 2048 points per shape, N x 2048 x 3, and `label`),
// ScanObjectNN's real scans, ShapeNetPart; and single clouds saved with h5py. Written from the
// HDF5 file format specification (version 3.0), the parts h5py and the HDF5 library write:
//   - superblocks 0 to 3 (found at byte 0, 512, 1024, ... when a user block comes first);
//   - object headers version 1 and 2, with their continuation blocks;
//   - groups as symbol tables (a B-tree of symbol nodes and a local heap; h5py's default) and as
//     link messages (libver='latest'); groups with dense link storage are refused;
//   - datasets' dataspace, datatype (integers and IEEE floats, either byte order), filter pipeline
//     and layout: compact, contiguous, and chunked with a version 1 B-tree (h5py's default), or
//     (layout version 4) one chunk, implicit, or a fixed array that is not paged;
//   - filters: deflate (gzip), shuffle, Fletcher-32 (checked) and LZF (h5py's); others refused
//     by name.
// The dataset read is the one named like a cloud (`data`, `points`, ...) or the largest array of
// rows of 3 to 16 values; a batch of clouds (N x P x C) is read one cloud at a time, only the
// chunks holding it unpacked, each cloud a model of the file (as an archive's are), named with its
// label when a `label` dataset gives one ("data[17] (label 8)").
import { unzlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { LIMITS, formatBytes, formatCount } from './limits';
import { type Dtype, arrayCloud, batchOf, inBatch, parseDtype } from './npy';
import { quote } from './text';
import { LoadError, type Parsed } from './types';

const FORMAT = 'hdf5';
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Names a cloud's dataset goes by, preferred in this order (as .npz arrays: npy.ts). */
const CLOUD_NAMES = ['data', 'points', 'point_cloud', 'pointcloud', 'cloud', 'pc', 'xyz', 'pos', 'positions', 'coords', 'vertices', 'verts'];
const LABEL_NAMES = ['label', 'labels', 'class', 'classes', 'y'];

/** At most this many objects are walked (a file of millions of groups is not a point cloud). */
const MAX_OBJECTS = 100_000;

const fail = (reason: 'malformed' | 'truncated' | 'unsupported', message: string): LoadError => new LoadError(FORMAT, reason, message);

/** Reads little-endian numbers of the file; addresses are relative to the superblock's base. */
class Bytes {
  readonly view: DataView;
  offsets = 8;
  lengths = 8;
  base = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(at: number, n: number, what: string): void {
    if (!(at >= 0 && at + n <= this.bytes.length)) {
      throw fail('truncated', `${what} at byte ${formatCount(at)} runs past the end of the file (${formatCount(this.bytes.length)} bytes): is it cut short?`);
    }
  }
  u8 = (at: number): number => this.view.getUint8(at);
  u16 = (at: number): number => this.view.getUint16(at, true);
  u32 = (at: number): number => this.view.getUint32(at, true);
  /** An unsigned integer of `size` bytes; NaN past 2^53. */
  uint(at: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.view.getUint8(at + i);
    return Number.isSafeInteger(v) ? v : Number.NaN;
  }
  /** An address of the file (undefined for HDF5's "undefined address", all bits set). */
  address(at: number): number | undefined {
    let undefinedAddress = true;
    for (let i = 0; i < this.offsets; i++) if (this.view.getUint8(at + i) !== 0xff) undefinedAddress = false;
    return undefinedAddress ? undefined : this.uint(at, this.offsets) + this.base;
  }
  length = (at: number): number => this.uint(at, this.lengths);
  signature(at: number, text: string, what: string): void {
    this.need(at, text.length, what);
    for (let i = 0; i < text.length; i++) {
      if (this.bytes[at + i] !== text.charCodeAt(i)) throw fail('malformed', `${what} at byte ${formatCount(at)} does not start with "${text}"`);
    }
  }
}

interface Message {
  type: number;
  data: Uint8Array;
  /** The message's first byte in the file. */
  at: number;
}

/** The messages of the object header at `at`, continuation blocks followed. */
function objectHeader(b: Bytes, at: number, what: string): Message[] {
  const messages: Message[] = [];
  const blocks: { start: number; end: number }[] = [];
  b.need(at, 16, what);
  let v2 = false;
  let flags = 0;
  if (b.bytes[at] === 0x4f) {
    // "OHDR", version 2
    b.signature(at, 'OHDR', what);
    if (b.u8(at + 4) !== 2) throw fail('unsupported', `${what}: object header version ${b.u8(at + 4)} is not read`);
    flags = b.u8(at + 5);
    let p = at + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const sizeBytes = 1 << (flags & 3);
    b.need(p, sizeBytes, what);
    const size = b.uint(p, sizeBytes);
    p += sizeBytes;
    b.need(p, size + 4, what);
    blocks.push({ start: p, end: p + size });
    v2 = true;
  } else {
    if (b.u8(at) !== 1) throw fail('unsupported', `${what}: object header version ${b.u8(at)} is not read`);
    const size = b.u32(at + 8);
    b.need(at + 16, size, what);
    blocks.push({ start: at + 16, end: at + 16 + size });
  }
  for (let k = 0; k < blocks.length; k++) {
    if (k > 1000) throw fail('malformed', `${what} has more than 1,000 continuation blocks`);
    const { start, end } = blocks[k]!;
    let p = start;
    const headerSize = v2 ? 4 + (flags & 0x04 ? 2 : 0) : 8;
    while (p + headerSize <= end) {
      const type = v2 ? b.u8(p) : b.u16(p);
      const size = v2 ? b.u16(p + 1) : b.u16(p + 2);
      const dataAt = p + headerSize;
      if (dataAt + size > end) throw fail('malformed', `${what}: a message at byte ${formatCount(p)} runs past its header block`);
      const data = b.bytes.subarray(dataAt, dataAt + size);
      if (type === 0x10) {
        // continuation: the next block of messages
        const next = b.address(dataAt);
        const length = b.length(dataAt + b.offsets);
        if (next === undefined || !Number.isFinite(length)) throw fail('malformed', `${what}: a continuation message names no block`);
        if (v2) {
          b.signature(next, 'OCHK', `${what}'s continuation block`);
          b.need(next, length, `${what}'s continuation block`);
          blocks.push({ start: next + 4, end: next + length - 4 });
        } else {
          b.need(next, length, `${what}'s continuation block`);
          blocks.push({ start: next, end: next + length });
        }
      } else if (type !== 0) messages.push({ type, data, at: dataAt });
      p = dataAt + size;
    }
  }
  return messages;
}

interface Dataset {
  path: string;
  shape: number[];
  dtype: Dtype;
  layout: Message;
  filters: Filter[];
}

interface Filter {
  id: number;
  name: string;
  values: number[];
}

/** A datatype message as NumPy's dtype: integers and IEEE floats of 1 to 8 bytes. */
function datatype(b: Bytes, m: Message): Dtype | string {
  const d = m.data;
  const kind = d[0]! & 0x0f;
  const bits = d[1]!;
  const size = b.u32(m.at + 4);
  const order = bits & 1 ? '>' : '<';
  if (kind === 0) {
    const descr = `${size === 1 ? '|' : order}${bits & 0x08 ? 'i' : 'u'}${size}`;
    return parseDtype(descr) ?? `integers of ${size} bytes`;
  }
  if (kind === 1) {
    if (bits & 0x40) return 'floats in VAX byte order';
    return parseDtype(`${order}f${size}`) ?? `floats of ${size} bytes`;
  }
  const names = ['', '', 'times', 'strings', 'bit fields', 'opaque values', 'compound records', 'references', 'enumerations', 'variable-length values', 'arrays'];
  return names[kind] ?? `values of datatype class ${kind}`;
}

/** A dataspace message's dimensions (a scalar: []). */
function dataspace(b: Bytes, m: Message): number[] {
  const version = m.data[0]!;
  const rank = m.data[1]!;
  const type = version >= 2 ? m.data[3]! : 1;
  if (type !== 1) return rank === 0 ? [] : [0];
  const first = m.at + (version === 1 ? 8 : 4);
  b.need(first, rank * b.lengths, 'a dataspace');
  return Array.from({ length: rank }, (_, i) => b.length(first + i * b.lengths));
}

/** A filter pipeline message's filters, in the order they were applied when writing. */
function filterPipeline(b: Bytes, m: Message): Filter[] {
  const version = m.data[0]!;
  const count = m.data[1]!;
  let p = m.at + (version === 1 ? 8 : 2);
  const filters: Filter[] = [];
  for (let i = 0; i < count; i++) {
    b.need(p, 8, 'a filter pipeline');
    const id = b.u16(p);
    const hasName = version === 1 || id >= 256;
    const nameLength = hasName ? b.u16(p + 2) : 0;
    p += hasName ? 4 : 2;
    p += 2; // flags
    const nValues = b.u16(p);
    p += 2;
    let name = '';
    if (nameLength > 0) {
      b.need(p, nameLength, 'a filter name');
      name = new TextDecoder().decode(b.bytes.subarray(p, p + nameLength)).replace(/\0.*$/s, '');
      p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength;
    }
    b.need(p, nValues * 4, 'a filter pipeline');
    const values = Array.from({ length: nValues }, (_, k) => b.u32(p + 4 * k));
    p += nValues * 4 + (version === 1 && nValues % 2 === 1 ? 4 : 0);
    filters.push({ id, name, values });
  }
  return filters;
}

const FILTER_NAMES: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 307: 'bzip2', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd' };
const READ_FILTERS = new Set([1, 2, 3, 32000]);

/** The objects of the file: every dataset, by path, groups walked from the root. */
function walk(b: Bytes, root: number): { datasets: Dataset[]; skipped: string[] } {
  const datasets: Dataset[] = [];
  const skipped: string[] = [];
  const seen = new Set<number>();
  const queue: { at: number; path: string }[] = [{ at: root, path: '' }];
  while (queue.length > 0) {
    const { at, path } = queue.shift()!;
    if (seen.has(at)) continue;
    seen.add(at);
    if (seen.size > MAX_OBJECTS) throw fail('unsupported', `the file holds more than ${formatCount(MAX_OBJECTS)} objects`);
    const what = path === '' ? 'the root group' : quote(path);
    const messages = objectHeader(b, at, what);
    const find = (type: number) => messages.find((m) => m.type === type);
    const children = (name: string, child: number | undefined) => {
      if (child !== undefined) queue.push({ at: child, path: path === '' ? name : `${path}/${name}` });
    };
    const symbols = find(0x11);
    if (symbols) {
      symbolTable(b, b.address(symbols.at), b.address(symbols.at + b.offsets), what, children);
      continue;
    }
    const links = messages.filter((m) => m.type === 0x06);
    const linkInfo = find(0x02);
    if (linkInfo && b.address(linkInfo.at + 2 + (linkInfo.data[1]! & 1 ? 8 : 0)) !== undefined) {
      throw fail('unsupported', `${what} keeps its members in dense link storage (a fractal heap), which is not read; save the file with h5py's defaults`);
    }
    if (links.length > 0 || linkInfo) {
      for (const link of links) linkMessage(b, link, children);
      continue;
    }
    const layout = find(0x08);
    const space = find(0x01);
    const type = find(0x03);
    if (!layout || !space || !type) continue; // a committed datatype, or an object of no use here
    const dtype = datatype(b, type);
    const shape = dataspace(b, space);
    if (typeof dtype === 'string') {
      skipped.push(`${quote(path)} (${dtype})`);
      continue;
    }
    const pipeline = find(0x0b);
    datasets.push({ path, shape, dtype, layout, filters: pipeline ? filterPipeline(b, pipeline) : [] });
  }
  return { datasets, skipped };
}

/** A group's members from its symbol table: the B-tree's symbol nodes, names from the local heap. */
function symbolTable(b: Bytes, tree: number | undefined, heap: number | undefined, what: string, child: (name: string, at: number | undefined) => void): void {
  if (tree === undefined || heap === undefined) throw fail('malformed', `${what}'s symbol table names no B-tree or heap`);
  b.signature(heap, 'HEAP', `${what}'s local heap`);
  const heapSize = b.length(heap + 8);
  const heapData = b.address(heap + 8 + 2 * b.lengths);
  if (heapData === undefined) throw fail('malformed', `${what}'s local heap has no data`);
  b.need(heapData, heapSize, `${what}'s local heap`);
  const name = (offset: number): string => {
    const from = heapData + offset;
    let end = from;
    while (end < heapData + heapSize && b.bytes[end] !== 0) end++;
    return new TextDecoder().decode(b.bytes.subarray(from, end));
  };
  const nodes = [tree];
  for (let visited = 0; nodes.length > 0; visited++) {
    if (visited > MAX_OBJECTS) throw fail('malformed', `${what}'s B-tree has more than ${formatCount(MAX_OBJECTS)} nodes`);
    const at = nodes.pop()!;
    b.signature(at, 'TREE', `${what}'s B-tree node`);
    const level = b.u8(at + 5);
    const entries = b.u16(at + 6);
    const first = at + 8 + 2 * b.offsets;
    const stride = b.lengths + b.offsets;
    b.need(first, entries * stride + b.lengths, `${what}'s B-tree node`);
    for (let i = 0; i < entries; i++) {
      const childAt = b.address(first + i * stride + b.lengths);
      if (childAt === undefined) continue;
      if (level > 0) {
        nodes.push(childAt);
        continue;
      }
      b.signature(childAt, 'SNOD', `${what}'s symbol node`);
      const symbols = b.u16(childAt + 6);
      const entrySize = 2 * b.offsets + 24;
      b.need(childAt + 8, symbols * entrySize, `${what}'s symbol node`);
      for (let k = 0; k < symbols; k++) {
        const e = childAt + 8 + k * entrySize;
        child(name(b.uint(e, b.offsets)), b.address(e + b.offsets));
      }
    }
  }
}

/** A link message's member (hard links; soft and external links are passed over). */
function linkMessage(b: Bytes, m: Message, child: (name: string, at: number | undefined) => void): void {
  const flags = m.data[1]!;
  let p = m.at + 2;
  const type = flags & 0x08 ? b.u8(p++) : 0;
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p += 1;
  const lengthSize = 1 << (flags & 3);
  const length = b.uint(p, lengthSize);
  p += lengthSize;
  b.need(p, length + b.offsets, 'a link');
  const name = new TextDecoder().decode(b.bytes.subarray(p, p + length));
  if (type === 0) child(name, b.address(p + length));
}

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
      if (level > 0) nodes.push(child);
      else {
        const offset = Array.from({ length: rank - 1 }, (_, d) => b.uint(key + 8 + 8 * d, 8));
        if (offset[0]! < hi && offset[0]! + chunk0 > lo) chunks.push({ at: child, size: b.u32(key), offset, mask: b.u32(key + 4) });
      }
    }
  }
  return chunks;
}

/** A chunk's bytes with its filters undone (in the reverse of the order they were applied). */
function unfilter(b: Bytes, chunk: Chunk, filters: readonly Filter[], expected: number, what: string): Uint8Array {
  b.need(chunk.at, chunk.size, `${what}'s chunk`);
  let data = b.bytes.subarray(chunk.at, chunk.at + chunk.size);
  for (let i = filters.length - 1; i >= 0; i--) {
    if (chunk.mask & (1 << i)) continue;
    const f = filters[i]!;
    if (f.id === 1) {
      try {
        data = unzlibSync(data);
      } catch (error) {
        throw fail('malformed', `${what}: a chunk at byte ${formatCount(chunk.at)} does not inflate (${error instanceof Error ? error.message : String(error)})`);
      }
    } else if (f.id === 2) data = unshuffle(data, f.values[0] ?? 1);
    else if (f.id === 3) data = fletcher32(data, chunk.at, what);
    else if (f.id === 32000) data = lzf(data, expected, chunk.at, what);
  }
  if (data.length !== expected) throw fail('malformed', `${what}: a chunk at byte ${formatCount(chunk.at)} unpacks to ${formatCount(data.length)} bytes, not ${formatCount(expected)}`);
  return data;
}

/** Shuffle undone: the first bytes of every element came first, then the second bytes, ... */
function unshuffle(data: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return data;
  const count = Math.floor(data.length / size);
  const out = data.slice();
  for (let k = 0; k < size; k++) for (let i = 0; i < count; i++) out[i * size + k] = data[k * count + i]!;
  return out;
}

/** The data without its Fletcher-32 checksum, which is checked (HDF5's H5_checksum_fletcher32:
 * big-endian 16-bit words, the sums folded every 360 words). */
function fletcher32(data: Uint8Array, at: number, what: string): Uint8Array {
  if (data.length < 4) throw fail('malformed', `${what}: a chunk at byte ${formatCount(at)} is too short for its checksum`);
  const body = data.subarray(0, data.length - 4);
  let sum1 = 0;
  let sum2 = 0;
  const fold = (x: number) => (x & 0xffff) + (x >>> 16);
  let i = 0;
  for (let left = body.length >> 1; left > 0; ) {
    const run = Math.min(left, 360);
    left -= run;
    for (let k = 0; k < run; k++, i += 2) {
      sum1 += (body[i]! << 8) | body[i + 1]!;
      sum2 += sum1;
    }
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  if (body.length & 1) {
    sum1 += body[i]! << 8;
    sum2 += sum1;
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  sum1 = fold(sum1);
  sum2 = fold(sum2);
  const sum = ((sum2 << 16) | sum1) >>> 0;
  const swapped = (((sum & 0xff) << 24) | ((sum & 0xff00) << 8) | ((sum >>> 8) & 0xff00) | (sum >>> 24)) >>> 0; // as HDF5 before 1.6.2 stored it
  const stored = new DataView(data.buffer, data.byteOffset + body.length, 4).getUint32(0, true);
  if (sum !== stored && swapped !== stored) throw fail('malformed', `${what}: a chunk at byte ${formatCount(at)} fails its Fletcher-32 checksum (damaged)`);
  return body;
}

/** LZF (h5py's filter 32000), decompressed to `expected` bytes. */
function lzf(data: Uint8Array, expected: number, at: number, what: string): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  const damaged = () => fail('malformed', `${what}: a chunk at byte ${formatCount(at)} is not valid LZF`);
  while (i < data.length) {
    const control = data[i++]!;
    if (control < 32) {
      const n = control + 1;
      if (i + n > data.length || o + n > expected) throw damaged();
      out.set(data.subarray(i, i + n), o);
      i += n;
      o += n;
    } else {
      let n = control >> 5;
      if (n === 7) {
        if (i >= data.length) throw damaged();
        n += data[i++]!;
      }
      n += 2;
      if (i >= data.length) throw damaged();
      const from = o - ((control & 0x1f) << 8) - data[i++]! - 1;
      if (from < 0 || o + n > expected) throw damaged();
      for (let k = 0; k < n; k++) out[o + k] = out[from + k]!;
      o += n;
    }
  }
  if (o !== expected) throw damaged();
  return out;
}

/** The values of rows [lo, hi) along the dataset's first axis (all of it for a scalar or a single
 * row), C order: only the chunks holding them are unpacked. */
function readRows(b: Bytes, ds: Dataset, lo: number, hi: number, what: string): DataView {
  const { shape, dtype } = ds;
  const rowValues = shape.slice(1).reduce((n, d) => n * d, 1);
  const rowBytes = rowValues * dtype.size;
  const total = (hi - lo) * rowBytes;
  if (total > LIMITS.maxFileBytes) throw new LoadError(FORMAT, 'too-large', `${what} unpacks to ${formatBytes(total)}; the limit is ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes)`);
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
    out.set(b.bytes.subarray(s.at + lo * rowBytes, s.at + hi * rowBytes));
    return new DataView(out.buffer);
  }
  const { dims } = s;
  const rank = shape.length;
  if (dims.length !== rank) throw fail('malformed', `${what}'s chunks have ${dims.length} dimensions, the dataset ${rank}`);
  const chunkBytes = dims.reduce((n, d) => n * d, dtype.size);
  for (const chunk of s.chunks(lo, hi)) {
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

/** The superblock: where the root group's object header is. */
function superblock(b: Bytes): number {
  let at = -1;
  for (let p = 0; p + 8 <= b.bytes.length; p = p === 0 ? 512 : p * 2) {
    if (SIGNATURE.every((c, i) => b.bytes[p + i] === c)) {
      at = p;
      break;
    }
  }
  if (at < 0) throw fail('malformed', 'the file has no HDF5 signature (at byte 0, 512, 1024, ...)');
  b.need(at, 24, 'the superblock');
  const version = b.u8(at + 8);
  if (version === 0 || version === 1) {
    b.offsets = b.u8(at + 13);
    b.lengths = b.u8(at + 14);
    if (![2, 4, 8].includes(b.offsets) || ![2, 4, 8].includes(b.lengths)) throw fail('malformed', `the superblock gives offsets of ${b.offsets} and lengths of ${b.lengths} bytes`);
    let p = at + 24 + (version === 1 ? 4 : 0);
    b.need(p, 4 * b.offsets + 2 * b.offsets + 8, 'the superblock');
    b.base = b.uint(p, b.offsets);
    p += 4 * b.offsets; // base, free space, end of file, driver information
    const root = b.address(p + b.offsets); // the root's symbol table entry: name offset, header address
    if (root === undefined) throw fail('malformed', 'the superblock names no root group');
    return root;
  }
  if (version === 2 || version === 3) {
    b.offsets = b.u8(at + 9);
    b.lengths = b.u8(at + 10);
    if (![2, 4, 8].includes(b.offsets) || ![2, 4, 8].includes(b.lengths)) throw fail('malformed', `the superblock gives offsets of ${b.offsets} and lengths of ${b.lengths} bytes`);
    b.need(at + 12, 4 * b.offsets, 'the superblock');
    b.base = b.uint(at + 12, b.offsets);
    const root = b.address(at + 12 + 3 * b.offsets);
    if (root === undefined) throw fail('malformed', 'the superblock names no root group');
    return root;
  }
  throw fail('unsupported', `superblock version ${version} is not read`);
}

/** Whether a dataset's shape holds points: rows of 3 to 16 values (or channels first), one cloud
 * or a batch of them. */
function looksLikePoints(shape: readonly number[]): boolean {
  const dims = shape.filter((d, i) => !(d === 1 && i < shape.length - 2));
  if (dims.length < 2 || dims.length > 3) return false;
  const [a, b] = dims.slice(-2) as [number, number];
  return (b >= 3 && b <= 16 && a >= 1) || (a >= 3 && a <= 16 && b > a);
}

/** An HDF5 file's cloud; of a batch of clouds, the one `entry` names (default the first). */
export function parseHdf5(bytes: Uint8Array, entry?: string): Parsed {
  try {
    return readHdf5(bytes, entry);
  } catch (error) {
    // A structure pointing outside the file that no check above caught reads past a DataView's end.
    if (error instanceof RangeError) throw fail('malformed', `the file is damaged or cut short (a structure points past its end: ${error.message})`);
    throw error;
  }
}

function readHdf5(bytes: Uint8Array, entry?: string): Parsed {
  const b = new Bytes(bytes);
  const root = superblock(b);
  const { datasets, skipped } = walk(b, root);
  const numeric = datasets.filter((d) => looksLikePoints(d.shape));
  if (numeric.length === 0) {
    const listed = [...datasets.map((d) => `${quote(d.path)} (${d.shape.join(' x ') || 'a single value'})`), ...skipped];
    throw fail('unsupported', listed.length === 0 ? 'the file holds no datasets' : `no dataset holds points as rows of x, y, z (it holds ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', ...' : ''})`);
  }
  const base = (d: Dataset) => d.path.slice(d.path.lastIndexOf('/') + 1).toLowerCase();
  const named = CLOUD_NAMES.map((n) => numeric.find((d) => base(d) === n)).find((d) => d !== undefined);
  const size = (d: Dataset) => d.shape.reduce((n, v) => n * v, 1);
  const chosen = named ?? [...numeric].sort((x, y) => size(y) - size(x))[0]!;
  const where = `the dataset ${quote(chosen.path)} `;
  const warnings = numeric.length > 1 ? [`HDF5: read the dataset ${quote(chosen.path)} of ${numeric.map((d) => quote(d.path)).join(', ')}`] : [];
  const batch = batchOf(chosen.shape);
  if (!batch) {
    const rows = chosen.shape[0] ?? 1;
    const parsed = arrayCloud('hdf5', { shape: chosen.shape, fortran: false, dtype: chosen.dtype, view: readRows(b, chosen, 0, rows, where.trim()) }, where);
    parsed.warnings.unshift(...warnings);
    return parsed;
  }
  // A batch: the first axis (leading axes of length 1 aside) counts the clouds.
  const lead = chosen.shape.length - 3;
  if (lead > 0) throw fail('unsupported', `${where}has shape (${chosen.shape.join(', ')}); save the clouds as N x P x 3 (without the leading axes of length 1)`);
  const labels = labelsOf(b, datasets, batch.count, chosen);
  const names = Array.from({ length: batch.count }, (_, i) => `${chosen.path}[${i}]${labels ? ` (label ${labels[i]})` : ''}`);
  const index = entry === undefined ? 0 : names.indexOf(entry);
  if (index < 0) throw fail('unsupported', `${where}holds no cloud ${quote(entry!, 80)} (it holds ${names[0]} to ${names.at(-1)})`);
  const view = readRows(b, chosen, index, index + 1, where.trim());
  const parsed = inBatch(arrayCloud('hdf5', { shape: batch.cloudShape, fortran: false, dtype: chosen.dtype, view }, where), 'HDF5', chosen.shape, names, index);
  parsed.warnings.splice(1, 0, ...warnings);
  return parsed;
}

/** A batch's labels: a dataset named like labels with one integer per cloud (N or N x 1). */
function labelsOf(b: Bytes, datasets: readonly Dataset[], count: number, cloud: Dataset): number[] | null {
  const folder = cloud.path.slice(0, cloud.path.lastIndexOf('/') + 1);
  const candidates = datasets.filter((d) => LABEL_NAMES.includes(d.path.slice(d.path.lastIndexOf('/') + 1).toLowerCase()) && d.path.startsWith(folder));
  for (const d of candidates) {
    const values = d.shape.reduce((n, v) => n * v, 1);
    if (values !== count || !/[iu]/.test(d.dtype.text)) continue;
    try {
      const view = readRows(b, d, 0, d.shape[0] ?? 1, quote(d.path));
      return Array.from({ length: count }, (_, i) => d.dtype.read(view, i * d.dtype.size));
    } catch (error) {
      if (error instanceof LoadError) return null; // labels are a nicety: the clouds are read without
      throw error;
    }
  }
  return null;
}
