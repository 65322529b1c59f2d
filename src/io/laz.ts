// LAZ: a LAS file whose points LASzip compressed (the format aerial and terrestrial lidar is
// published in: national surveys, OpenTopography, most scanners' exports). The points are decoded
// by npm's laz-perf (Apache-2.0: LASzip's coder compiled to WebAssembly; every point format, 0 to
// 10), loaded only when a file needs it (`lazReady`, awaited through loadersReady(bytes) before
// loadFile), as draco.ts loads its decoder. Once loaded, decoding is synchronous: las.ts asks for
// the records one after another (`openLaz`) and reads them as a plain LAS file's.
// In a browser the wasm comes from the app's own origin, checked against the sha256 the build
// recorded (lazWasm.ts); in Node (the CLI, the tests) the module reads it beside itself.
import { startsWith } from './content';
import { isNode, lazyModule } from './lazyModule';
import { LIMITS, SLICE_BYTES, formatBytes, formatCount } from './limits';
import { LoadError, type ReadRange } from './types';

/** The parts of laz-perf's module this reader uses. */
interface LazPerfModule {
  LASZip: new () => LasZipReader;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}
interface LasZipReader {
  open(pointer: number, length: number): void;
  getPoint(pointer: number): void;
  getCount(): number;
  getPointLength(): number;
  getPointFormat(): number;
  delete(): void;
}

const decoderModule = lazyModule(async () => {
  const { default: create } = (await import('laz-perf/lib/laz-perf.js')) as unknown as { default: (options: object) => Promise<LazPerfModule> };
  const wasmBinary = isNode ? undefined : await (await import('./lazWasm')).fetchLazWasm();
  return create(wasmBinary ? { wasmBinary } : {});
});

/** Loads the decoder once; settles (never rejects) when it can be used or is known not to work. */
export const lazReady = decoderModule.ready;

/** The LAS point format byte's top bit: LASzip-compressed points. */
export const LAZ_BIT = 0x80;
/** Its next bit: an old-style compression, which laz-perf does not read. */
export const OLD_COMPRESSION_BIT = 0x40;

/** Whether a file's bytes are LAS with LASzip-compressed points. */
export function isLaz(bytes: Uint8Array): boolean {
  return startsWith(bytes, 'LASF') && bytes.length > 104 && (bytes[104]! & (LAZ_BIT | OLD_COMPRESSION_BIT)) === LAZ_BIT;
}

/** The records of a LAZ file, decoded one after another. */
export interface LazRecords {
  count: number;
  recordLength: number;
  format: number;
  /** The next record's bytes (valid until the next call). */
  next(): Uint8Array;
  close(): void;
}

/** What laz-perf threw, as text. Its C++ exceptions reach JavaScript without their message (the
 * build does not catch them), so checkLaz finds what it can first and says so in words. */
function describe(error: unknown): string {
  if (error instanceof Error && error.message && !/exception/i.test(error.message)) return error.message;
  return 'the decoder stopped on damaged data';
}

/** The LASzip item types, by LASzip's numbering: extra bytes (0), point 1.0 (6), GPS time (7),
 * RGB (8), wave packet (9), point 1.4 (10), RGB 1.4 (11), RGB + NIR (12), wave packet 1.4 (13),
 * extra bytes 1.4 (14). */
const ITEM_TYPES: ReadonlySet<number> = new Set([0, 6, 7, 8, 9, 10, 11, 12, 13, 14]);

/** Checks what laz-perf would refuse without saying why: the LASzip VLR (how the points were
 * compressed) and the chunk table's place. `head` is the file's first bytes up to 8 past the points'
 * start (where the chunk table's offset is), `size` the file's. */
export function checkLaz(head: Uint8Array, size: number): void {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerSize = view.getUint16(94, true);
  const pointsAt = view.getUint32(96, true);
  const vlrCount = view.getUint32(100, true);
  const vlrsEnd = Math.min(pointsAt, head.length);
  let at = headerSize;
  let laszip: DataView | null = null;
  for (let i = 0; i < vlrCount && at + 54 <= vlrsEnd; i++) {
    const length = view.getUint16(at + 20, true);
    const user = String.fromCharCode(...head.subarray(at + 2, at + 18)).replace(/\0.*$/s, '');
    if (user === 'laszip encoded' && view.getUint16(at + 18, true) === 22204 && at + 54 + length <= vlrsEnd) laszip = new DataView(head.buffer, head.byteOffset + at + 54, length);
    at += 54 + length;
  }
  if (!laszip || laszip.byteLength < 34) {
    throw new LoadError('las', 'malformed', 'the points are marked LAZ-compressed, but the file has no LASzip record (the "laszip encoded" VLR) saying how');
  }
  const compressor = laszip.getUint16(0, true);
  if (compressor !== 2 && compressor !== 3) {
    throw new LoadError('las', 'unsupported', `LASzip compressor ${compressor} (${compressor === 1 ? 'point-wise, without chunks: LASzip 1.x' : 'unknown'}); files written by LASzip 2 or later are read: recompress it with a current laszip`);
  }
  const items = laszip.getUint16(32, true);
  for (let i = 0; i < items && 34 + 6 * i + 6 <= laszip.byteLength; i++) {
    const type = laszip.getUint16(34 + 6 * i, true);
    if (!ITEM_TYPES.has(type)) throw new LoadError('las', 'unsupported', `LASzip item type ${type} is not one LASzip defines`);
  }
  if (head.length < pointsAt + 8) {
    throw new LoadError('las', 'truncated', `the file ends at byte ${formatCount(head.length)}, before its compressed points (at byte ${formatCount(pointsAt)})`);
  }
  const table = view.getBigInt64(pointsAt, true);
  if (table === -1n) throw new LoadError('las', 'unsupported', 'the LAZ file was written as a stream and never given its chunk table (its offset is -1); rewrite it with laszip');
  if (table < BigInt(pointsAt + 8) || table + 8n > BigInt(size)) {
    throw new LoadError('las', 'truncated', `the chunk table (the index of the compressed points) is said to start at byte ${formatCount(Number(table))}, but the file has ${formatCount(size)} bytes: it is cut short or damaged`);
  }
}

