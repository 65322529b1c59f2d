// E57's binary layer (ASTM E2807): the 48-byte header, the pages (1,020 bytes of data and a CRC-32C
// each, which every page is checked against), and a compressed vector's data packets, whose
// bytestreams (one a field of the points' prototype) are read here as bit-packed integers or
// IEEE floats. Every offset and length is checked against the file before it is followed.
import { formatCount } from './limits';
import { LoadError } from './types';

export const PAGE = 1024;
export const PAGE_DATA = 1020;

export interface E57Header {
  major: number;
  minor: number;
  xmlPhysicalOffset: number;
  xmlLogicalLength: number;
}

function malformed(detail: string): LoadError {
  return new LoadError('e57', 'malformed', detail);
}

const CRC32C = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli) of `bytes`, as E57 pages carry it. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A u64 as a number, refused past 2^53 (no file this size exists). */
function u64(view: DataView, at: number, what: string): number {
  const value = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw malformed(`the header's ${what} is ${value}, past any file's size`);
  return value;
}

/** The header, after checking the signature, the version, the page size and the length. */
export function readHeader(bytes: Uint8Array): E57Header {
  if (bytes.length < 48 || String.fromCharCode(...bytes.subarray(0, 8)) !== 'ASTM-E57') throw malformed('the file does not start with "ASTM-E57" (every E57 file does)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint32(8, true);
  const minor = view.getUint32(12, true);
  if (major !== 1) throw new LoadError('e57', 'unsupported', `the file is E57 version ${major}.${minor}; version 1 is read`);
  const physicalLength = u64(view, 16, 'file length');
  const xmlPhysicalOffset = u64(view, 24, 'XML offset');
  const xmlLogicalLength = u64(view, 32, 'XML length');
  const pageSize = u64(view, 40, 'page size');
  if (pageSize !== PAGE) throw new LoadError('e57', 'unsupported', `the file's pages are ${formatCount(pageSize)} bytes; E57 files have ${PAGE}-byte pages`);
  if (physicalLength !== bytes.length) {
    throw new LoadError('e57', physicalLength > bytes.length ? 'truncated' : 'malformed', `the header says the file is ${formatCount(physicalLength)} bytes, but it has ${formatCount(bytes.length)}${physicalLength > bytes.length ? ': is it cut short?' : ''}`);
  }
  if (bytes.length % PAGE !== 0) throw malformed(`the file is ${formatCount(bytes.length)} bytes, not a whole number of ${PAGE}-byte pages`);
  return { major, minor, xmlPhysicalOffset, xmlLogicalLength };
}

/** The file's data without the pages' checksums (logical offsets index it), every page checked. */
export function logicalBytes(bytes: Uint8Array): Uint8Array {
  const pages = bytes.length / PAGE;
  const out = new Uint8Array(pages * PAGE_DATA);
  for (let p = 0; p < pages; p++) {
    const data = bytes.subarray(p * PAGE, p * PAGE + PAGE_DATA);
    const stored = ((bytes[p * PAGE + PAGE_DATA]! << 24) | (bytes[p * PAGE + PAGE_DATA + 1]! << 16) | (bytes[p * PAGE + PAGE_DATA + 2]! << 8) | bytes[p * PAGE + PAGE_DATA + 3]!) >>> 0;
    if (crc32c(data) !== stored) throw malformed(`page ${formatCount(p)} of ${formatCount(pages)} (bytes ${formatCount(p * PAGE)} to ${formatCount(p * PAGE + PAGE)}) does not match its checksum: the file is damaged`);
    out.set(data, p * PAGE_DATA);
  }
  return out;
}

/** A physical offset (as the header and the XML give them) as a logical one. */
export function toLogical(physical: number, what: string, logicalLength: number): number {
  if (physical % PAGE >= PAGE_DATA) throw malformed(`${what} (${formatCount(physical)}) points into a page's checksum`);
  const logical = Math.floor(physical / PAGE) * PAGE_DATA + (physical % PAGE);
  if (logical >= logicalLength) throw malformed(`${what} (${formatCount(physical)}) lies past the end of the file`);
  return logical;
}

/** How one field of a compressed vector's records is stored. */
export type FieldCoding =
  | { kind: 'float'; bytes: 4 | 8 }
  /** Integers and scaled integers: `bits` per value, each value = minimum + packed. */
  | { kind: 'integer'; bits: number; minimum: number };

/** Bits a value of an integer field in [minimum, maximum] is packed in. */
export function bitsFor(minimum: number, maximum: number): number {
  let bits = 0;
  while (2 ** bits < maximum - minimum + 1) bits++;
  return bits;
}

/** The bytestreams of the fields `wanted` (by their index in the prototype), each the concatenation
 * of its buffers in every data packet of the compressed vector section at `physicalOffset`. */
export function bytestreams(logical: Uint8Array, physicalOffset: number, fieldCount: number, wanted: readonly number[], what: string): Uint8Array[] {
  const view = new DataView(logical.buffer, logical.byteOffset, logical.byteLength);
  const start = toLogical(physicalOffset, `${what}: the fileOffset`, logical.length);
  if (start + 32 > logical.length) throw new LoadError('e57', 'truncated', `${what}: the section header lies past the end of the file`);
  if (logical[start] !== 1) throw malformed(`${what}: the fileOffset does not point to a compressed vector section (its id is ${logical[start]}, not 1)`);
  const sectionLength = view.getUint32(start + 8, true) + view.getUint32(start + 12, true) * 2 ** 32;
  if (sectionLength < 32 || start + sectionLength > logical.length) throw malformed(`${what}: the section is ${formatCount(sectionLength)} bytes long, which the file does not hold`);
  const dataPhysical = view.getUint32(start + 16, true) + view.getUint32(start + 20, true) * 2 ** 32;
  const end = start + sectionLength;
  const parts: Uint8Array[][] = wanted.map(() => []);
  if (dataPhysical === 0) return parts.map(() => new Uint8Array());
  let at = toLogical(dataPhysical, `${what}: the first data packet`, logical.length);
  if (at < start + 32 || at >= end) throw malformed(`${what}: the first data packet lies outside its section`);
  while (at < end) {
    if (at + 4 > end) throw malformed(`${what}: a packet header at byte ${formatCount(at)} runs past its section`);
    const type = logical[at]!;
    const length = view.getUint16(at + 2, true) + 1;
    if (at + length > end) throw malformed(`${what}: a packet of ${formatCount(length)} bytes at byte ${formatCount(at)} runs past its section`);
    if (type === 1) {
      if (length < 6) throw malformed(`${what}: a data packet of ${length} bytes`);
      const streams = view.getUint16(at + 4, true);
      if (streams !== fieldCount) throw malformed(`${what}: a data packet has ${streams} bytestreams; the prototype has ${fieldCount} fields`);
      let offset = at + 6 + 2 * streams;
      const lengths = Array.from({ length: streams }, (_, i) => view.getUint16(at + 6 + 2 * i, true));
      const spans = lengths.map((n) => {
        const span = [offset, offset + n] as const;
        offset += n;
        return span;
      });
      if (offset > at + length) throw malformed(`${what}: a data packet's bytestreams (${formatCount(offset - at)} bytes) are longer than the packet (${formatCount(length)})`);
      wanted.forEach((field, k) => parts[k]!.push(logical.subarray(spans[field]![0], spans[field]![1])));
    } else if (type !== 0 && type !== 2) {
      throw malformed(`${what}: a packet of type ${type} (data packets are 1, index 0, empty 2)`);
    }
    at += length;
  }
  return parts.map((list) => {
    const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
    let k = 0;
    for (const p of list) {
      out.set(p, k);
      k += p.length;
    }
    return out;
  });
}

/** Every `step`-th of a field's `count` values (records 0, step, 2 step, ...) from its bytestream. */
export function unpack(stream: Uint8Array, coding: FieldCoding, count: number, step: number, what: string): Float64Array {
  const out = new Float64Array(Math.ceil(count / step));
  const short = (need: number): LoadError => new LoadError('e57', 'truncated', `${what}: its data holds ${formatCount(stream.length)} bytes; ${formatCount(count)} values need ${formatCount(need)}`);
  if (coding.kind === 'float') {
    if (stream.length < count * coding.bytes) throw short(count * coding.bytes);
    const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
    for (let i = 0, r = 0; r < count; i++, r += step) out[i] = coding.bytes === 4 ? view.getFloat32(4 * r, true) : view.getFloat64(8 * r, true);
    return out;
  }
  const { bits, minimum } = coding;
  if (stream.length * 8 < count * bits) throw short(Math.ceil((count * bits) / 8));
  if (bits === 0) return out.fill(minimum);
  if (bits <= 32) {
    // Up to 32 bits starting anywhere in a byte lie within 5 bytes: exact as a double.
    for (let i = 0, r = 0; r < count; i++, r += step) {
      const p = r * bits;
      const b = Math.floor(p / 8);
      const window = stream[b]! + (stream[b + 1] ?? 0) * 0x100 + (stream[b + 2] ?? 0) * 0x10000 + (stream[b + 3] ?? 0) * 0x1000000 + (stream[b + 4] ?? 0) * 0x100000000;
      out[i] = minimum + (Math.floor(window / 2 ** (p % 8)) % 2 ** bits);
    }
    return out;
  }
  const mask = (1n << BigInt(bits)) - 1n;
  for (let i = 0, r = 0; r < count; i++, r += step) {
    const p = r * bits;
    const b = Math.floor(p / 8);
    let window = 0n;
    for (let k = Math.ceil(((p % 8) + bits) / 8) - 1; k >= 0; k--) window = (window << 8n) | BigInt(stream[b + k] ?? 0);
    out[i] = minimum + Number((window >> BigInt(p % 8)) & mask);
  }
  return out;
}
