// RAR archives for the tests, written from RAR's published format notes (RAR 5.0's "technote" and
// RAR 2.9-4.x's header layout), with files stored (RAR's method 0, no compression): no program on
// npm or in Debian's main archive writes RAR (Debian's `rar` is non-free), and RAR's compression
// is unRAR's own. So what these files test is 7-Zip's reading of the RAR containers (headers,
// names, CRCs, the end), not the unRAR decompressor, which the app uses as 7-Zip ships it.
import { crc32 } from 'node:zlib';
import { concat as concatBytes } from './generate';

const concat = (parts: readonly (Uint8Array | number[])[]): Uint8Array => concatBytes(...parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** RAR 5's variable-length integer: 7 bits a byte, low bits first, the top bit "more follows". */
function vint(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** A RAR 5 header: its CRC-32, its size, then `body` (type, flags and the type's fields). */
function rar5Header(body: number[] | Uint8Array): Uint8Array {
  const sized = concat([vint(body.length), body]);
  return concat([u32(crc32(sized)), sized]);
}

export interface RarEntry {
  name: string;
  data: Uint8Array;
}

/** A RAR 5 archive of `entries`, stored. */
export function rar5(entries: readonly RarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00])];
  parts.push(rar5Header([...vint(1), ...vint(0), ...vint(0)])); // main archive header: no flags
  for (const { name, data } of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const file = concat([
      vint(2), // file header
      vint(0x0002), // header flags: a data area follows
      vint(data.length), // data size
      vint(0x0004), // file flags: the data's CRC-32 is given
      vint(data.length), // unpacked size
      vint(0o100644), // attributes (Unix)
      u32(crc32(data)),
      vint(0), // compression: version 0, not solid, method 0 (store), smallest dictionary
      vint(1), // host OS: Unix
      vint(nameBytes.length),
      nameBytes,
    ]);
    parts.push(rar5Header(file), data);
  }
  parts.push(rar5Header([...vint(5), ...vint(0), ...vint(0)])); // end of archive
  return concat(parts);
}

/** A RAR 2.9-4.x header: the low 16 bits of the CRC-32 of what follows them, then `body` (its type,
 * flags, size and fields; the size, at bytes 3-4 of the header, is filled in). */
function rar4Header(type: number, flags: number, fields: Uint8Array | number[]): Uint8Array {
  const body = concat([[type], u16(flags), u16(7 + fields.length), fields]);
  return concat([u16(crc32(body) & 0xffff), body]);
}

/** A RAR 4 archive of `entries`, stored. */
export function rar4(entries: readonly RarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00])];
  parts.push(rar4Header(0x73, 0, [0, 0, 0, 0, 0, 0])); // main header: two reserved fields
  for (const { name, data } of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const fields = concat([
      u32(data.length), // packed size
      u32(data.length), // unpacked size
      [3], // host OS: Unix
      u32(crc32(data)),
      u32(0x5a870000), // DOS time: 2024-12-07 00:00
      [20], // version needed: 2.0
      [0x30], // method: store
      u16(nameBytes.length),
      u32(0o100644), // attributes
      nameBytes,
    ]);
    // 0x8000: the header is followed by data (always set for files); 0x0200: the name is UTF-8.
    parts.push(rar4Header(0x74, 0x8000 | 0x0200 * Number(/[^\x00-\x7f]/.test(name)), fields), data);
  }
  parts.push(rar4Header(0x7b, 0x4000, [])); // end of archive
  return concat(parts);
}
