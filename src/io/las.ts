// LAS (ASPRS LAS 1.0 to 1.4): the point format lidar scanners, phone-scanning apps (Polycam,
// SiteScape) and survey software export. A fixed header (signature "LASF", the version, where the
// points start, their record format and length, their count, and per axis a scale and an offset),
// then one fixed-length record a point whose first 12 bytes are x, y, z as int32:
// coordinate = integer * scale + offset, in doubles. Read here, byte by byte against the header.
//
// What a record holds beyond x, y, z depends on its format (0 to 10); used here: the "withheld"
// flag (the spec: such points are to be treated as deleted; they are left out, with a warning)
// and, for formats with colour, 16-bit R, G, B. LAZ (LASzip-compressed LAS) sets the top bit of
// the format byte: its records are decoded (laz.ts) into a plain LAS of the same header, read as
// any other. Bytes after the points (LAS 1.3 / 1.4 waveforms and extended records) are not read.
// A file of more than LIMITS.maxPoints points is read one point in k (a warning says so: aerial
// surveys hold hundreds of millions), and one over LIMITS.maxFileBytes a slice at a time
// (parseLasSliced; a LAZ file is decoded whole, read into the decoder's memory a slice at a time,
// up to LIMITS.maxLazBytes).
import { LAZ_BIT, type LazRecords, OLD_COMPRESSION_BIT, openLaz, openLazSliced } from './laz';
import { POINT_LIMIT_TEXT, SLICE_BYTES, countOf, formatCount, readOneInK, stepFor } from './limits';
import { FLOAT32_MAX } from './numbers';
import { Origin, storeShifted } from './origin';
import { LoadError, type Parsed, type ReadRange } from './types';

/** The header every LAS version has (1.0-1.2: 227 bytes; 1.3 adds 8, 1.4 another 140). */
const HEADER_MIN = 227;
/** Where LAS 1.4's 64-bit point count sits, and the header size that holds it. */
const COUNT64_AT = 247;
const HEADER_14 = 375;

/** The shortest record of each point format, 0 to 10 (a file may add extra bytes to each). */
const RECORD_MIN = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];

/** Where R, G, B sit in a record of the formats that have them. */
const RGB_AT: Readonly<Record<number, number>> = { 2: 20, 3: 28, 5: 28, 7: 30, 8: 30, 10: 30 };

/** The withheld flag: formats 0-5 keep it in bit 7 of byte 15 (the classification byte),
 * formats 6-10 in bit 2 of byte 15 (the classification flags). */
const withheldMask = (format: number): number => (format < 6 ? 0x80 : 0x04);

interface LasHeader {
  version: string;
  format: number;
  recordLength: number;
  pointsAt: number;
  count: number;
  scale: [number, number, number];
  offset: [number, number, number];
  /** LAZ: the records are LASzip-compressed. */
  compressed: boolean;
}

function readHeader(bytes: Uint8Array): LasHeader {
  if (bytes.length < 4 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'LASF') {
    throw new LoadError('las', 'malformed', 'the file does not start with "LASF" (every LAS file does)');
  }
  if (bytes.length < HEADER_MIN) {
    throw new LoadError('las', 'truncated', `the file has ${countOf(bytes.length, 'byte')}; a LAS header alone is ${HEADER_MIN}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[24]!;
  const minor = bytes[25]!;
  const version = `${major}.${minor}`;
  if (major !== 1 || minor > 4) throw new LoadError('las', 'unsupported', `version ${version}; LAS 1.0 to 1.4 are read`);
  const headerSize = view.getUint16(94, true);
  const pointsAt = view.getUint32(96, true);
  const formatByte = bytes[104]!;
  const recordLength = view.getUint16(105, true);
  if (headerSize < HEADER_MIN) throw new LoadError('las', 'malformed', `the header declares its own size as ${headerSize} bytes; a LAS header is at least ${HEADER_MIN}`);
  if (pointsAt < headerSize) throw new LoadError('las', 'malformed', `the points are said to start at byte ${formatCount(pointsAt)}, inside the ${headerSize}-byte header`);
  if ((formatByte & OLD_COMPRESSION_BIT) !== 0) {
    throw new LoadError(
      'las',
      'unsupported',
      `point format byte ${formatByte}: bit 6 marks an old-style compression that is not read; recompress the file with a current laszip (\`laszip -i old.laz -o scan.laz\`) or export plain LAS`,
    );
  }
  const compressed = (formatByte & LAZ_BIT) !== 0;
  const format = formatByte & ~LAZ_BIT;
  if (format >= RECORD_MIN.length) throw new LoadError('las', 'unsupported', `point format ${format}; LAS defines formats 0 to 10`);
  if (recordLength < RECORD_MIN[format]!) {
    throw new LoadError('las', 'malformed', `point format ${format} needs at least ${RECORD_MIN[format]} bytes a point, but the header declares ${recordLength}`);
  }
  let count = view.getUint32(107, true);
  if (minor >= 4 && headerSize >= HEADER_14) {
    const count64 = view.getBigUint64(COUNT64_AT, true);
    if (count64 > BigInt(Number.MAX_SAFE_INTEGER)) throw new LoadError('las', 'too-large', `header declares ${count64} points; ${POINT_LIMIT_TEXT}`);
    if (count64 > 0n) count = Number(count64);
  }
  const numbers = (at: number): [number, number, number] => [view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true)];
  const scale = numbers(131);
  const offset = numbers(155);
  scale.forEach((s, a) => {
    if (!Number.isFinite(s) || s === 0) throw new LoadError('las', 'malformed', `the ${'xyz'[a]} scale factor is ${s}; coordinates are integer x scale + offset`);
  });
  offset.forEach((o, a) => {
    if (!Number.isFinite(o)) throw new LoadError('las', 'malformed', `the ${'xyz'[a]} offset is ${o}`);
  });
  return { version, format, recordLength, pointsAt, count, scale, offset, compressed };
}

