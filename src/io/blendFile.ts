// A Blender file's layers below the scene (blend.ts reads the scene from them). A .blend is
// Blender's memory written out: a header (the pointer size, the byte order, the version), then
// blocks, each a header (a code: an ID's two letters such as "OB" or "ME", or DATA for what an ID
// owns; the address the block had in memory; which struct it holds and how many) and its bytes;
// and one block, DNA1, that describes every struct: its fields' names, types and sizes (the SDNA).
// Fields are found by name through it, so any version's file is read by the same code: a field
// that moved or changed size is where this file's DNA says. A pointer is the address of another
// block. Two headers exist: 12 bytes ("BLENDER-v304": 8-byte pointers, little-endian, 3.4) with
// blocks of 24 bytes (20 for 4-byte pointers), and, from Blender 5.0, 17 bytes ("BLENDER17-01v0500")
// with blocks of 32. Big-endian files (PowerPC Macs, Blender 2.4x and older) are refused.
import { formatCount } from './limits';
import { LoadError } from './types';

/** One block: its code, the struct it holds (an index into the DNA's structs), where its bytes
 * start and how many there are, and how many structs it holds. */
export interface Block {
  code: string;
  sdna: number;
  address: bigint;
  start: number;
  length: number;
  count: number;
}

interface Field {
  name: string;
  type: string;
  pointer: boolean;
  offset: number;
  size: number;
  /** The count of an array field (`co[3]`: 3); 1 otherwise. */
  items: number;
}

interface Struct {
  name: string;
  size: number;
  fields: Map<string, Field>;
}

const SCALAR_BYTES: Readonly<Record<string, number>> = {
  char: 1, uchar: 1, int8_t: 1, uint8_t: 1, bool: 1,
  short: 2, ushort: 2, int16_t: 2, uint16_t: 2,
  int: 4, uint: 4, int32_t: 4, uint32_t: 4, float: 4,
  double: 8, int64_t: 8, uint64_t: 8,
};

/** A number of DNA type `type` at byte `at` (little-endian). */
function readScalar(v: DataView, type: string, at: number): number {
  switch (type) {
    case 'float': return v.getFloat32(at, true);
    case 'double': return v.getFloat64(at, true);
    case 'char': case 'uchar': case 'uint8_t': case 'bool': return v.getUint8(at);
    case 'int8_t': return v.getInt8(at);
    case 'short': case 'int16_t': return v.getInt16(at, true);
    case 'ushort': case 'uint16_t': return v.getUint16(at, true);
    case 'uint': case 'uint32_t': return v.getUint32(at, true);
    case 'int64_t': case 'uint64_t': return Number(v.getBigInt64(at, true));
    default: return v.getInt32(at, true);
  }
}

/** What a file's header says: its pointer size, the version of Blender that wrote it, where its
 * first block starts and how long a block's header is. */
export interface BlendHeader {
  pointerSize: 4 | 8;
  version: number;
  headerBytes: number;
  blockHeadBytes: 20 | 24 | 32;
}

/** The header at the start of `bytes` (its first 17 bytes are enough). */
export function blendHeader(bytes: Uint8Array): BlendHeader {
  const head = String.fromCharCode(...bytes.subarray(0, 17));
  if (!head.startsWith('BLENDER')) throw new LoadError('blend', 'malformed', 'the file does not start with "BLENDER", as every Blender file does');
  const small = /^BLENDER([-_])([vV])(\d{3})/.exec(head);
  const large = /^BLENDER(\d\d)-(\d\d)([vV])(\d{4})/.exec(head);
  if (!small && !large) throw new LoadError('blend', 'unsupported', `its header ${JSON.stringify(head.slice(0, 17))} is not one this reader knows (Blender 2.5 to 5.x write "BLENDER-v" and 3 digits, or "BLENDER17-01v" and 4)`);
  if ((small ? small[2] : large![3]) === 'V') throw new LoadError('blend', 'unsupported', 'it was saved on a big-endian machine (a PowerPC Mac, Blender 2.4x or older); open it in a current Blender and save it again');
  if (large && large[2] !== '01') throw new LoadError('blend', 'unsupported', `its file format version is ${large[2]}; this reader knows 01 (Blender 5.0 and later)`);
  const pointerSize = small?.[1] === '_' ? 4 : 8;
  return { pointerSize, version: Number(small ? small[3] : large![4]), headerBytes: small ? 12 : Number(large![1]), blockHeadBytes: large ? 32 : pointerSize === 8 ? 24 : 20 };
}

