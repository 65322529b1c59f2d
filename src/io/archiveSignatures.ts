// How the archives' content is recognised (formats.ts's sniffing; tar.ts, sevenZip.ts read them).
// Kept apart from the readers so that the page's format table does not pull them in.

/** A POSIX or GNU tar header: "ustar" at byte 257 of a 512-byte block. (A v7 tar has no magic: it
 * is read as tar by its name, and its header's checksum checked.) */
export const isUstar = (bytes: Uint8Array): boolean => bytes.length >= 512 && [0x75, 0x73, 0x74, 0x61, 0x72].every((b, i) => bytes[257 + i] === b);

/** A 7-Zip archive's signature: "7z", BC AF 27 1C. */
export const is7z = (bytes: Uint8Array): boolean => [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c].every((b, i) => bytes[i] === b);

/** A RAR archive's signature: "Rar!" 1A 07, then 00 (RAR 1.5-4.x) or 01 00 (RAR 5). */
export const isRar = (bytes: Uint8Array): boolean =>
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07].every((b, i) => bytes[i] === b) && (bytes[6] === 0 || (bytes[6] === 1 && bytes[7] === 0));
