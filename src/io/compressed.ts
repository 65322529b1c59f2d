// Files compressed whole, as data sets, exports and Linux tools hand point clouds out (scan.ply.gz,
// cloud.xyz.xz, models.tar.bz2, scan.las.zst; a scan.las that is gzip inside): read as the file
// inside, named without the compression's extension, unpacked up to LIMITS.maxFileBytes. gzip is
// inflated by three.js's fflate (gzip.ts); xz, bzip2 and Zstandard by 7-Zip (sevenZip.ts), loaded
// through loadersReady, which unpacks the file to see what it holds and keeps the result for
// loadFile (and for the next model read from the same file: `unpacked`).
import { startsWith } from './content';
import { type FormatId, formatForName, unwrappedName } from './formats';
import { isUstar } from './archiveSignatures';
import { gunzip, gunzipHead, isGzip } from './gzip';
import { LIMITS, formatCount } from './limits';
import { type Compression, sevenZipReady, sevenZipStream } from './sevenZip';

export type Wrapping = 'gzip' | Compression;

/** How each compression is named in the line saying the file was unpacked. */
const LABEL: Record<Wrapping, string> = { gzip: 'gzip', xz: 'xz', bzip2: 'bzip2', zstd: 'Zstandard' };

/** The compression a file's first bytes say: gzip 1F 8B; xz FD "7zXZ" 00; bzip2 "BZh" and the block
 * size, then a block's or the end's magic number (digits of pi, of sqrt(pi)); Zstandard's frame
 * magic 28 B5 2F FD. */
export function compressionOf(bytes: Uint8Array): Wrapping | null {
  if (isGzip(bytes)) return 'gzip';
  if (startsWith(bytes, '\xfd7zXZ\x00')) return 'xz';
  if (/^BZh[1-9](\x31\x41\x59\x26\x53\x59|\x17\x72\x45\x38\x50\x90)/.test(String.fromCharCode(...bytes.subarray(0, 10)))) return 'bzip2';
  if (startsWith(bytes, '\x28\xb5\x2f\xfd')) return 'zstd';
  return null;
}

/** Each compressed file's content, once unpacked (by loadersReady, or a first loadFile), while the
 * file's bytes are kept. */
const unpacked = new WeakMap<Uint8Array, Uint8Array>();

/** The content of `bytes`, compressed by `compression` (`format` names the file inside in refusals):
 * unpacked once, then kept. A stream that 7-Zip unpacks needs its instance readied (sevenZipReady). */
function unpack(compression: Wrapping, format: FormatId | 'unknown', bytes: Uint8Array): Uint8Array {
  const known = unpacked.get(bytes);
  if (known) return known;
  const content =
    compression === 'gzip'
      ? gunzip(format, bytes, LIMITS.maxFileBytes, 'LIMITS.maxFileBytes')
      : sevenZipStream(compression, format, bytes, LIMITS.maxFileBytes, 'LIMITS.maxFileBytes');
  unpacked.set(bytes, content);
  return content;
}

/** The file a compressed one holds: its name (without .gz, .xz, ...; a .tgz holds a .tar), its
 * bytes, and the line saying so; null for a file that is not compressed whole. A gzip stream is not
 * when it is a format of its own (SPZ; VRML / X3D by their names), nor when its name says nothing
 * (it is read as SPZ, which says what it holds). */
export function unwrapped(name: string, bytes: Uint8Array): { name: string; bytes: Uint8Array; warning: string } | null {
  const compression = compressionOf(bytes);
  if (!compression) return null;
  const inner = unwrappedName(name) ?? name;
  const format = formatForName(inner)?.id;
  if (compression === 'gzip' && (format === 'spz' || format === 'x3d' || (format === undefined && inner === name))) return null;
  const content = unpack(compression, format ?? 'unknown', bytes);
  const how = compression === 'gzip' ? 'inflated' : 'unpacked';
  return { name: inner, bytes: content, warning: `read '${inner}' from the ${LABEL[compression]} file (${formatCount(bytes.length)} bytes, ${formatCount(content.length)} ${how})` };
}

/** For loadersReady: what a file compressed whole holds, to see what it needs loaded; the file
 * itself when it is not compressed or cannot be unpacked (loadFile says why). A tar's names run
 * through it, so a gzipped tar, and any file 7-Zip unpacks (readied for it, then afresh for what
 * comes next), are unpacked whole and kept for loadFile; of another gzip file (SPZ, say), the first
 * megabyte is enough. */
export async function lookInside(bytes: Uint8Array): Promise<Uint8Array> {
  const compression = compressionOf(bytes);
  if (compression === null) return bytes;
  if (compression === 'gzip') {
    const head = gunzipHead(bytes);
    return isUstar(head) ? unpackedOrNull(compression, bytes) ?? head : head;
  }
  await sevenZipReady();
  const content = unpackedOrNull(compression, bytes);
  await sevenZipReady();
  return content ?? bytes;
}

function unpackedOrNull(compression: Wrapping, bytes: Uint8Array): Uint8Array | null {
  try {
    return unpack(compression, 'unknown', bytes);
  } catch {
    return null;
  }
}