/** The block whose header is at byte `at` of a file of `size` bytes (its bytes from `at` + the
 * header's length), checked to lie within the file; null for ENDB, the end. `view` holds the file
 * from byte `base` (a window of a file read by parts: blendLarge.ts). */
export function blockAt(view: DataView, at: number, headSize: number, size: number, base = 0): Block | null {
  if (at + headSize > size) {
    throw new LoadError('blend', 'truncated', `the file ends inside the block header at byte ${formatCount(at)}, before the ENDB block every Blender file ends with: is it cut short?`);
  }
  const h = at - base;
  const code = String.fromCharCode(view.getUint8(h), view.getUint8(h + 1), view.getUint8(h + 2), view.getUint8(h + 3)).replace(/\0+$/, '');
  if (code === 'ENDB') return null;
  let length: number;
  let address: bigint;
  let sdna: number;
  let count: number;
  if (headSize === 32) {
    sdna = view.getInt32(h + 4, true);
    address = view.getBigUint64(h + 8, true);
    length = Number(view.getBigInt64(h + 16, true));
    count = Number(view.getBigInt64(h + 24, true));
  } else {
    length = view.getInt32(h + 4, true);
    address = headSize === 24 ? view.getBigUint64(h + 8, true) : BigInt(view.getUint32(h + 8, true));
    sdna = view.getInt32(h + headSize - 8, true);
    count = view.getInt32(h + headSize - 4, true);
  }
  const start = at + headSize;
  if (length < 0 || count < 0 || sdna < 0) throw new LoadError('blend', 'malformed', `the ${JSON.stringify(code)} block at byte ${formatCount(at)} declares a negative length, count or struct`);
  if (start + length > size) {
    throw new LoadError('blend', 'truncated', `the ${JSON.stringify(code)} block at byte ${formatCount(at)} is ${formatCount(length)} bytes long, past the end of the file (${formatCount(size)} bytes): is it cut short?`);
  }
  return { code, sdna, address, start, length, count };
}

