// Rebuilds a model's frozen.bin (the backbone's third-party weights, never committed) from the
// backbone's original source files, by the manifest's recipe (written by
// training/any2point/frozen_split.py): every frozen tensor's bytes appear verbatim in the source,
// and `from` says where. Pure: the caller supplies a file reader (fetch in the browser, fs in
// Node), so the browser and the Node scripts/tests share this one implementation.
import { sha256Hex } from '../../integrity/sha256.ts';

/** A byte range of one source file (path relative to the source's base folder). */
export interface SourceChunk {
  file: string;
  offset: number;
  bytes: number;
}

export interface FrozenRecipeEntry {
  /** ONNX initializer name. */
  name: string;
  /** Where the tensor's bytes go in frozen.bin. */
  offset: number;
  bytes: number;
  dims: number[];
  /** Source file and tensor name (for messages; the bytes come from `from`). */
  file: string;
  tensor: string;
  /** 'identity' or 'reshape:<dims>': both keep the bytes as they are. */
  transform: string;
  from: SourceChunk[];
}

export interface FrozenSpec {
  file: string;
  bytes: number;
  sha256: string;
  recipe: FrozenRecipeEntry[];
}

export type ReadSourceFile = (file: string) => Promise<Uint8Array>;

/** The recipe is wrong, a source file is not what it says, or the result's sha256 differs. */
export class AssemblyError extends Error {
  override name = 'AssemblyError';
}

/** Source files the recipe reads, in first-use order. */
export function sourceFiles(frozen: FrozenSpec): string[] {
  return [...new Set(frozen.recipe.flatMap((e) => e.from.map((c) => c.file)))];
}

/** Checks the recipe without reading anything: sizes add up, tensors tile frozen.bin without
 * overlapping, transforms keep bytes. Throws naming the first bad entry. */
export function checkRecipe(frozen: FrozenSpec): void {
  if (!Number.isInteger(frozen.bytes) || frozen.bytes < 0) throw new AssemblyError(`frozen.bytes must be a byte count, got ${frozen.bytes}`);
  if (!/^[0-9a-f]{64}$/i.test(frozen.sha256)) throw new AssemblyError(`frozen.sha256 must be 64 hex digits, got ${JSON.stringify(frozen.sha256)}`);
  if (!Array.isArray(frozen.recipe)) throw new AssemblyError('frozen.recipe must be an array');
  const sorted = [...frozen.recipe].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const e of sorted) {
    const where = `frozen.recipe entry ${e.name}`;
    const elements = e.dims.reduce((a, b) => a * b, 1);
    if (e.bytes !== elements * 4) throw new AssemblyError(`${where}: ${e.bytes} bytes for float32 dims [${e.dims}] (${elements * 4} expected)`);
    if (e.offset < end) throw new AssemblyError(`${where}: offset ${e.offset} overlaps the previous tensor (ends at ${end})`);
    end = e.offset + e.bytes;
    if (end > frozen.bytes) throw new AssemblyError(`${where}: ends at ${end}, past frozen.bytes ${frozen.bytes}`);
    const chunkBytes = e.from.reduce((sum, c) => sum + c.bytes, 0);
    if (chunkBytes !== e.bytes) throw new AssemblyError(`${where}: its source chunks hold ${chunkBytes} bytes, the tensor ${e.bytes}`);
    if (e.transform !== 'identity' && !e.transform.startsWith('reshape:')) {
      throw new AssemblyError(`${where}: transform ${JSON.stringify(e.transform)} is not byte-preserving ('identity' or 'reshape:<dims>')`);
    }
    if (e.transform.startsWith('reshape:')) {
      const source = e.transform.slice('reshape:'.length).split(',').map(Number).reduce((a, b) => a * b, 1);
      if (source !== elements) throw new AssemblyError(`${where}: ${e.transform} has ${source} elements, dims [${e.dims}] ${elements}`);
    }
  }
}

/** frozen.bin, built from the source files and checked against `frozen.sha256`.
 * `onProgress(done, total)` counts tensor bytes written. */
export async function assembleFrozen(
  frozen: FrozenSpec,
  read: ReadSourceFile,
  onProgress?: (done: number, total: number) => void,
): Promise<Uint8Array> {
  checkRecipe(frozen);
  const files = new Map<string, Promise<Uint8Array>>();
  const readOnce = (file: string) => {
    let bytes = files.get(file);
    if (!bytes) {
      bytes = read(file);
      files.set(file, bytes);
    }
    return bytes;
  };
  const out = new Uint8Array(frozen.bytes);
  let done = 0;
  for (const e of frozen.recipe) {
    let at = e.offset;
    for (const c of e.from) {
      const source = await readOnce(c.file);
      if (c.offset < 0 || c.offset + c.bytes > source.byteLength) {
        throw new AssemblyError(
          `frozen.recipe entry ${e.name} (${e.tensor} of ${e.file}): bytes ${c.offset}..${c.offset + c.bytes} lie outside ${c.file} (${source.byteLength} bytes)`,
        );
      }
      out.set(source.subarray(c.offset, c.offset + c.bytes), at);
      at += c.bytes;
    }
    done += e.bytes;
    onProgress?.(done, frozen.bytes);
  }
  const sha = await sha256Hex(out);
  if (sha !== frozen.sha256.toLowerCase()) {
    throw new AssemblyError(
      `${frozen.file}: assembled sha256 ${sha} differs from the manifest's ${frozen.sha256} (a different version of the backbone's source files?)`,
    );
  }
  return out;
}
