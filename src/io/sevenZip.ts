// 7-Zip and RAR archives (.7z, .rar), as model sites hand out downloads (CGTrader, Free3D, forums):
// unpacked by 7-Zip itself, npm's 7z-wasm (7-Zip 24.09 compiled to WebAssembly; LGPL with the unRAR
// restriction), loaded only when a file is one (`sevenZipReady`, awaited through loadersReady), as
// laz.ts loads its decoder. The archive is listed first (names, sizes, encryption), so that a
// password-protected archive or one that unpacks to more than LIMITS.maxFileBytes is refused before
// anything is unpacked; then only the entries asked for are unpacked, in one run (a solid archive
// is decoded once). Each archive gets a fresh instance of 7-Zip, with its own memory and file system.
// In a browser the wasm comes from the app's own origin, checked against the sha256 the build
// recorded (sevenZipWasm.ts); in Node (the CLI, the tests) the module reads it beside itself.
import { is7z, isRar } from './archiveSignatures';
import { isNode, lazyModule } from './lazyModule';
import { LIMITS, formatBytes, formatCount } from './limits';
import { quote } from './text';
import type { FormatId } from './formats';
import { LoadError } from './types';

/** The parts of the Emscripten module this reader uses. */
interface SevenZipModule {
  callMain(args: string[]): number;
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    readdir(path: string): string[];
    stat(path: string): { mode: number };
    isDir(mode: number): boolean;
    mkdir(path: string): void;
  };
}

/** What 7-Zip writes to its standard output during the current run, byte by byte: a listing, or a
 * stream's content (`x -so`), which stops with an I/O error in 7-Zip past `limit` bytes. */
const output = { bytes: new Uint8Array(0), length: 0, limit: Infinity, over: false };

function putByte(byte: number): void {
  if (output.length >= output.limit) {
    output.over = true;
    throw new Error('past the limit'); // 7-Zip sees the write fail, and stops
  }
  if (output.length === output.bytes.length) {
    const grown = new Uint8Array(Math.min(Math.max(output.bytes.length * 2, 1 << 16), output.limit));
    grown.set(output.bytes);
    output.bytes = grown;
  }
  output.bytes[output.length++] = byte;
}

/** What 7-Zip printed to its standard error during the current run. */
let errors: string[] = [];

/** The wasm's bytes, fetched and checked once (browser); Node's module reads its file itself. */
let wasmBinary: Promise<Uint8Array> | null = null;

/** A fresh instance of 7-Zip for each archive: 7-Zip's main() was not written to run again in the
 * same process, and a damaged archive can leave its memory corrupt (a later, good archive then
 * stopped with "memory access out of bounds"); an instance costs a few milliseconds. */
const sevenZip = lazyModule(async () => {
  const { default: create } = (await import('7z-wasm')) as unknown as { default: (options: object) => Promise<SevenZipModule> };
  if (!isNode) wasmBinary ??= import('./sevenZipWasm').then((m) => m.fetchSevenZipWasm());
  let binary: Uint8Array | undefined;
  try {
    binary = wasmBinary ? await wasmBinary : undefined;
  } catch (error) {
    wasmBinary = null; // the next archive fetches it again
    throw error;
  }
  return create({
    ...(binary ? { wasmBinary: binary } : {}),
    stdout: putByte,
    printErr: (line: string) => errors.push(line),
    stdin: () => null, // never a password typed in: an encrypted archive fails, and is refused
  });
});

/** Readies an instance of 7-Zip for the next archive (each is used once); settles (never rejects)
 * when it can be used or is known not to work. */
export const sevenZipReady = sevenZip.ready;

export type SevenZipFormat = '7z' | 'rar';

/** What 7-Zip is given, for refusals: the format a LoadError names, and what the file is called. */
interface Subject {
  format: FormatId | 'unknown';
  what: string;
}

const ARCHIVES: Record<SevenZipFormat, Subject> = { '7z': { format: '7z', what: '7-Zip archive' }, rar: { format: 'rar', what: 'RAR archive' } };

/** One entry of 7-Zip's technical listing (`l -slt`). */
interface Listed {
  name: string;
  size: number;
  folder: boolean;
  encrypted: boolean;
}

