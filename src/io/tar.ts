// Tar archives (.tar, and gzipped: .tar.gz, .tgz), as datasets and Linux tools pack models: the
// entries' bytes are read where they lie in the file (nothing is copied). Read: POSIX ustar (a
// name's prefix field), GNU tar (its long names, 'L' entries; sizes in base 256), pax (a 'path' or
// 'size' of an 'x' entry, or of a global 'g' one) and old v7 headers; every header's checksum is
// checked. Links, folders and devices hold no bytes and are passed over; a GNU sparse file is
// refused by name when it is a model.
import type { FormatId } from './formats';
import { formatCount } from './limits';
import { quote } from './text';
import { LoadError } from './types';

const BLOCK = 512;
const FORMAT: FormatId = 'tar';

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** A header's text field as UTF-8, up to its first NUL. */
function field(bytes: Uint8Array, from: number, length: number): string {
  let end = from;
  while (end < from + length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(from, end));
}

/** An octal number field (spaces and NULs around it allowed), or GNU's base-256 one (its first byte's
 * top bit set); NaN when it is neither. */
function number(bytes: Uint8Array, from: number, length: number): number {
  if (bytes[from]! & 0x80) {
    let value = bytes[from]! & 0x3f;
    if (bytes[from]! & 0x40) return Number.NaN; // negative
    for (let i = from + 1; i < from + length; i++) value = value * 256 + bytes[i]!;
    return value;
  }
  const text = ascii(bytes, from, from + length).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : Number.NaN;
}

/** Whether the header at `at` has the checksum it records (the unsigned sum of its bytes, the
 * checksum field counted as spaces; some old tars summed signed bytes). */
function checksumHolds(bytes: Uint8Array, at: number): boolean {
  const recorded = number(bytes, at + 148, 8);
  if (!Number.isFinite(recorded)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : bytes[at + i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return recorded === unsigned || recorded === signed;
}

/** A pax header's records ("<length> <key>=<value>\n", the length in bytes, the record included). */
function paxRecords(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  const damaged = () => new LoadError(FORMAT, 'malformed', `the pax header at byte ${formatCount(at)} has a damaged record`);
  for (let i = 0; i < data.length && data[i] !== 0; ) {
    const space = data.indexOf(0x20, i);
    const length = space < 0 ? Number.NaN : Number(ascii(data, i, space));
    if (!Number.isInteger(length) || length <= space - i || i + length > data.length || data[i + length - 1] !== 0x0a) throw damaged();
    const record = new TextDecoder().decode(data.subarray(space + 1, i + length - 1));
    const equals = record.indexOf('=');
    if (equals < 0) throw damaged();
    records.set(record.slice(0, equals), record.slice(equals + 1));
    i += length;
  }
  return records;
}

/** The tar archive's regular files whose names `keep` accepts, by name: views into `bytes`. */
export function tarEntries(bytes: Uint8Array, keep: (name: string) => boolean): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const global = new Map<string, string>();
  let next = new Map<string, string>(); // what an 'x' or 'L' entry says of the next one
  let headers = 0;
  for (let at = 0; at < bytes.length; ) {
    if (bytes.subarray(at, at + BLOCK).every((b) => b === 0)) break; // the end: a zero block
    if (at + BLOCK > bytes.length) {
      if (headers === 0) break;
      throw new LoadError(FORMAT, 'truncated', `the file is cut short inside the tar header at byte ${formatCount(at)} (the file ends at ${formatCount(bytes.length)})`);
    }
    if (!checksumHolds(bytes, at)) {
      const what = headers === 0 ? 'the file is not a tar archive (its first header' : `the tar header at byte ${formatCount(at)} is damaged (its`;
      throw new LoadError(FORMAT, 'malformed', `${what} checksum does not hold)`);
    }
    headers++;
    const type = String.fromCharCode(bytes[at + 156]!);
    const gnu = ascii(bytes, at + 257, at + 263) === 'ustar ';
    const prefix = !gnu && ascii(bytes, at + 257, at + 262) === 'ustar' ? field(bytes, at + 345, 155) : '';
    const headerName = prefix ? `${prefix}/${field(bytes, at, 100)}` : field(bytes, at, 100);
    let size = number(bytes, at + 124, 12);
    const paxSize = next.get('size') ?? global.get('size');
    if (paxSize !== undefined && type !== 'x' && type !== 'g') size = Number(paxSize);
    if (!Number.isSafeInteger(size) || size < 0) throw new LoadError(FORMAT, 'malformed', `the tar header at byte ${formatCount(at)} has no valid size`);
    const start = at + BLOCK;
    const end = start + size;
    const name = next.get('path') ?? global.get('path') ?? headerName;
    if (end > bytes.length) {
      throw new LoadError(FORMAT, 'truncated', `the file is cut short: ${quote(name)} needs ${formatCount(size)} bytes from byte ${formatCount(start)}, the file ends at ${formatCount(bytes.length)}`);
    }
    const data = bytes.subarray(start, end);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      const records = paxRecords(data, start - BLOCK);
      const into = type === 'x' ? next : global;
      for (const [key, value] of records) into.set(key, value);
      continue;
    }
    if (type === 'L') {
      next.set('path', field(data, 0, data.length));
      continue;
    }
    if (type === 'K') continue; // GNU's long link target, for the header that follows
    next = new Map();
    if (type === 'S' && keep(name)) throw new LoadError(FORMAT, 'unsupported', `${quote(name)} is stored as a sparse file, which is not read; pack it without --sparse`);
    // Regular files ('0', v7's NUL, '7' contiguous); the rest hold no bytes of their own.
    if ((type === '0' || type === '\0' || type === '7') && keep(name)) files[name] = data;
  }
  if (headers === 0) throw new LoadError(FORMAT, 'malformed', bytes.length < BLOCK ? `the file is ${formatCount(bytes.length)} bytes, shorter than one tar header` : 'the tar archive holds no entries');
  return files;
}

/** The names of a tar archive's files (for loadersReady); none when it cannot be read. */
export function tarNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    tarEntries(bytes, (name) => {
      names.push(name);
      return false;
    });
  } catch {
    return names;
  }
  return names;
}
