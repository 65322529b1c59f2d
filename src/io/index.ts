// The loaders' one entry point: bytes of a named file -> a point cloud, or a LoadError that says
// what is wrong. Pure: no DOM, no network, so it runs in a Web Worker.
import { is7z, isRar, isUstar } from './archiveSignatures';
import { isBinaryStl, startsWith } from './content';
import { dracoReady, needsDraco } from './draco';
import { detectWideText, wideToUtf8 } from './encoding';
import { fbxReady, isFbx } from './fbx';
import { isLaz, lazReady } from './laz';
import { finish } from './finish';
import { lookInside, unwrapped } from './compressed';
import { type FormatId, formatForName } from './formats';
import { type SidecarFiles, parseGltf } from './gltf';
import { LIMITS, fileSizeRefusal, formatCount } from './limits';
import { meshoptReady } from './meshopt';
import { ENTRY_PARSERS, PARSERS } from './parsers';
import { chooseFormat } from './sniff';
import { LoadError, type LoadResult } from './types';
import { sevenZipNames, sevenZipReady } from './sevenZip';
import { tarNames } from './tar';
import { zipEntryNames } from './zip';

export { LIMITS } from './limits';
export { ACCEPT, ACCEPTED_EXTENSIONS, FORMATS, type FormatId } from './formats';
export { LoadError } from './types';
export type { LoadErrorReason, LoadResult } from './types';

export interface LoadOptions {
  /** Points sampled from a mesh's surface (default LIMITS.defaultMeshSamples). */
  meshSamples?: number;
  /** Seed of the surface sampling; same seed, same points (default 0). */
  seed?: number;
  /** Keep the points the clean-up would leave out (stray pieces, a floor; default false). */
  keepEveryPoint?: boolean;
  /** A .gltf's separate files (its buffers), where they can be reached. */
  sidecar?: SidecarFiles;
  /** The model to read from an archive, by its path in it (default: the largest; archive.ts), or
   * the cloud of a batch (NumPy, HDF5: "data[17]"; default the first). */
  archiveEntry?: string;
}

/** Settles once the loaders `bytes` needs can run: the meshopt decoder's WebAssembly compiles
 * asynchronously (meshopt.ts), the Draco decoder is loaded the first time a file holds Draco data
 * (draco.ts), three's FBX loader the first time a file is FBX (fbx.ts), the LAZ decoder the first
 * time a file is LAZ (laz.ts) and 7-Zip the first time a file is a 7-Zip or RAR archive
 * (sevenZip.ts); an archive is judged by its models' names, a file compressed whole by what it
 * holds (a file 7-Zip unpacks is unpacked now, for loadFile too: compressed.ts).
 * Callers await it before loadFile; a file read before it settles that needs a decoder, or one
 * whose decoder could not be loaded, is refused with the reason. */
export async function loadersReady(bytes?: Uint8Array): Promise<void> {
  await meshoptReady;
  if (!bytes) return;
  bytes = await lookInside(bytes); // a file compressed whole: what it holds decides
  const names = await archiveNames(bytes);
  if (names ? names.some((n) => /\.(glb|gltf|drc)$/i.test(n)) : needsDraco(bytes)) await dracoReady();
  if (names ? names.some((n) => /\.fbx$/i.test(n)) : isFbx(bytes)) await fbxReady();
  if (names ? names.some((n) => /\.laz$/i.test(n)) : isLaz(bytes)) await lazReady();
}

/** The names of an archive's files, from its directory or headers (nothing is unpacked; 7-Zip is
 * loaded for a 7-Zip or RAR archive); null for a file that is not an archive. */
async function archiveNames(bytes: Uint8Array): Promise<string[] | null> {
  if (startsWith(bytes, 'PK\x03\x04')) return zipEntryNames(bytes);
  if (isUstar(bytes)) return tarNames(bytes);
  const sevenZip = is7z(bytes) ? '7z' : isRar(bytes) ? 'rar' : null;
  if (!sevenZip) return null;
  await sevenZipReady();
  const names = sevenZipNames(sevenZip, bytes);
  await sevenZipReady(); // each instance reads one archive: a fresh one for loadFile
  return names;
}

/** The file before this one in `loadWhenReady`. */
let previous: Promise<unknown> = Promise.resolve();

/** loadersReady, then loadFile: one file at a time, so that a decoder dropped after a file (the
 * LAZ decoder and 7-Zip are, after a large or a damaged one) is loaded again before the next file
 * that needs it is read, never between that file's wait and its read. */
export function loadWhenReady(name: string, bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadResult> {
  const load = previous.then(async () => {
    await loadersReady(bytes);
    return loadFile(name, bytes, options);
  });
  previous = load.catch(() => undefined);
  return load;
}

export function loadFile(name: string, bytes: Uint8Array, options: LoadOptions = {}): LoadResult {
  const meshSamples = options.meshSamples ?? LIMITS.defaultMeshSamples;
  if (!Number.isInteger(meshSamples) || meshSamples < 1 || meshSamples > LIMITS.maxPoints) {
    throw new RangeError(`meshSamples must be an integer from 1 to ${formatCount(LIMITS.maxPoints)}, got ${meshSamples}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);

  const named = formatForName(name)?.id ?? 'unknown';
  if (bytes.length > LIMITS.maxFileBytes) {
    throw new LoadError(named, 'too-large', fileSizeRefusal(bytes.length));
  }
  if (bytes.length === 0) throw new LoadError(named, 'empty', 'the file is empty (0 bytes)');
  const inside = unwrapped(name, bytes);
  if (inside) {
    const inner = loadFile(inside.name, inside.bytes, options);
    inner.warnings.unshift(inside.warning);
    return inner;
  }

  const { bytes: content, warnings: encodingWarnings } = asUtf8(named, bytes);
  const { entry, warnings } = chooseFormat(name, content);
  const withEntry = options.archiveEntry === undefined ? undefined : ENTRY_PARSERS[entry.id];
  const parsed =
    entry.id === 'gltf' && options.sidecar
      ? parseGltf(content, options.sidecar)
      : withEntry && options.archiveEntry !== undefined
        ? withEntry(content, options.archiveEntry)
        : PARSERS[entry.id](content);
  parsed.warnings.unshift(...encodingWarnings, ...warnings);
  return finish(parsed.format ?? entry.id, parsed, { meshSamples, seed, keepEveryPoint: options.keepEveryPoint === true });
}

/** UTF-16 / UTF-32 text converted to UTF-8, with a warning naming the encoding; other bytes as
 * they are. A binary STL's 80-byte header is free text, so its exact size is trusted first. */
function asUtf8(named: FormatId | 'unknown', bytes: Uint8Array): { bytes: Uint8Array; warnings: string[] } {
  const wide = isBinaryStl(bytes) ? undefined : detectWideText(bytes);
  if (wide === undefined) return { bytes, warnings: [] };
  const how = wide.bom > 0 ? 'with a byte-order mark' : 'recognised by its NUL bytes';
  try {
    return { bytes: wideToUtf8(bytes, wide), warnings: [`the file is ${wide.encoding} text (${how}); read as such`] };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new LoadError(named, 'malformed', `the file looks like ${wide.encoding} text (${how}) but is not: ${detail}`);
  }
}