/** 16-bit colours, or 8-bit values written into 16-bit fields (as many programs do), to 0..1;
 * undefined when every colour is black (a format with colour fields the writer left at zero). */
function colorsOf(view: DataView, header: LasHeader, records: Uint32Array): Float32Array | undefined {
  const at = RGB_AT[header.format];
  if (at === undefined) return undefined;
  const colors = new Float32Array(records.length * 3);
  let max = 0;
  for (let i = 0; i < records.length; i++) {
    const base = header.pointsAt + records[i]! * header.recordLength + at;
    for (let c = 0; c < 3; c++) {
      const v = view.getUint16(base + 2 * c, true);
      colors[3 * i + c] = v;
      if (v > max) max = v;
    }
  }
  if (max === 0) return undefined;
  const full = max > 255 ? 65535 : 255;
  for (let i = 0; i < colors.length; i++) colors[i]! /= full;
  return colors;
}

/** integer x scale + offset can land beyond what float32 holds (a scale of 1e35, say). */
function outOfRange(point: number, xyz: number[]): LoadError {
  const a = xyz.findIndex((v) => !(Math.abs(v) <= FLOAT32_MAX));
  return new LoadError('las', 'float-range', `point ${point}: ${'xyz'[a]} = ${xyz[a]} is out of float32 range (largest magnitude 3.4028235e38)`);
}

/** The file holds `count` points from `pointsAt` on, records of `recordLength` bytes, in `size` bytes. */
function checkLength(count: number, pointsAt: number, recordLength: number, size: number): void {
  const needed = pointsAt + count * recordLength;
  if (needed > size) {
    const whole = Math.max(0, Math.floor((size - pointsAt) / recordLength));
    throw new LoadError('las', 'truncated', `header declares ${formatCount(count)} points but the file ends after ${formatCount(whole)} (${formatCount(size)} of ${formatCount(needed)} bytes)`);
  }
}