/** A LoadError for a file laz-perf refused or failed on, after `close`; the module is dropped (an
 * aborted Emscripten module stays aborted) and loaded afresh for the next file. */
function refusal(error: unknown, close: () => void): LoadError {
  try {
    close();
  } catch {
    // the module aborted; it is dropped below
  }
  decoderModule.drop();
  return error instanceof LoadError ? error : new LoadError('las', 'malformed', `the LAZ (LASzip) data could not be decoded: ${describe(error)}`);
}

function decoder(): LazPerfModule {
  const laz = decoderModule.get();
  if (laz) return laz;
  throw new LoadError('las', 'unsupported', `the points are LAZ-compressed (LASzip), and the LAZ decoder could not be loaded here: ${decoderModule.why()}`);
}

/** `size` bytes of the decoder's memory for a file; a LoadError when it cannot hold them. */
function allocate(laz: LazPerfModule, size: number): number {
  const at = size <= LIMITS.maxLazBytes ? laz._malloc(size) : 0;
  if (!at) throw new LoadError('las', 'too-large', `the LAZ decoder could not hold the file's ${formatCount(size)} bytes (LAZ files are read whole, up to ${formatBytes(LIMITS.maxLazBytes)}: decompress it to plain LAS, which is read a slice at a time, or split it into tiles)`);
  return at;
}

/** Opens the compressed points of `bytes` (a whole LAZ file) for reading in order. */
export function openLaz(bytes: Uint8Array): LazRecords {
  checkLaz(bytes, bytes.length);
  const laz = decoder();
  const file = allocate(laz, bytes.length);
  laz.HEAPU8.set(bytes, file);
  return openAt(laz, file, bytes.length);
}

/** openLaz for a file too large for one read (over LIMITS.maxFileBytes): read a slice at a time
 * straight into the decoder's memory, so that the file is held once. `head` is its bytes up to 8
 * past the points' start. */
export async function openLazSliced(head: Uint8Array, size: number, read: ReadRange, onRead?: (loaded: number) => void, sliceBytes = SLICE_BYTES): Promise<LazRecords> {
  checkLaz(head, size);
  const laz = decoder();
  const file = allocate(laz, size);
  try {
    for (let start = 0; start < size; start += sliceBytes) {
      const end = Math.min(size, start + sliceBytes);
      const slice = await read(start, end);
      if (slice.length < end - start) throw new LoadError('las', 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
      laz.HEAPU8.set(slice, file + start); // HEAPU8 afresh: memory may have grown since the last slice
      onRead?.(end);
    }
  } catch (error) {
    laz._free(file);
    throw error;
  }
  return openAt(laz, file, size);
}

/** Files above this leave the decoder dropped once read: its memory grew to hold them and an
 * Emscripten module's memory never shrinks, so the next LAZ file loads a fresh one. */
const KEEP_DECODER_BELOW = 64 * 1024 * 1024;

/** Opens the LAZ file at `file` in the decoder's memory; the records' reader frees it on close. */
function openAt(laz: LazPerfModule, file: number, size: number): LazRecords {
  let point = 0;
  let reader: LasZipReader | null = null;
  let held = file;
  const close = (): void => {
    reader?.delete();
    reader = null;
    if (point) laz._free(point);
    if (held) laz._free(held);
    point = held = 0;
    if (size >= KEEP_DECODER_BELOW && decoderModule.get() === laz) decoderModule.drop();
  };
  try {
    reader = new laz.LASZip();
    reader.open(file, size);
    const recordLength = reader.getPointLength();
    point = laz._malloc(recordLength);
    const open = reader;
    return {
      count: open.getCount(),
      recordLength,
      format: open.getPointFormat(),
      next: () => {
        try {
          open.getPoint(point);
        } catch (error) {
          throw refusal(error, close);
        }
        return laz.HEAPU8.subarray(point, point + recordLength);
      },
      close,
    };
  } catch (error) {
    throw refusal(error, close);
  }
}
