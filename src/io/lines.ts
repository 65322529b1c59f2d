// The line-length limit of text files, checked on the bytes before a text is decoded and split.
import type { FormatId } from './formats';
import { LIMITS, formatBytes, formatCount } from './limits';
import { decodeText } from './text';
import { LoadError } from './types';

/** Refuses a text whose lines (from `from` on) include one longer than LIMITS.maxLineBytes, before
 * anything is decoded or split: a scan of the bytes that stops at the first such line, so a
 * one-line 100 MiB file costs a 1 MiB walk and no memory. */
export function checkLineLengths(format: FormatId, bytes: Uint8Array, from = 0, firstLine = 1): void {
  const max = LIMITS.maxLineBytes;
  let lineStart = from;
  let line = firstLine;
  const n = bytes.length;
  for (let i = from; i < n; i++) {
    const b = bytes[i]!;
    if (b !== 0x0a && b !== 0x0d) {
      if (i - lineStart >= max) {
        throw new LoadError(
          format,
          'too-large',
          `line ${formatCount(line)} is longer than ${formatCount(max)} bytes (${formatBytes(max)}, LIMITS.maxLineBytes); ` +
            `no ${format === 'xyz' ? 'row' : 'line'} of a point or mesh file is that long`,
        );
      }
      continue;
    }
    if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    lineStart = i + 1;
  }
}

/** A text format's bytes as one string, after the line-length check. */
export function readText(format: FormatId, bytes: Uint8Array): string {
  checkLineLengths(format, bytes);
  return decodeText(bytes);
}