export function parseLas(bytes: Uint8Array): Parsed {
  const header = readHeader(bytes);
  const { count, recordLength, pointsAt } = header;
  if (count === 0) throw new LoadError('las', 'empty', `the header (LAS ${header.version}) declares no points`);
  if (header.compressed) return readLaz(openLaz(bytes), header, bytes);
  checkLength(count, pointsAt, recordLength, bytes.length);
  const step = stepFor(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const withheld = withheldMask(header.format);
  const all = new Uint32Array(Math.ceil(count / step));
  let kept = 0;
  for (let i = 0; i < count; i += step) if ((bytes[pointsAt + i * recordLength + 15]! & withheld) === 0) all[kept++] = i;
  const records = all.subarray(0, kept);
  if (kept === 0) throw new LoadError('las', 'empty', `all ${formatCount(all.length)} points ${step > 1 ? 'read ' : ''}are flagged withheld (deleted)`);

  const origin = new Origin();
  const positions = new Float32Array(records.length * 3);
  const [sx, sy, sz] = header.scale;
  const [ox, oy, oz] = header.offset;
  for (let i = 0; i < records.length; i++) {
    const base = pointsAt + records[i]! * recordLength;
    const x = view.getInt32(base, true) * sx + ox;
    const y = view.getInt32(base + 4, true) * sy + oy;
    const z = view.getInt32(base + 8, true) * sz + oz;
    if (!(Math.abs(x) <= FLOAT32_MAX && Math.abs(y) <= FLOAT32_MAX && Math.abs(z) <= FLOAT32_MAX)) throw outOfRange(records[i]!, [x, y, z]);
    storeShifted(origin, positions, i, x, y, z);
  }
  const warnings: string[] = [];
  if (step > 1) warnings.push(readOneInK(count, step));
  const dropped = all.length - records.length;
  if (dropped > 0) warnings.push(`${countOf(dropped, 'point')} of ${formatCount(all.length)}${step > 1 ? ' read' : ''} flagged withheld (deleted, by the LAS spec) ${dropped === 1 ? 'was' : 'were'} left out`);
  return {
    kind: 'points',
    cloud: { positions, colors: colorsOf(view, header, records), count: records.length },
    fileVertexCount: count,
    warnings,
    offset: origin.offset,
  };
}

/** A plain LAS file of `n` records with the header and VLRs of `head` (its bytes up to the points),
 * its records left to fill: the copy declares the points it holds, in both counts LAS 1.4 has, and
 * its format byte says uncompressed. */
function plainCopy(head: Uint8Array, header: LasHeader, n: number): Uint8Array {
  const { pointsAt, recordLength } = header;
  if (n > 0xffffffff) throw new LoadError('las', 'too-large', `header declares ${formatCount(header.count)} points`);
  const small = new Uint8Array(pointsAt + n * recordLength);
  small.set(head.subarray(0, pointsAt));
  small[104] = header.format;
  const view = new DataView(small.buffer);
  view.setUint32(107, n, true);
  if (header.version === '1.4' && view.getUint16(94, true) >= HEADER_14) view.setBigUint64(COUNT64_AT, BigInt(n), true);
  return small;
}

/** A LAZ file: its records decoded in order, every step-th copied into a plain LAS (with the
 * header and VLRs of `head`, the file's first bytes) that parseLas reads. The decoder's count and
 * record length must be the header's. */
function readLaz(laz: LazRecords, header: LasHeader, head: Uint8Array): Parsed {
  try {
    const { count, recordLength } = header;
    if (laz.count !== count || laz.recordLength !== recordLength) {
      throw new LoadError('las', 'malformed', `the header declares ${formatCount(count)} points of ${recordLength} bytes, the LASzip data ${formatCount(laz.count)} of ${laz.recordLength}`);
    }
    const step = stepFor(count);
    const n = Math.ceil(count / step);
    const small = plainCopy(head, header, n);
    let out = header.pointsAt;
    for (let i = 0; i < count; i++) {
      const record = laz.next();
      if (i % step === 0) {
        small.set(record, out);
        out += recordLength;
      }
    }
    const parsed = parseLas(small);
    if (step > 1) parsed.warnings.unshift(readOneInK(count, step));
    return { ...parsed, fileVertexCount: count };
  } finally {
    laz.close();
  }
}

/** Reads a LAS file too large to hold (over LIMITS.maxFileBytes) a slice at a time: every step-th
 * record is copied into a LAS of the same header that parseLas then reads as any other. */
export async function parseLasSliced(size: number, read: ReadRange, onRead?: (loaded: number) => void, sliceBytes = SLICE_BYTES): Promise<Parsed> {
  const head = await read(0, Math.min(size, HEADER_14));
  const header = readHeader(head);
  const { count, recordLength, pointsAt } = header;
  if (count === 0) throw new LoadError('las', 'empty', `the header (LAS ${header.version}) declares no points`);
  if (header.compressed) {
    const vlrs = await read(0, Math.min(size, pointsAt + 8));
    return readLaz(await openLazSliced(vlrs, size, read, onRead, sliceBytes), header, vlrs);
  }
  checkLength(count, pointsAt, recordLength, size);
  const step = stepFor(count);
  const n = Math.ceil(count / step);
  const small = plainCopy(await read(0, pointsAt), header, n);
  const perSlice = Math.max(1, Math.floor(sliceBytes / (recordLength * step))) * step;
  let out = pointsAt;
  for (let first = 0; first < count; first += perSlice) {
    const records = Math.min(perSlice, count - first);
    const start = pointsAt + first * recordLength;
    const slice = await read(start, start + records * recordLength);
    if (slice.length < records * recordLength) throw new LoadError('las', 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
    for (let r = 0; r < records; r += step) {
      small.set(slice.subarray(r * recordLength, (r + 1) * recordLength), out);
      out += recordLength;
    }
    onRead?.(start + records * recordLength);
  }
  const parsed = parseLas(small);
  if (step > 1) parsed.warnings.unshift(readOneInK(count, step));
  return { ...parsed, fileVertexCount: count };
}
