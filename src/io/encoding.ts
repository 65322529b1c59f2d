// Text files saved as UTF-16 or UTF-32 (Windows editors and PowerShell do this): recognised by a
// byte-order mark or, without one, by ASCII interleaved with NUL bytes, and converted to UTF-8
// before sniffing, so every format (PLY and PCD headers included) reads them and the warning names
// the encoding. Without this, a UTF-16 PLY was refused as "does not start with 'ply'".

export type WideEncoding = 'UTF-16 LE' | 'UTF-16 BE' | 'UTF-32 LE' | 'UTF-32 BE';

export interface WideText {
  encoding: WideEncoding;
  /** Bytes of the byte-order mark (0 when recognised by the NUL pattern). */
  bom: number;
}

/** Bytes looked at for the NUL pattern. */
const SAMPLE = 64;

/** Within the sample, every byte at an offset whose remainder mod `width` is not `at` is NUL,
 * and every byte at `at` is printable ASCII, a tab or a line end. */
function interleaved(bytes: Uint8Array, width: number, at: number): boolean {
  const n = Math.min(bytes.length, SAMPLE) - (Math.min(bytes.length, SAMPLE) % width);
  if (n < 2 * width) return false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (i % width === at) {
      if (!(b >= 0x20 && b < 0x7f) && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
    } else if (b !== 0) {
      return false;
    }
  }
  return true;
}

export function detectWideText(bytes: Uint8Array): WideText | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'UTF-32 LE', bom: 4 };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'UTF-32 BE', bom: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'UTF-16 LE', bom: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'UTF-16 BE', bom: 2 };
  if (interleaved(bytes, 4, 0)) return { encoding: 'UTF-32 LE', bom: 0 };
  if (interleaved(bytes, 4, 3)) return { encoding: 'UTF-32 BE', bom: 0 };
  if (interleaved(bytes, 2, 0)) return { encoding: 'UTF-16 LE', bom: 0 };
  if (interleaved(bytes, 2, 1)) return { encoding: 'UTF-16 BE', bom: 0 };
  return undefined;
}

function decodeUtf32(bytes: Uint8Array, little: boolean): string {
  if (bytes.length % 4 !== 0) throw new Error(`${bytes.length} bytes is not a whole number of 4-byte characters`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, little);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new Error(`0x${code.toString(16)} at byte ${i} is not a character`);
    }
    chunk.push(code);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk.length = 0;
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** The text as UTF-8 bytes; throws an Error saying where the bytes are not valid `encoding`. */
export function wideToUtf8(bytes: Uint8Array, wide: WideText): Uint8Array {
  const body = bytes.subarray(wide.bom);
  let text: string;
  if (wide.encoding === 'UTF-32 LE' || wide.encoding === 'UTF-32 BE') {
    text = decodeUtf32(body, wide.encoding === 'UTF-32 LE');
  } else {
    if (body.length % 2 !== 0) throw new Error(`${body.length} bytes is not a whole number of 2-byte units`);
    text = new TextDecoder(wide.encoding === 'UTF-16 LE' ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(body);
  }
  return new TextEncoder().encode(text);
}
