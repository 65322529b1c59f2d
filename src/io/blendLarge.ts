// Blender files over LIMITS.maxFileBytes (largeFile.ts), as a scene grows with the textures,
// sounds and fonts packed into it: read by parts. The block headers are walked through windows of
// the file (WINDOW_BYTES, read where the next header lies, so a large block's bytes are stepped
// over); every block that holds structs, and every small one, is kept; the packed files (each a
// PackedFile struct's `data`) are found from those and passed over, and the other large blocks (a
// mesh's arrays) read. The blocks kept make a .blend of their own, which parseBlend reads as any
// other: blocks are found by the address they had in Blender, not by where they lie in the file.
import { parseBlend } from './blend';
import { type Block, BlendFile, blendHeader, blockAt } from './blendFile';
import { compressionOf } from './compressed';
import { LIMITS, countOf, formatBytes, formatCount } from './limits';
import { LoadError, type Parsed, type ReadRange } from './types';

/** Bytes read at a time while walking the headers (4 MiB). */
export const WINDOW_BYTES = 4 * 1024 * 1024;
/** Blocks of raw bytes up to this size are kept as they are met (1 MiB). */
const SMALL_BYTES = 1024 * 1024;

interface Entry {
  block: Block;
  /** The block's header as the file has it, then its bytes once read. */
  head: Uint8Array;
  data?: Uint8Array;
}

/** Bytes [from, to) of the file, all of them or a refusal saying where the file ended. */
async function readAll(read: ReadRange, from: number, to: number, size: number): Promise<Uint8Array> {
  const bytes = await read(from, to);
  if (bytes.length < to - from) throw new LoadError('blend', 'truncated', `the file could be read only to byte ${formatCount(from + bytes.length)} of ${formatCount(size)}`);
  return bytes;
}

/** A .blend of the file's header and the entries given, ended by ENDB. */
function assemble(header: Uint8Array, entries: Entry[], headSize: number): Uint8Array {
  const out = new Uint8Array(header.length + entries.reduce((n, e) => n + e.head.length + e.data!.length, 0) + headSize);
  out.set(header);
  let at = header.length;
  for (const e of entries) {
    out.set(e.head, at);
    out.set(e.data!, at + e.head.length);
    at += e.head.length + e.data!.length;
  }
  out.set(new TextEncoder().encode('ENDB'), at);
  return out;
}

export async function parseBlendSliced(size: number, read: ReadRange): Promise<Parsed> {
  const first = await readAll(read, 0, Math.min(size, 64), size);
  if (compressionOf(first) !== null) {
    throw new LoadError('blend', 'too-large', `the file is saved compressed and is ${formatBytes(size)}: a compressed file over ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes) is not unpacked; save it in Blender with Compress off (File > Save As), and it is read by parts`);
  }
  const header = blendHeader(first);
  const headSize = header.blockHeadBytes;
  const entries: Entry[] = [];
  let window = { base: 0, bytes: first, view: new DataView(first.buffer, first.byteOffset, first.byteLength) };
  for (let at = header.headerBytes; ; ) {
    if (at + headSize > window.base + window.bytes.length && at + headSize <= size) {
      const bytes = await readAll(read, at, Math.min(size, at + WINDOW_BYTES), size);
      window = { base: at, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    const block = blockAt(window.view, at, headSize, size, window.base);
    if (block === null) break;
    const local = block.start - window.base;
    const entry: Entry = { block, head: window.bytes.slice(local - headSize, local) };
    const inWindow = block.start + block.length <= window.base + window.bytes.length;
    if (inWindow && (block.sdna !== 0 || block.length <= SMALL_BYTES)) entry.data = window.bytes.slice(local, local + block.length);
    entries.push(entry);
    at = block.start + block.length;
  }
  let kept = entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);
  const fetch = async (e: Entry): Promise<void> => {
    kept += e.block.length;
    if (kept > LIMITS.maxFileBytes) {
      throw new LoadError('blend', 'too-large', `its scene and meshes take more than ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes) of the file's ${formatBytes(size)}, its packed files left aside; export the model from Blender (File > Export > glTF)`);
    }
    e.data = await readAll(read, e.block.start, e.block.start + e.block.length, size);
  };
  // The structs first (with the DNA): they say which raw blocks are packed files.
  for (const e of entries) if (e.data === undefined && (e.block.sdna !== 0 || e.block.code === 'DNA1')) await fetch(e);
  const structs = new BlendFile(assemble(first.subarray(0, header.headerBytes), entries.filter((e) => e.data !== undefined), headSize));
  const packed = new Set(structs.blocks.filter((b) => structs.structName(b) === 'PackedFile').flatMap((b) => structs.items(b).map((p) => p.pointer('data'))));
  for (const e of entries) if (e.data === undefined && !packed.has(e.block.address)) await fetch(e);
  const passed = entries.filter((e) => packed.has(e.block.address));
  const parsed = parseBlend(assemble(first.subarray(0, header.headerBytes), entries.filter((e) => !packed.has(e.block.address)), headSize));
  if (passed.length > 0) {
    parsed.warnings.unshift(`read by parts: ${countOf(passed.length, 'packed file')} (images, sounds, fonts: ${formatBytes(passed.reduce((n, e) => n + e.block.length, 0))} of the file's ${formatBytes(size)}) passed over`);
  }
  return parsed;
}