export class BlendFile {
  readonly view: DataView;
  readonly pointerSize: 4 | 8;
  /** Blender's version that wrote the file, as its header says (304: 3.4; 500: 5.0). */
  readonly version: number;
  readonly blocks: Block[] = [];
  private readonly byAddress = new Map<bigint, Block>();
  private readonly structs: Struct[] = [];
  private readonly structByName = new Map<string, number>();

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const header = blendHeader(bytes);
    this.pointerSize = header.pointerSize;
    this.version = header.version;
    this.readBlocks(header.headerBytes, header.blockHeadBytes);
  }

  private readBlocks(from: number, headSize: number): void {
    let dna: Block | undefined;
    for (let at = from; ; ) {
      const block = blockAt(this.view, at, headSize, this.bytes.length);
      if (block === null) break;
      this.blocks.push(block);
      if (block.code === 'DNA1') dna = block;
      else if (!this.byAddress.has(block.address)) this.byAddress.set(block.address, block);
      at = block.start + block.length;
    }
    if (!dna) throw new LoadError('blend', 'malformed', 'the file has no DNA1 block, the description of its structs that every Blender file holds');
    this.readDna(dna);
  }

  /** The SDNA: "SDNA", then NAME, TYPE, TLEN and STRC, each list 4-byte aligned. */
  private readDna(block: Block): void {
    const { view, bytes } = this;
    const end = block.start + block.length;
    const bad = (what: string): LoadError => new LoadError('blend', 'malformed', `its DNA1 block (the structs' description) is broken: ${what}`);
    let at = block.start;
    const tag = (name: string): void => {
      if (at + 4 > end || String.fromCharCode(...bytes.subarray(at, at + 4)) !== name) throw bad(`expected ${name} at byte ${formatCount(at)}`);
      at += 4;
    };
    const int = (): number => {
      if (at + 4 > end) throw bad('it ends early');
      const v = view.getInt32(at, true);
      at += 4;
      return v;
    };
    const align = (): void => {
      at = block.start + Math.ceil((at - block.start) / 4) * 4;
    };
    const strings = (n: number): string[] => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const zero = bytes.indexOf(0, at);
        if (zero < 0 || zero >= end) throw bad('a name runs past its end');
        out.push(String.fromCharCode(...bytes.subarray(at, zero)));
        at = zero + 1;
      }
      align();
      return out;
    };
    tag('SDNA');
    tag('NAME');
    const names = strings(int());
    tag('TYPE');
    const types = strings(int());
    tag('TLEN');
    if (at + 2 * types.length > end) throw bad('its type sizes run past its end');
    const sizes = types.map((_, i) => view.getUint16(at + 2 * i, true));
    at += 2 * types.length;
    align();
    tag('STRC');
    const structCount = int();
    for (let s = 0; s < structCount; s++) {
      if (at + 4 > end) throw bad('its structs run past its end');
      const type = view.getInt16(at, true);
      const fieldCount = view.getInt16(at + 2, true);
      at += 4;
      if (type < 0 || type >= types.length || fieldCount < 0 || at + 4 * fieldCount > end) throw bad(`struct ${s} is out of range`);
      const fields = new Map<string, Field>();
      let offset = 0;
      for (let f = 0; f < fieldCount; f++, at += 4) {
        const fieldType = view.getInt16(at, true);
        const fieldName = names[view.getInt16(at + 2, true)];
        if (fieldType < 0 || fieldType >= types.length || fieldName === undefined) throw bad(`a field of struct ${types[type]} is out of range`);
        const pointer = fieldName.startsWith('*') || fieldName.startsWith('(*');
        const items = [...fieldName.matchAll(/\[(\d+)\]/g)].reduce((n, m) => n * Number(m[1]), 1);
        const size = (pointer ? this.pointerSize : sizes[fieldType]!) * items;
        const name = fieldName.replace(/^\(?\**/, '').replace(/[)[].*$/, '');
        fields.set(name, { name, type: types[fieldType]!, pointer, offset, size, items });
        offset += size;
      }
      this.structs.push({ name: types[type]!, size: sizes[type]!, fields });
      if (!this.structByName.has(types[type]!)) this.structByName.set(types[type]!, s);
    }
  }

  /** The block at `address` (a pointer's value); undefined for null or an address no block has. */
  block(address: bigint): Block | undefined {
    return address === 0n ? undefined : this.byAddress.get(address);
  }

  /** The name of the struct a block holds. */
  structName(block: Block): string {
    return this.structs[block.sdna]?.name ?? '';
  }

  hasStruct(name: string): boolean {
    return this.structByName.has(name);
  }

  /** The structs of a block, as many as it holds, read as their own struct type. */
  items(block: Block): StructView[] {
    const s = this.structs[block.sdna];
    if (!s || s.size === 0) return [];
    const count = Math.min(block.count, Math.floor(block.length / s.size));
    return Array.from({ length: count }, (_, i) => new StructView(this, s, block.start + i * s.size));
  }

  /** Item `index` of one number field of every struct a block holds (MVert's `co`, MLoop's `v`),
   * read without a view per struct: meshes have millions. Empty when its struct has no such field. */
  column(block: Block, name: string, index = 0): Float64Array {
    const s = this.structs[block.sdna];
    const f = s?.fields.get(name);
    const width = f ? SCALAR_BYTES[f.type] : undefined;
    if (!s || !f || f.pointer || width === undefined || s.size === 0 || index >= f.items) return new Float64Array(0);
    const out = new Float64Array(Math.min(block.count, Math.floor(block.length / s.size)));
    for (let i = 0, at = block.start + f.offset + index * width; i < out.length; i++, at += s.size) out[i] = readScalar(this.view, f.type, at);
    return out;
  }

  /** The struct at `address` (the first of its block), or undefined. */
  at(address: bigint): StructView | undefined {
    const block = this.block(address);
    return block ? this.first(block) : undefined;
  }

  /** The first struct of a block (without a view of every other). */
  private first(block: Block): StructView | undefined {
    const s = this.structs[block.sdna];
    return s && s.size > 0 && block.count > 0 && block.length >= s.size ? new StructView(this, s, block.start) : undefined;
  }

  /** The blocks of one ID code ("OB", "ME", "SC", ...), as structs. */
  ids(code: string): StructView[] {
    return this.blocks.filter((b) => b.code === code).flatMap((b) => this.first(b) ?? []);
  }

  /** The struct named `name` laid over `offset` (an embedded struct, such as a Mesh's CustomData). */
  structAt(name: string, offset: number): StructView | undefined {
    const index = this.structByName.get(name);
    return index === undefined ? undefined : new StructView(this, this.structs[index]!, offset);
  }

  /** A null-terminated string at `address` (a `char *` field); '' for null. */
  string(address: bigint): string {
    const block = this.block(address);
    if (!block) return '';
    const raw = this.bytes.subarray(block.start, block.start + block.length);
    const zero = raw.indexOf(0);
    return new TextDecoder().decode(zero < 0 ? raw : raw.subarray(0, zero));
  }
}

