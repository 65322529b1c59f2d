// E57's binary layer (ASTM E2807): the 48-byte header, the pages (1,020 bytes of data and a CRC-32C
// each, which every page is checked against), and a compressed vector's data packets, whose
// bytestreams (one a field of the points' prototype) are read here as bit-packed integers or
// IEEE floats. Every offset and length is checked against the file before it is followed.
import { countOf, formatCount } from './limits';
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

/** The header from the file's first bytes (at least 48) and its size in bytes: the signature, the
 * version, the page size and the length checked. */
export function readHeader(head: Uint8Array, size: number): E57Header {
  if (head.length < 48 || String.fromCharCode(...head.subarray(0, 8)) !== 'ASTM-E57') throw malformed('the file does not start with "ASTM-E57" (every E57 file does)');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const major = view.getUint32(8, true);
  const minor = view.getUint32(12, true);
  if (major !== 1) throw new LoadError('e57', 'unsupported', `the file is E57 version ${major}.${minor}; version 1 is read`);
  const physicalLength = u64(view, 16, 'file length');
  const xmlPhysicalOffset = u64(view, 24, 'XML offset');
  const xmlLogicalLength = u64(view, 32, 'XML length');
  const pageSize = u64(view, 40, 'page size');
  if (pageSize !== PAGE) throw new LoadError('e57', 'unsupported', `the file's pages are ${formatCount(pageSize)} bytes; E57 files have ${PAGE}-byte pages`);
  if (physicalLength !== size) {
    throw new LoadError('e57', physicalLength > size ? 'truncated' : 'malformed', `the header says the file is ${formatCount(physicalLength)} bytes, but it has ${formatCount(size)}${physicalLength > size ? ': is it cut short?' : ''}`);
  }
  if (size % PAGE !== 0) throw malformed(`the file is ${formatCount(size)} bytes, not a whole number of ${PAGE}-byte pages`);
  return { major, minor, xmlPhysicalOffset, xmlLogicalLength };
}

/** The data of whole pages without their checksums, every page checked; `first` is the index of
 * the first page (for messages), `pages` the file's page count. */
export function pageData(physical: Uint8Array, first: number, pages: number): Uint8Array {
  const count = physical.length / PAGE;
  const out = new Uint8Array(count * PAGE_DATA);
  for (let k = 0; k < count; k++) {
    const at = k * PAGE;
    const data = physical.subarray(at, at + PAGE_DATA);
    const stored = ((physical[at + PAGE_DATA]! << 24) | (physical[at + PAGE_DATA + 1]! << 16) | (physical[at + PAGE_DATA + 2]! << 8) | physical[at + PAGE_DATA + 3]!) >>> 0;
    if (crc32c(data) !== stored) {
      const p = first + k;
      throw malformed(`page ${formatCount(p)} of ${formatCount(pages)} (bytes ${formatCount(p * PAGE)} to ${formatCount(p * PAGE + PAGE)}) does not match its checksum: the file is damaged`);
    }
    out.set(data, k * PAGE_DATA);
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

/** A compressed vector section's header: where its packets are, in logical offsets. */
export interface Section {
  /** The first data packet. */
  packets: number;
  /** The section's end. */
  end: number;
}

/** The section header at logical offset `start` (its 32 bytes in `header`). */
export function readSection(header: Uint8Array, start: number, logicalLength: number, what: string): Section {
  if (header.length < 32) throw new LoadError('e57', 'truncated', `${what}: the section header lies past the end of the file`);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header[0] !== 1) throw malformed(`${what}: the fileOffset does not point to a compressed vector section (its id is ${header[0]}, not 1)`);
  const length = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32;
  if (length < 32 || start + length > logicalLength) throw malformed(`${what}: the section is ${formatCount(length)} bytes long, which the file does not hold`);
  const dataPhysical = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  if (dataPhysical === 0) return { packets: start + length, end: start + length };
  const packets = toLogical(dataPhysical, `${what}: the first data packet`, logicalLength);
  if (packets < start + 32 || packets >= start + length) throw malformed(`${what}: the first data packet lies outside its section`);
  return { packets, end: start + length };
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

/** One field's values, decoded from its bytestream as the packets bring it piece by piece (a
 * value may begin in one packet and end in the next): every `step`-th of `count` records. */
export class FieldDecoder {
  readonly values: Float64Array;
  /** Records decoded (or passed over) so far. */
  private record = 0;
  /** Bytes of a value not yet complete, carried to the next piece, and the bit it starts at. */
  private carry = new Uint8Array();
  private bit = 0;

  constructor(
    private readonly coding: FieldCoding,
    private readonly count: number,
    private readonly step: number,
    private readonly what: string,
  ) {
    this.values = new Float64Array(Math.ceil(count / step));
    if (coding.kind === 'integer' && coding.bits === 0) {
      this.values.fill(coding.minimum);
      this.record = count;
    }
  }

  feed(piece: Uint8Array): void {
    if (this.record >= this.count || piece.length === 0) return;
    let bytes = piece;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + piece.length);
      bytes.set(this.carry);
      bytes.set(piece, this.carry.length);
    }
    const { coding, step, count } = this;
    const bits = coding.kind === 'float' ? coding.bytes * 8 : coding.bits;
    const available = bytes.length * 8;
    let p = this.bit;
    let r = this.record;
    if (coding.kind === 'float') {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (; r < count && p + bits <= available; r++, p += bits) {
        if (r % step === 0) this.values[r / step] = coding.bytes === 4 ? view.getFloat32(p / 8, true) : view.getFloat64(p / 8, true);
      }
    } else if (bits <= 32) {
      // Up to 32 bits starting anywhere in a byte lie within 5 bytes: exact as a double.
      for (; r < count && p + bits <= available; r++, p += bits) {
        if (r % step !== 0) continue;
        const b = Math.floor(p / 8);
        const window = bytes[b]! + (bytes[b + 1] ?? 0) * 0x100 + (bytes[b + 2] ?? 0) * 0x10000 + (bytes[b + 3] ?? 0) * 0x1000000 + (bytes[b + 4] ?? 0) * 0x100000000;
        this.values[r / step] = coding.minimum + (Math.floor(window / 2 ** (p % 8)) % 2 ** bits);
      }
    } else {
      const mask = (1n << BigInt(bits)) - 1n;
      for (; r < count && p + bits <= available; r++, p += bits) {
        if (r % step !== 0) continue;
        const b = Math.floor(p / 8);
        let window = 0n;
        for (let k = Math.ceil(((p % 8) + bits) / 8) - 1; k >= 0; k--) window = (window << 8n) | BigInt(bytes[b + k] ?? 0);
        this.values[r / step] = coding.minimum + Number((window >> BigInt(p % 8)) & mask);
      }
    }
    this.record = r;
    const whole = Math.floor(p / 8);
    this.carry = r < count ? bytes.slice(whole) : new Uint8Array();
    this.bit = p - whole * 8;
  }

  /** The values, once every record has come; a LoadError when the data ended first. */
  finish(): Float64Array {
    if (this.record < this.count) {
      throw new LoadError('e57', 'truncated', `${this.what}: its data ends after ${formatCount(this.record)} of ${formatCount(this.count)} values`);
    }
    return this.values;
  }
}

