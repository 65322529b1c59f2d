// A gzip stream's content, for the formats that are gzipped (SPZ, and VRML / X3D saved compressed)
// and for any file gzipped whole (scan.ply.gz: index.ts), refused past a limit: a small file can
// inflate to gigabytes. three.js's copy of fflate inflates.
import { Gunzip } from 'three/examples/jsm/libs/fflate.module.js';
import type { FormatId } from './formats';
import { formatBytes, formatCount } from './limits';
import { LoadError } from './types';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The content of the gzip stream `bytes`, at most `limit` bytes (`limitText` names the limit). */
export function gunzip(format: FormatId | 'unknown', bytes: Uint8Array, limit: number, limitText: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > limit) throw new LoadError(format, 'too-large', `the file inflates to more than ${formatBytes(limit)}; the limit is ${formatBytes(limit)} (${limitText})`);
    parts.push(chunk);
  });
  try {
    for (let at = 0; at < bytes.length; at += 1 << 20) stream.push(bytes.subarray(at, at + (1 << 20)), at + (1 << 20) >= bytes.length);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LoadError(format, total === 0 ? 'malformed' : 'truncated', `the gzip stream is damaged or cut short (${detail}) after ${formatCount(total)} bytes`);
  }
  return joined(parts, total);
}

/** The first `bytes` (about) of a gzip stream's content, for a look at what it holds; what a damaged
 * stream gives before the damage. */
export function gunzipHead(bytes: Uint8Array, want = 1 << 20): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = new Gunzip((chunk) => {
    parts.push(chunk);
    total += chunk.length;
  });
  try {
    for (let at = 0; at < bytes.length && total < want; at += 1 << 16) stream.push(bytes.subarray(at, at + (1 << 16)), at + (1 << 16) >= bytes.length);
  } catch {
    // a damaged stream: what came before the damage; loadFile says what is wrong
  }
  return joined(parts, total);
}

/** `parts` one after another, `total` bytes in all. */
function joined(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
