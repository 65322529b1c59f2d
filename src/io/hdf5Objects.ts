// HDF5's structures (hdf5.ts reads the file): the superblock, object headers and their messages
// (dataspace, datatype, layout, filter pipeline, groups' symbol tables and links), walked from the
// root group to every dataset. Written from the HDF5 file format specification (version 3.0).
import { formatCount } from './limits';
import { type Dtype, parseDtype } from './npy';
import { quote } from './text';
import { LoadError } from './types';

const FORMAT = 'hdf5';
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** At most this many objects are walked (a file of millions of groups is not a point cloud). */
export const MAX_OBJECTS = 100_000;

export const fail = (reason: 'malformed' | 'truncated' | 'unsupported', message: string): LoadError => new LoadError(FORMAT, reason, message);

/** A file too large to hold (over LIMITS.maxFileBytes), as the pages of it read so far
 * (hdf5.ts parseHdf5Sliced reads the ones a parse asks for and parses again). */
export class Pages {
  readonly held = new Map<number, Uint8Array>();
  constructor(
    readonly size: number,
    readonly pageBytes: number,
  ) {}
  /** The pages holding bytes [at, at + n) not read yet. */
  missing(at: number, n: number): number[] {
    const out: number[] = [];
    for (let p = Math.floor(at / this.pageBytes); n > 0 && p * this.pageBytes < at + n; p++) if (!this.held.has(p)) out.push(p);
    return out;
  }
  /** Bytes [at, at + n): a view of one page, or a copy of those it spans. */
  slice(at: number, n: number): Uint8Array {
    const missing = this.missing(at, n);
    if (missing.length > 0) throw new PagesNeeded(missing);
    const first = Math.floor(at / this.pageBytes);
    const from = at - first * this.pageBytes;
    const page = this.held.get(first);
    if (page === undefined || from + n <= page.length) return (page ?? new Uint8Array(0)).subarray(from, from + n);
    const out = new Uint8Array(n);
    for (let done = 0; done < n; ) {
      const p = Math.floor((at + done) / this.pageBytes);
      const part = this.held.get(p)!.subarray(at + done - p * this.pageBytes, at + n - p * this.pageBytes);
      out.set(part, done);
      done += part.length;
    }
    return out;
  }
}

/** Thrown by a parse over Pages that reached bytes not read yet. */
export class PagesNeeded extends Error {
  constructor(readonly pages: number[]) {
    super(`pages ${pages.join(', ')} of the file are not read yet`);
  }
}

/** Reads little-endian numbers of the file (held whole, or by Pages); addresses are relative to
 * the superblock's base. Reading past the end is a RangeError (parseHdf5 says the file is damaged). */
export class Bytes {
  readonly size: number;
  private readonly view: DataView | null;
  offsets = 8;
  lengths = 8;
  base = 0;
  constructor(private readonly source: Uint8Array | Pages) {
    this.size = source instanceof Pages ? source.size : source.length;
    this.view = source instanceof Pages ? null : new DataView(source.buffer, source.byteOffset, source.byteLength);
  }
  need(at: number, n: number, what: string): void {
    if (!(at >= 0 && at + n <= this.size)) {
      throw fail('truncated', `${what} at byte ${formatCount(at)} runs past the end of the file (${formatCount(this.size)} bytes): is it cut short?`);
    }
  }
  /** Bytes [at, at + n) of the file. */
  slice(at: number, n: number): Uint8Array {
    if (!(at >= 0 && n >= 0 && at + n <= this.size)) throw new RangeError(`bytes ${at} to ${at + n} lie outside the file's ${this.size}`);
    return this.source instanceof Pages ? this.source.slice(at, n) : this.source.subarray(at, at + n);
  }
  /** Asks, at once, for every page of these ranges not read yet (a file held whole has them all). */
  want(ranges: readonly { at: number; size: number }[]): void {
    if (!(this.source instanceof Pages)) return;
    const pages = new Set<number>();
    for (const r of ranges) if (r.at >= 0 && r.at + r.size <= this.size) for (const p of this.source.missing(r.at, r.size)) pages.add(p);
    if (pages.size > 0) throw new PagesNeeded([...pages].sort((x, y) => x - y));
  }
  private numbers(at: number, n: number): { view: DataView; at: number } {
    if (this.view !== null) return { view: this.view, at };
    const s = this.slice(at, n);
    return { view: new DataView(s.buffer, s.byteOffset, n), at: 0 };
  }
  u8 = (at: number): number => (this.view !== null ? this.view.getUint8(at) : this.slice(at, 1)[0]!);
  u16(at: number): number {
    const r = this.numbers(at, 2);
    return r.view.getUint16(r.at, true);
  }
  u32(at: number): number {
    const r = this.numbers(at, 4);
    return r.view.getUint32(r.at, true);
  }
  /** An unsigned integer of `size` bytes; NaN past 2^53. */
  uint(at: number, size: number): number {
    const r = this.numbers(at, size);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + r.view.getUint8(r.at + i);
    return Number.isSafeInteger(v) ? v : Number.NaN;
  }
  /** An address of the file (undefined for HDF5's "undefined address", all bits set). */
  address(at: number): number | undefined {
    const r = this.numbers(at, this.offsets);
    let undefinedAddress = true;
    for (let i = 0; i < this.offsets; i++) if (r.view.getUint8(r.at + i) !== 0xff) undefinedAddress = false;
    return undefinedAddress ? undefined : this.uint(at, this.offsets) + this.base;
  }
  length = (at: number): number => this.uint(at, this.lengths);
  signature(at: number, text: string, what: string): void {
    this.need(at, text.length, what);
    const s = this.slice(at, text.length);
    for (let i = 0; i < text.length; i++) {
      if (s[i] !== text.charCodeAt(i)) throw fail('malformed', `${what} at byte ${formatCount(at)} does not start with "${text}"`);
    }
  }
}

export interface Message {
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
  if (b.u8(at) === 0x4f) {
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
      const data = b.slice(dataAt, size);
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

export interface Dataset {
  path: string;
  shape: number[];
  dtype: Dtype;
  layout: Message;
  filters: Filter[];
}

export interface Filter {
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
      name = new TextDecoder().decode(b.slice(p, nameLength)).replace(/\0.*$/s, '');
      p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength;
    }
    b.need(p, nValues * 4, 'a filter pipeline');
    const values = Array.from({ length: nValues }, (_, k) => b.u32(p + 4 * k));
    p += nValues * 4 + (version === 1 && nValues % 2 === 1 ? 4 : 0);
    filters.push({ id, name, values });
  }
  return filters;
}

/** The objects of the file: every dataset, by path, groups walked from the root. */
export function walk(b: Bytes, root: number): { datasets: Dataset[]; skipped: string[] } {
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
    if (!(from < heapData + heapSize)) return '';
    const text = b.slice(from, heapData + heapSize - from);
    const end = text.indexOf(0);
    return new TextDecoder().decode(end < 0 ? text : text.subarray(0, end));
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
  const name = new TextDecoder().decode(b.slice(p, length));
  if (type === 0) child(name, b.address(p + length));
}

/** The superblock: where the root group's object header is. */
export function superblock(b: Bytes): number {
  let at = -1;
  for (let p = 0; p + 8 <= b.size; p = p === 0 ? 512 : p * 2) {
    const head = b.slice(p, 8);
    if (SIGNATURE.every((c, i) => head[i] === c)) {
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