/** A compressed vector section's data packets, fed as logical bytes in order from its first
 * packet (in pieces of any size: a packet may span two), handing each wanted field's bytestream
 * to its decoder. Index and empty packets are passed over. */
export class PacketReader {
  private pending = new Uint8Array();
  /** Logical offset of the next byte fed. */
  private at: number;

  constructor(
    private readonly section: Section,
    private readonly fieldCount: number,
    private readonly decoders: ReadonlyMap<number, FieldDecoder>,
    private readonly what: string,
  ) {
    this.at = section.packets;
  }

  /** Bytes still to come. */
  get remaining(): number {
    return this.section.end - this.at;
  }

  feed(piece: Uint8Array): void {
    let bytes = piece.subarray(0, Math.min(piece.length, this.remaining));
    const start = this.at - this.pending.length;
    this.at += bytes.length;
    if (this.pending.length > 0) {
      const joined = new Uint8Array(this.pending.length + bytes.length);
      joined.set(this.pending);
      joined.set(bytes, this.pending.length);
      bytes = joined;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let k = 0;
    while (k + 4 <= bytes.length) {
      const length = view.getUint16(k + 2, true) + 1;
      if (start + k + length > this.section.end) throw malformed(`${this.what}: a packet of ${formatCount(length)} bytes at byte ${formatCount(start + k)} runs past its section`);
      if (k + length > bytes.length) break;
      this.packet(bytes.subarray(k, k + length), start + k);
      k += length;
    }
    this.pending = bytes.slice(k);
    if (this.remaining === 0 && this.pending.length > 0) throw malformed(`${this.what}: ${countOf(this.pending.length, 'byte')} at the end of the section are not a whole packet`);
  }

  private packet(p: Uint8Array, offset: number): void {
    const type = p[0]!;
    if (type === 0 || type === 2) return;
    if (type !== 1) throw malformed(`${this.what}: a packet of type ${type} at byte ${formatCount(offset)} (data packets are 1, index 0, empty 2)`);
    if (p.length < 6) throw malformed(`${this.what}: a data packet of ${p.length} bytes`);
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const streams = view.getUint16(4, true);
    if (streams !== this.fieldCount) throw malformed(`${this.what}: a data packet has ${streams} bytestreams; the prototype has ${this.fieldCount} fields`);
    let at = 6 + 2 * streams;
    if (at > p.length) throw malformed(`${this.what}: a data packet's ${streams} bytestream lengths run past the packet`);
    for (let i = 0; i < streams; i++) {
      const n = view.getUint16(6 + 2 * i, true);
      if (at + n > p.length) throw malformed(`${this.what}: a data packet's bytestreams are longer than the packet (${formatCount(p.length)} bytes)`);
      this.decoders.get(i)?.feed(p.subarray(at, at + n));
      at += n;
    }
  }
}
