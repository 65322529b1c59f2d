// What the format table's content tests look at: the start of a file, decoded once, and the
// small predicates more than one test needs. Data and pure functions only (no parsers), so the
// table that uses them stays light enough for the page.
import { toNumber } from './numbers';
import { firstBinaryByte } from './text';

const WINDOW = 64 * 1024;

/** Whether `bytes` begins with the characters of `signature` (each a byte: latin1). */
export const startsWith = (bytes: Uint8Array, signature: string): boolean => [...signature].every((c, i) => bytes[i] === c.charCodeAt(0));

/** The first 64 KiB of a file, read once for every format's tests. */
export interface FileHead {
  bytes: Uint8Array;
  /** Decoded as UTF-16 (after a BOM) or latin1, UTF-8 BOM dropped, line endings as "\n". */
  text: string;
  /** The first three lines that are not blank and not comments ('#', '//', '%'). */
  lines: string[];
  /** The content has a byte no text file has (see firstBinaryByte). */
  binary: boolean;
}

function decodeHead(bytes: Uint8Array): string {
  const part = bytes.subarray(0, WINDOW);
  if (part[0] === 0xfe && part[1] === 0xff) return new TextDecoder('utf-16be').decode(part.subarray(2));
  if (part[0] === 0xff && part[1] === 0xfe) return new TextDecoder('utf-16le').decode(part.subarray(2));
  return new TextDecoder('latin1').decode(part).replace(/^\u00ef\u00bb\u00bf/, '').replace(/\r\n?/g, '\n');
}

function significantLines(text: string, max: number): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n', 1000)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//') || line.startsWith('%')) continue;
    out.push(line);
    if (out.length === max) break;
  }
  return out;
}

export function readHead(bytes: Uint8Array): FileHead {
  const text = decodeHead(bytes);
  return { bytes, text, lines: significantLines(text, 3), binary: firstBinaryByte(bytes) >= 0 };
}

/** Binary STL has no magic bytes, but its size is exact: an 80-byte header, a triangle count,
 * and 50 bytes per triangle. */
export function isBinaryStl(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const triangles = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  return triangles > 0 && 84 + 50 * triangles === bytes.length;
}

/** How many numbers the line holds when it is only numbers (comma, semicolon or space
 * separated), else 0. */
export function numberRowLength(line: string): number {
  const values = line.split(/\s*[,;]\s*|\s+/).map(toNumber);
  return values.every((v) => v !== null) ? values.length : 0;
}

/** Some line holds a point: three or more numbers. */
export function hasPointRow(lines: readonly string[]): boolean {
  return lines.some((line) => numberRowLength(line) >= 3);
}

/** Whether `text` (ASCII) occurs anywhere in `bytes`. */
export function containsAscii(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  for (let i = bytes.indexOf(first); i >= 0 && i + text.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let k = 1;
    while (k < text.length && bytes[i + k] === text.charCodeAt(k)) k++;
    if (k === text.length) return true;
  }
  return false;
}
