// Reading PLY body values one at a time, from binary (either byte order) or ASCII bodies.
// `read` returns undefined at the end of the data, so the caller can say where the file ended.
import { type PlyScalar, SCALAR_BYTES, isIntegerType } from './plyHeader';
import { quote, toNumber } from './text';

/** An ASCII token that is not a number of the declared type; the element loop adds context. */
export class BadPlyToken extends Error {}

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
 * element per line, and three.js reads them the same way). */
export class AsciiValues implements PlyValueSource {
  private readonly text: string;
  private pos = 0;

  constructor(bytes: Uint8Array, offset: number) {
    this.text = new TextDecoder('latin1').decode(bytes.subarray(offset));
  }

  read(type: PlyScalar): number | undefined {
    const t = this.text;
    const n = t.length;
    let i = this.pos;
    while (i < n && isSpace(t.charCodeAt(i))) i++;
    if (i >= n) {
      this.pos = i;
      return undefined;
    }
    const start = i;
    while (i < n && !isSpace(t.charCodeAt(i))) i++;
    this.pos = i;
    const token = t.slice(start, i);
    const value = toNumber(token);
    if (value === null || (isIntegerType(type) && !Number.isInteger(value))) {
      throw new BadPlyToken(`${quote(token)} is not a valid ${type} value`);
    }
    return value;
  }
}