const WORK = '/work';
const ARCHIVE = `${WORK}/archive`;
const OUT = `${WORK}/out`;

/** Runs 7-Zip, its standard output kept up to `limit` bytes; its exit code, standard output and
 * error, and whether the output went past the limit. */
function run(module: SevenZipModule, args: string[], limit = LIMITS.maxFileBytes): { code: number; out: Uint8Array; err: string[]; over: boolean } {
  Object.assign(output, { bytes: new Uint8Array(0), length: 0, limit, over: false });
  errors = [];
  const code = module.callMain([...args]); // callMain puts the program name in front of the array it is given
  const out = output.bytes.subarray(0, output.length);
  output.bytes = new Uint8Array(0); // the next run starts afresh; this one's bytes are the caller's
  return { code, out, err: errors, over: output.over };
}

/** Lines of text 7-Zip printed. */
const lines = (out: Uint8Array): string[] => new TextDecoder().decode(out).split(/\r?\n/);

/** 7-Zip's complaint, without its "ERROR: <archive path> :" prefix. */
function complaint(err: readonly string[]): string {
  // (a stream's content is named after the file, "archive~")
  const lines = err.map((l) => l.replace(/^ERROR:\s*/, '').replace(`${ARCHIVE} : `, '').replace(`${ARCHIVE}`, '').replace(/\s*:\s*archive~$/, '').trim()).filter((l) => l !== '' && l !== ':');
  return lines.join('; ') || 'no reason given';
}

function refusal({ format, what }: Subject, err: readonly string[], when: string): LoadError {
  const why = complaint(err);
  if (/encrypted|password/i.test(why)) return new LoadError(format, 'unsupported', `the ${what} is password-protected; unpack it with its password and open the model inside`);
  if (/can ?not open the file as archive/i.test(why)) return new LoadError(format, 'malformed', `the file is not a ${what} 7-Zip can open (damaged, or cut short)`);
  if (/unexpected end|truncated/i.test(why)) return new LoadError(format, 'truncated', `the ${what} is cut short (7-Zip ${when}: ${why})`);
  return new LoadError(format, 'malformed', `the ${what} cannot be read (7-Zip ${when}: ${why})`);
}

/** The entries 7-Zip lists: blocks of "Key = value" lines, one per entry, after the archive's own. */
function parseListing(lines: readonly string[]): Listed[] {
  const entries: Listed[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    const name = fields.get('Path');
    if (name !== undefined) {
      entries.push({
        name,
        size: Number(fields.get('Size') || 0),
        folder: fields.get('Folder') === '+' || /^D/.test(fields.get('Attributes') ?? ''),
        encrypted: fields.get('Encrypted') === '+',
      });
    }
    fields = new Map();
  };
  for (const line of lines) {
    if (line.trim() === '') flush();
    const equals = line.indexOf(' = ');
    if (equals > 0) fields.set(line.slice(0, equals).replace(/^.*\x08/, '').trim(), line.slice(equals + 3));
  }
  flush();
  return entries;
}

function loaded({ format, what }: Subject): SevenZipModule {
  const module = sevenZip.get();
  if (!module) throw new LoadError(format, 'unsupported', `the ${what} needs 7-Zip's decoder, which could not be loaded (${sevenZip.why()})`);
  return module;
}

/** Runs `body` with the archive on the file system of the instance readied for it, which is then
 * dropped (the next archive gets a fresh one). */
function withArchive<T>(subject: Subject, bytes: Uint8Array, body: (module: SevenZipModule) => T): T {
  const module = loaded(subject);
  sevenZip.drop();
  try {
    module.FS.mkdir(WORK);
    module.FS.writeFile(ARCHIVE, bytes);
    return body(module);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LoadError(subject.format, 'malformed', `7-Zip stopped on the ${subject.what} (${detail})`);
  }
}

