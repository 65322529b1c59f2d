// Text helpers shared by the text formats: decoding, binary detection, counts, quoting.

const utf8 = new TextDecoder('utf-8');

/** Decodes a text file: UTF-8 (BOM stripped), or UTF-16 when it starts with a UTF-16 BOM.
 * Line endings become "\n" (CRLF and lone CR both), so every parser sees one convention. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  } else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  } else {
    text = utf8.decode(bytes); // drops a UTF-8 BOM
  }
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

/** The first bytes that say "this is binary, not text": a NUL byte or a control character other
 * than tab / newline / carriage return / form feed. UTF-16 files (BOM) count as text.
 * Returns the offset of the first such byte within the first `window` bytes, or -1. */
export function firstBinaryByte(bytes: Uint8Array, window = 65536): number {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    return -1;
  }
  const end = Math.min(bytes.length, window);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return i;
  }
  return -1;
}

export function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/** Non-negative integer written in decimal, as a header count; null otherwise. Values above
 * 2^53 stay approximate, which is fine: they are far over every limit. */
export function toCount(token: string | undefined): number | null {
  if (token === undefined || !/^\+?\d+$/.test(token)) return null;
  return Number(token);
}

/** Quotes a token or line for an error message, shortened. */
export function quote(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max)}...` : text;
  return `'${shown}'`;
}
