// Reading PLY body values one at a time, from binary (either byte order) or ASCII bodies.
// `read` returns undefined at the end of the data, so the caller can say where the file ended.
import { type PlyScalar, SCALAR_BYTES, isIntegerType } from './plyHeader';
import { beyondFloat32, toNumber, tokenMessage } from './numbers';

/** An ASCII token that is not a number of the declared type; the element loop adds context. */
export class BadPlyToken extends Error {
  constructor(
    message: string,
    /** A finite number beyond float32's range, rather than not a number. */
    readonly outOfRange: boolean,
  ) {
    super(message);
  }
}

export interface PlyValueSource {
  read(type: PlyScalar): number | undefined;
}

export class BinaryValues implements PlyValueSource {
  readonly view: DataView;
  /** Offset of the next unread byte. */
  pos: number;
  readonly little: boolean;

  constructor(bytes: Uint8Array, offset: number, little: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
    this.little = little;
  }

  read(type: PlyScalar): number | undefined {
    const at = this.pos;
    const size = SCALAR_BYTES[type];
    if (at + size > this.view.byteLength) return undefined;
    this.pos = at + size;
    return readScalar(this.view, at, type, this.little);
  }
}

export function readScalar(v: DataView, at: number, type: PlyScalar, little: boolean): number {
  switch (type) {
      case 'float32':
        return v.getFloat32(at, little);
      case 'float64':
        return v.getFloat64(at, little);
      case 'uint8':
        return v.getUint8(at);
      case 'int8':
        return v.getInt8(at);
      case 'int16':
        return v.getInt16(at, little);
      case 'uint16':
        return v.getUint16(at, little);
      case 'int32':
        return v.getInt32(at, little);
      case 'uint32':
        return v.getUint32(at, little);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x0b;
}

/** ASCII bodies are a stream of whitespace-separated tokens (the spec does not require one
 * element per line, and three.js reads them the same way). Every token is read by the number
 * grammar (numbers.ts); the line and column of each are tracked for the error message. */
export class AsciiValues implements PlyValueSource {
  private readonly text: string;
  private pos = 0;
  /** Line number of `pos`, and the offset where that line starts. */
  private line: number;
  private lineStart = 0;

  constructor(bytes: Uint8Array, offset: number, firstLine: number) {
    this.text = new TextDecoder('latin1').decode(bytes.subarray(offset));
    this.line = firstLine;
  }

  private skipSpace(): void {
    const t = this.text;
    const n = t.length;
    let i = this.pos;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (!isSpace(c)) break;
      if (c === 0x0a || (c === 0x0d && t.charCodeAt(i + 1) !== 0x0a)) {
        this.line++;
        this.lineStart = i + 1;
      }
      i++;
    }
    this.pos = i;
  }

  read(type: PlyScalar): number | undefined {
    this.skipSpace();
    const t = this.text;
    const n = t.length;
    let i = this.pos;
    if (i >= n) return undefined;
    const start = i;
    while (i < n && !isSpace(t.charCodeAt(i))) i++;
    this.pos = i;
    const token = t.slice(start, i);
    const value = toNumber(token);
    if (value === null || beyondFloat32(value)) {
      throw new BadPlyToken(tokenMessage(this.line, start - this.lineStart + 1, token), value !== null);
    }
    if (isIntegerType(type) && !Number.isInteger(value)) {
      throw new BadPlyToken(tokenMessage(this.line, start - this.lineStart + 1, token, `is not a valid ${type} value`), false);
    }
    return value;
  }

  /** After the last declared element: the values left over, and where the first one is. */
  rest(): { values: number; line: number; column: number; token: string } | undefined {
    this.skipSpace();
    if (this.pos >= this.text.length) return undefined;
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    const first = /^\S+/.exec(this.text.slice(this.pos, this.pos + 64))![0];
    let values = 0;
    while (this.pos < this.text.length) {
      while (this.pos < this.text.length && !isSpace(this.text.charCodeAt(this.pos))) this.pos++;
      values++;
      this.skipSpace();
    }
    return { values, line, column, token: first };
  }
}