/** One struct in the file, its fields read by name through the DNA. */
export class StructView {
  constructor(
    readonly file: BlendFile,
    readonly struct: Struct,
    readonly offset: number,
  ) {}

  get type(): string {
    return this.struct.name;
  }

  /** The first of `names` this struct has (a field renamed across versions has both). */
  field(...names: string[]): Field | undefined {
    for (const n of names) {
      const f = this.struct.fields.get(n);
      if (f) return f;
    }
    return undefined;
  }

  has(...names: string[]): boolean {
    return this.field(...names) !== undefined;
  }

  /** Item `index` of a number field (`co[3]`: index 0 to 2), by its type; 0 for a missing field. */
  number(name: string | string[], index = 0): number {
    const f = this.field(...(typeof name === 'string' ? [name] : name));
    if (!f || f.pointer || index >= f.items) return 0;
    const width = SCALAR_BYTES[f.type];
    if (width === undefined) return 0;
    const at = this.offset + f.offset + index * width;
    return at + width > this.file.view.byteLength ? 0 : readScalar(this.file.view, f.type, at);
  }

  /** The items of a number field (`loc[3]`, `parentinv[4][4]`). */
  numbers(name: string | string[], count: number): number[] {
    return Array.from({ length: count }, (_, i) => this.number(name, i));
  }

  /** A pointer field's address; 0n for null or a missing field. */
  pointer(...names: string[]): bigint {
    const f = this.field(...names);
    if (!f || !f.pointer) return 0n;
    const at = this.offset + f.offset;
    const v = this.file.view;
    if (at + this.file.pointerSize > v.byteLength) return 0n;
    return this.file.pointerSize === 8 ? v.getBigUint64(at, true) : BigInt(v.getUint32(at, true));
  }

  /** An embedded struct field (a Mesh's `vdata`, an Object's `id`). */
  sub(...names: string[]): StructView | undefined {
    const f = this.field(...names);
    return f && !f.pointer ? this.file.structAt(f.type, this.offset + f.offset) : undefined;
  }

  /** A char array field as text (an ID's name, a layer's name). */
  text(name: string): string {
    const f = this.field(name);
    if (!f || f.pointer) return '';
    const raw = this.file.bytes.subarray(this.offset + f.offset, this.offset + f.offset + f.size);
    const zero = raw.indexOf(0);
    return new TextDecoder().decode(zero < 0 ? raw : raw.subarray(0, zero));
  }
}

/** An ID's name (its `id.name` less the two-letter code: "OBChair" is 'Chair'). */
export const nameOf = (id: StructView): string => id.sub('id')?.text('name').slice(2) ?? '';

/** The structs of a ListBase, following `next` (cycles and runaway lists stopped). */
export function listOf(file: BlendFile, list: StructView | undefined, next: (item: StructView) => bigint = (item) => item.pointer('next')): StructView[] {
  const out: StructView[] = [];
  const seen = new Set<bigint>();
  for (let p = list?.pointer('first') ?? 0n; p !== 0n && !seen.has(p) && out.length < 1_000_000; ) {
    seen.add(p);
    const item = file.at(p);
    if (!item) break;
    out.push(item);
    p = next(item);
  }
  return out;
}