/** The files under `dir`, by their path below it. */
function filesUnder(module: SevenZipModule, dir: string, prefix = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of module.FS.readdir(dir)) {
    if (name === '.' || name === '..') continue;
    const path = `${dir}/${name}`;
    if (module.FS.isDir(module.FS.stat(path).mode)) Object.assign(files, filesUnder(module, path, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = module.FS.readFile(path);
  }
  return files;
}

const LIST = ['l', '-slt', '-ba', '-bd', '-p', '-sccUTF-8', ARCHIVE];

/** The archive's files (folders left out), as 7-Zip lists them. */
function list(format: SevenZipFormat, module: SevenZipModule): Listed[] {
  const listed = run(module, LIST);
  if (listed.code !== 0) throw refusal(ARCHIVES[format], listed.err, 'listing it');
  return parseListing(lines(listed.out)).filter((e) => !e.folder);
}

/** The names of the archive's files (for loadersReady); none when it cannot be read. */
export function sevenZipNames(format: SevenZipFormat, bytes: Uint8Array): string[] {
  if (!sevenZip.get()) return [];
  try {
    return withArchive(ARCHIVES[format], bytes, (module) => list(format, module).map((e) => e.name));
  } catch {
    return [];
  }
}

/** The archive's files whose names `keep` accepts, unpacked, by name. */
export function sevenZipEntries(format: SevenZipFormat, bytes: Uint8Array, keep: (name: string) => boolean): Record<string, Uint8Array> {
  // A file named .7z or .rar that is not one (7-Zip would open it as whatever it is).
  if (format === '7z' && !is7z(bytes)) throw new LoadError(format, 'malformed', 'the file is not a 7-Zip archive (it does not start with 7-Zip\'s signature, "7z" BC AF 27 1C)');
  if (format === 'rar' && !isRar(bytes)) throw new LoadError(format, 'malformed', 'the file is not a RAR archive (it does not start with RAR\'s signature, "Rar!" 1A 07)');
  return withArchive(ARCHIVES[format], bytes, (module) => {
    const wanted = list(format, module).filter((e) => keep(e.name));
    const locked = wanted.find((e) => e.encrypted);
    if (locked) throw new LoadError(format, 'unsupported', `the ${ARCHIVES[format].what} is password-protected (${quote(locked.name)}); unpack it with its password and open the model inside`);
    const total = wanted.reduce((sum, e) => sum + e.size, 0);
    if (total > LIMITS.maxFileBytes) {
      throw new LoadError(format, 'too-large', `its files unpack to ${formatBytes(total)}, more than ${formatCount(LIMITS.maxFileBytes)} bytes (LIMITS.maxFileBytes)`);
    }
    if (wanted.length === 0) return {};
    // -spd: the names are names, not wildcards; -y: never ask.
    const unpacked = run(module, ['x', '-bd', '-y', '-p', '-spd', '-sccUTF-8', `-o${OUT}`, ARCHIVE, '--', ...wanted.map((e) => e.name)]);
    if (unpacked.code !== 0) throw refusal(ARCHIVES[format], unpacked.err, 'unpacking it');
    return filesUnder(module, OUT);
  });
}

export type Compression = 'xz' | 'bzip2' | 'zstd';

const STREAMS: Record<Compression, { what: string; type: string }> = {
  xz: { what: 'xz stream', type: 'xz' },
  bzip2: { what: 'bzip2 stream', type: 'bzip2' },
  zstd: { what: 'Zstandard stream', type: 'zstd' },
};

/** The content of a file compressed whole by xz, bzip2 or Zstandard (`format`: the file inside, for
 * refusals), unpacked by 7-Zip to its standard output and refused past `limit` bytes (`limitText`
 * names the limit) as it unpacks: a stream's size is not known before (bzip2 and Zstandard need
 * not record it, and an xz index can lie). */
export function sevenZipStream(compression: Compression, format: FormatId | 'unknown', bytes: Uint8Array, limit: number, limitText: string): Uint8Array {
  const subject = { format, what: STREAMS[compression].what };
  return withArchive(subject, bytes, (module) => {
    // -t: read as this compression only; -so: the content to standard output.
    const unpacked = run(module, ['x', '-so', '-bd', '-p', `-t${STREAMS[compression].type}`, ARCHIVE], limit);
    if (unpacked.over) throw new LoadError(format, 'too-large', `the file unpacks to more than ${formatBytes(limit)}; the limit is ${formatBytes(limit)} (${limitText})`);
    if (unpacked.code !== 0) throw refusal(subject, unpacked.err, 'unpacking it');
    return unpacked.out;
  });
}
