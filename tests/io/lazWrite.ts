// A LASzip compressor for the tests: turns a plain LAS file of point format 0 to 3 (LAS 1.0 - 1.3)
// into LAZ as LASzip 2.x writes it (point-wise chunked, arithmetic coded, POINT10 and RGB12 items of
// version 2), so that the app's LAZ path (src/io/laz.ts, npm's laz-perf) is tested on files made
// here. Written from the LASzip specification (rapidlasso's "LASzip" paper and its design notes):
// Said's adaptive arithmetic coder with periodically updated models, the integer corrector coder,
// and the POINT10 / GPSTIME11 / RGB12 item coders. Nothing in src/ uses it.

const MIN_LENGTH = 0x01000000;
const BIT_SHIFT = 13; // the bit models' probability precision
const SYMBOL_SHIFT = 15; // the symbol models' distribution precision

/** An adaptive model of `symbols` symbols; its cumulative distribution is recomputed every so often. */
class SymbolModel {
  readonly counts: Uint32Array;
  readonly cumulative: Uint32Array;
  private total = 0;
  private cycle: number;
  untilUpdate: number;

  constructor(readonly symbols: number) {
    this.counts = new Uint32Array(symbols).fill(1);
    this.cumulative = new Uint32Array(symbols);
    this.cycle = symbols;
    this.update();
    this.cycle = (symbols + 6) >> 1;
    this.untilUpdate = this.cycle;
  }

  update(): void {
    this.total += this.cycle;
    if (this.total > 1 << SYMBOL_SHIFT) {
      this.total = 0;
      for (let s = 0; s < this.symbols; s++) {
        this.counts[s] = (this.counts[s]! + 1) >>> 1;
        this.total += this.counts[s]!;
      }
    }
    const scale = Math.floor(0x80000000 / this.total);
    let sum = 0;
    for (let s = 0; s < this.symbols; s++) {
      this.cumulative[s] = Math.floor((scale * sum) / 2 ** (31 - SYMBOL_SHIFT));
      sum += this.counts[s]!;
    }
    this.cycle = Math.min((5 * this.cycle) >>> 2, (this.symbols + 6) << 3);
    this.untilUpdate = this.cycle;
  }
}

/** An adaptive model of one bit. */
class BitModel {
  zeros = 1;
  count = 2;
  zeroProbability = 1 << (BIT_SHIFT - 1);
  private cycle = 4;
  untilUpdate = 4;

  update(): void {
    this.count += this.cycle;
    if (this.count > 1 << BIT_SHIFT) {
      this.count = (this.count + 1) >>> 1;
      this.zeros = (this.zeros + 1) >>> 1;
      if (this.zeros === this.count) this.count++;
    }
    const scale = Math.floor(0x80000000 / this.count);
    this.zeroProbability = Math.floor((this.zeros * scale) / 2 ** (31 - BIT_SHIFT));
    this.cycle = Math.min((5 * this.cycle) >>> 2, 64);
    this.untilUpdate = this.cycle;
  }
}

/** The range coder: an interval [base, base + length) of 32 bits, bytes out as its top byte settles. */
class RangeEncoder {
  private base = 0;
  private length = 0xffffffff;

  constructor(private readonly out: ByteSink) {}

  private add(x: number): void {
    this.base += x;
    if (this.base >= 2 ** 32) {
      this.base -= 2 ** 32;
      this.out.carry();
    }
  }

  private renormalise(): void {
    while (this.length < MIN_LENGTH) {
      this.out.push(this.base >>> 24);
      this.base = (this.base * 256) % 2 ** 32;
      this.length *= 256;
    }
  }

  bit(model: BitModel, bit: number): void {
    const x = model.zeroProbability * (this.length >>> BIT_SHIFT);
    if (bit === 0) {
      this.length = x;
      model.zeros++;
    } else {
      this.add(x);
      this.length -= x;
    }
    this.renormalise();
    if (--model.untilUpdate === 0) model.update();
  }

  symbol(model: SymbolModel, symbol: number): void {
    if (!(symbol >= 0 && symbol < model.symbols)) throw new Error(`symbol ${symbol} outside 0..${model.symbols - 1}`);
    let x: number;
    if (symbol === model.symbols - 1) {
      x = model.cumulative[symbol]! * (this.length >>> SYMBOL_SHIFT);
      this.add(x);
      this.length -= x;
    } else {
      this.length >>>= SYMBOL_SHIFT;
      x = model.cumulative[symbol]! * this.length;
      this.add(x);
      this.length = model.cumulative[symbol + 1]! * this.length - x;
    }
    this.renormalise();
    model.counts[symbol]!++;
    if (--model.untilUpdate === 0) model.update();
  }

  /** `bits` raw bits (at most 32) of `value`. */
  raw(bits: number, value: number): void {
    if (bits > 19) {
      this.raw(16, value & 0xffff);
      value = Math.floor(value / 65536);
      bits -= 16;
    }
    this.length = Math.floor(this.length / 2 ** bits);
    this.add(value * this.length);
    this.renormalise();
  }

  /** Settles the interval and writes the bytes a decoder reads ahead. */
  finish(): void {
    let anotherByte = true;
    if (this.length > 2 * MIN_LENGTH) {
      this.add(MIN_LENGTH);
      this.length = MIN_LENGTH >>> 1;
    } else {
      this.add(MIN_LENGTH >>> 1);
      this.length = MIN_LENGTH >>> 9;
      anotherByte = false;
    }
    this.renormalise();
    this.out.push(0);
    this.out.push(0);
    if (anotherByte) this.out.push(0);
  }
}

/** A growable byte array that a carry can reach back into. */
class ByteSink {
  private bytes = new Uint8Array(1 << 16);
  size = 0;

  push(byte: number): void {
    if (this.size === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.size++] = byte;
  }

  pushAll(bytes: Uint8Array): void {
    for (const b of bytes) this.push(b);
  }

  carry(): void {
    let i = this.size - 1;
    while (this.bytes[i] === 0xff) this.bytes[i--] = 0;
    this.bytes[i]!++;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

/** Codes an integer as a correction of a prediction: the correction's bit length k with a model per
 * context, then its value within that length (the top 8 bits modelled, the rest raw). */
class IntegerCoder {
  k = 0;
  private readonly lengths: SymbolModel[];
  private readonly zeroOrOne = new BitModel();
  private readonly within: SymbolModel[] = [];
  private readonly range: number;

  constructor(private readonly enc: RangeEncoder, bits: number, contexts = 1) {
    this.range = bits < 32 ? 2 ** bits : 0;
    const lengthBits = bits < 32 ? bits : 32;
    this.lengths = Array.from({ length: contexts }, () => new SymbolModel(lengthBits + 1));
    for (let k = 1; k <= lengthBits; k++) this.within.push(new SymbolModel(2 ** Math.min(k, 8)));
  }

  code(predicted: number, actual: number, context = 0): void {
    let c = (actual - predicted) | 0;
    if (this.range) {
      if (c < -this.range / 2) c += this.range;
      else if (c > this.range / 2 - 1) c -= this.range;
    }
    const magnitude = c <= 0 ? -c : c - 1;
    let k = 0;
    for (let rest = magnitude; rest > 0; rest = Math.floor(rest / 2)) k++;
    this.k = k;
    this.enc.symbol(this.lengths[context]!, k);
    if (k === 0) {
      this.enc.bit(this.zeroOrOne, c);
      return;
    }
    if (k >= 32) throw new Error('a correction of 32 bits is not written by this coder');
    const offset = c < 0 ? c + 2 ** k - 1 : c - 1;
    if (k <= 8) {
      this.enc.symbol(this.within[k - 1]!, offset);
    } else {
      const low = k - 8;
      this.enc.symbol(this.within[k - 1]!, Math.floor(offset / 2 ** low));
      this.enc.raw(low, offset % 2 ** low);
    }
  }
}

/** The median of the last five values, kept as LASzip's streaming median does (it alternates which
 * end of its sorted five it drops). */
class Median5 {
  private v = [0, 0, 0, 0, 0];
  private high = true;

  get(): number {
    return this.v[2]!;
  }

  add(x: number): void {
    const v = this.v;
    if (this.high) {
      if (x < v[2]!) {
        v[4] = v[3]!;
        v[3] = v[2]!;
        if (x < v[0]!) [v[2], v[1], v[0]] = [v[1]!, v[0]!, x];
        else if (x < v[1]!) [v[2], v[1]] = [v[1]!, x];
        else v[2] = x;
      } else {
        if (x < v[3]!) [v[4], v[3]] = [v[3]!, x];
        else v[4] = x;
        this.high = false;
      }
    } else if (v[2]! < x) {
      v[0] = v[1]!;
      v[1] = v[2]!;
      if (v[4]! < x) [v[2], v[3], v[4]] = [v[3]!, v[4]!, x];
      else if (v[3]! < x) [v[2], v[3]] = [v[3]!, x];
      else v[2] = x;
    } else {
      if (v[1]! < x) [v[0], v[1]] = [v[1]!, x];
      else v[0] = x;
      this.high = true;
    }
  }
}

// Which context a (number of returns, return number) pair uses: the return map for the x / y
// medians and the intensity, the level for the last height (LASzip's tables, completed for files
// that number their returns from 0 or swap the two fields).
const RETURN_MAP = [
  [15, 14, 13, 12, 11, 10, 9, 8], [14, 0, 1, 3, 6, 10, 10, 9], [13, 1, 2, 4, 7, 11, 11, 10], [12, 3, 4, 5, 8, 12, 12, 11],
  [11, 6, 7, 8, 9, 13, 13, 12], [10, 10, 11, 12, 13, 14, 14, 13], [9, 10, 11, 12, 13, 14, 15, 14], [8, 9, 10, 11, 12, 13, 14, 15],
];
const RETURN_LEVEL = Array.from({ length: 8 }, (_, n) => Array.from({ length: 8 }, (_, r) => Math.abs(n - r)));

const fold8 = (n: number): number => (n < 0 ? n + 256 : n > 255 ? n - 256 : n);
const clamp8 = (n: number): number => (n < 0 ? 0 : n > 255 ? 255 : n);
const evenBelow = (k: number): number => k & ~1;

/** The 20 bytes every LAS 1.0 - 1.3 point starts with. */
class Point10Coder {
  private last = new Uint8Array(20);
  private readonly lastIntensity = new Uint16Array(16);
  private readonly lastHeight = new Int32Array(8);
  private readonly xMedian = Array.from({ length: 16 }, () => new Median5());
  private readonly yMedian = Array.from({ length: 16 }, () => new Median5());
  private readonly changed: SymbolModel;
  private readonly flags = new Map<number, SymbolModel>();
  private readonly classes = new Map<number, SymbolModel>();
  private readonly userData = new Map<number, SymbolModel>();
  private readonly scanAngle: SymbolModel[];
  private readonly intensity: IntegerCoder;
  private readonly source: IntegerCoder;
  private readonly dx: IntegerCoder;
  private readonly dy: IntegerCoder;
  private readonly z: IntegerCoder;

  constructor(private readonly enc: RangeEncoder, first: Uint8Array) {
    this.changed = new SymbolModel(64);
    this.intensity = new IntegerCoder(enc, 16, 4);
    this.scanAngle = [new SymbolModel(256), new SymbolModel(256)];
    this.source = new IntegerCoder(enc, 16);
    this.dx = new IntegerCoder(enc, 32, 2);
    this.dy = new IntegerCoder(enc, 32, 22);
    this.z = new IntegerCoder(enc, 32, 20);
    this.last.set(first);
  }

  private model(models: Map<number, SymbolModel>, previous: number): SymbolModel {
    let m = models.get(previous);
    if (!m) models.set(previous, (m = new SymbolModel(256)));
    return m;
  }

  write(item: Uint8Array): void {
    const view = new DataView(item.buffer, item.byteOffset, 20);
    const last = new DataView(this.last.buffer, 0, 20);
    const r = item[14]! & 7;
    const n = (item[14]! >> 3) & 7;
    const m = RETURN_MAP[n]![r]!;
    const l = RETURN_LEVEL[n]![r]!;
    const intensity = view.getUint16(12, true);
    const source = view.getUint16(18, true);
    const changed =
      (Number(this.last[14] !== item[14]) << 5) |
      (Number(this.lastIntensity[m] !== intensity) << 4) |
      (Number(this.last[15] !== item[15]) << 3) |
      (Number(this.last[16] !== item[16]) << 2) |
      (Number(this.last[17] !== item[17]) << 1) |
      Number(last.getUint16(18, true) !== source);
    this.enc.symbol(this.changed, changed);
    if (changed & 32) this.enc.symbol(this.model(this.flags, this.last[14]!), item[14]!);
    if (changed & 16) {
      this.intensity.code(this.lastIntensity[m]!, intensity, Math.min(m, 3));
      this.lastIntensity[m] = intensity;
    }
    if (changed & 8) this.enc.symbol(this.model(this.classes, this.last[15]!), item[15]!);
    if (changed & 4) this.enc.symbol(this.scanAngle[(item[14]! >> 6) & 1]!, fold8(item[16]! - this.last[16]!));
    if (changed & 2) this.enc.symbol(this.model(this.userData, this.last[17]!), item[17]!);
    if (changed & 1) this.source.code(last.getUint16(18, true), source);

    const dx = (view.getInt32(0, true) - last.getInt32(0, true)) | 0;
    this.dx.code(this.xMedian[m]!.get(), dx, Number(n === 1));
    this.xMedian[m]!.add(dx);
    const kx = this.dx.k;
    const dy = (view.getInt32(4, true) - last.getInt32(4, true)) | 0;
    this.dy.code(this.yMedian[m]!.get(), dy, Number(n === 1) + (kx < 20 ? evenBelow(kx) : 20));
    this.yMedian[m]!.add(dy);
    const kz = Math.floor((this.dx.k + this.dy.k) / 2);
    const z = view.getInt32(8, true);
    this.z.code(this.lastHeight[l]!, z, Number(n === 1) + (kz < 18 ? evenBelow(kz) : 18));
    this.lastHeight[l] = z;
    this.last = item.slice(0, 20);
  }
}

const MULTI = 500; // GPS time differences coded as a multiple of the last one, up to this
const MULTI_MINUS = -10; // and down to this
const MULTI_UNCHANGED = MULTI - MULTI_MINUS + 1;
const MULTI_FULL = MULTI - MULTI_MINUS + 2;

/** A point's GPS time (a double), coded by its bits: as an integer difference from the last time of
 * one of four sequences, predicted as a multiple of that sequence's last difference. */
class GpsTimeCoder {
  private readonly multi = new SymbolModel(MULTI - MULTI_MINUS + 6);
  private readonly zeroDiff = new SymbolModel(6);
  private readonly ic: IntegerCoder;
  private last = 0;
  private next = 0;
  private readonly times = [0n, 0n, 0n, 0n];
  private readonly diffs = [0, 0, 0, 0];
  private readonly extremes = [0, 0, 0, 0];

  constructor(private readonly enc: RangeEncoder, first: Uint8Array) {
    this.ic = new IntegerCoder(enc, 32, 9);
    this.times[0] = new DataView(first.buffer, first.byteOffset, 8).getBigInt64(0, true);
  }

  /** The difference from sequence `s`'s last time, when it fits 32 bits. */
  private diff32(time: bigint, s: number): number | null {
    const d = BigInt.asIntN(64, time - this.times[s]!);
    return d === BigInt.asIntN(32, d) ? Number(d) : null;
  }

  /** A time too far from the current sequence's: another sequence's, or the start of a new one. */
  private jump(time: bigint, item: Uint8Array, model: SymbolModel, base: number): void {
    for (let i = 1; i < 4; i++) {
      if (this.diff32(time, (this.last + i) & 3) !== null) {
        this.enc.symbol(model, base + i);
        this.last = (this.last + i) & 3;
        this.write(item);
        return;
      }
    }
    this.enc.symbol(model, base);
    const bits = BigInt.asUintN(64, time);
    this.ic.code(Number(BigInt.asIntN(32, BigInt.asUintN(64, this.times[this.last]!) >> 32n)), Number(BigInt.asIntN(32, bits >> 32n)), 8);
    const low = Number(bits & 0xffffffffn);
    this.enc.raw(16, low & 0xffff);
    this.enc.raw(16, low >>> 16);
    this.next = (this.next + 1) & 3;
    this.last = this.next;
    this.diffs[this.last] = 0;
    this.extremes[this.last] = 0;
    this.times[this.last] = time;
  }

  private extreme(diff: number): void {
    if (++this.extremes[this.last]! > 3) {
      this.diffs[this.last] = diff;
      this.extremes[this.last] = 0;
    }
  }

  write(item: Uint8Array): void {
    const time = new DataView(item.buffer, item.byteOffset, 8).getBigInt64(0, true);
    const s = this.last;
    const lastDiff = this.diffs[s]!;
    if (time === this.times[s]) {
      this.enc.symbol(lastDiff === 0 ? this.zeroDiff : this.multi, lastDiff === 0 ? 0 : MULTI_UNCHANGED);
      return;
    }
    const diff = this.diff32(time, s);
    if (diff === null) {
      this.jump(time, item, lastDiff === 0 ? this.zeroDiff : this.multi, lastDiff === 0 ? 2 : MULTI_FULL);
      return;
    }
    if (lastDiff === 0) {
      this.enc.symbol(this.zeroDiff, 1);
      this.ic.code(0, diff, 0);
      this.diffs[s] = diff;
      this.extremes[s] = 0;
    } else {
      const ratio = Math.fround(Math.fround(diff) / Math.fround(lastDiff));
      const multi = ratio >= 0 ? Math.trunc(Math.fround(ratio + 0.5)) : Math.trunc(Math.fround(ratio - 0.5));
      if (multi === 1) {
        this.enc.symbol(this.multi, 1);
        this.ic.code(lastDiff, diff, 1);
        this.extremes[s] = 0;
      } else if (multi > 0 && multi < MULTI) {
        this.enc.symbol(this.multi, multi);
        this.ic.code(Math.imul(multi, lastDiff), diff, multi < 10 ? 2 : 3);
      } else if (multi >= MULTI) {
        this.enc.symbol(this.multi, MULTI);
        this.ic.code(Math.imul(MULTI, lastDiff), diff, 4);
        this.extreme(diff);
      } else if (multi < 0 && multi > MULTI_MINUS) {
        this.enc.symbol(this.multi, MULTI - multi);
        this.ic.code(Math.imul(multi, lastDiff), diff, 5);
      } else if (multi < 0) {
        this.enc.symbol(this.multi, MULTI - MULTI_MINUS);
        this.ic.code(Math.imul(MULTI_MINUS, lastDiff), diff, 6);
        this.extreme(diff);
      } else {
        this.enc.symbol(this.multi, 0);
        this.ic.code(0, diff, 7);
        this.extreme(diff);
      }
    }
    this.times[s] = time;
  }
}

/** The 6 bytes of a point's red, green and blue (16 bits each). */
class Rgb12Coder {
  private last: Uint16Array;
  private readonly used = new SymbolModel(128);
  private readonly diff = Array.from({ length: 6 }, () => new SymbolModel(256));

  constructor(private readonly enc: RangeEncoder, first: Uint8Array) {
    this.last = Uint16Array.from([0, 1, 2].map((c) => first[2 * c]! | (first[2 * c + 1]! << 8)));
  }

  write(item: Uint8Array): void {
    const rgb = [0, 1, 2].map((c) => item[2 * c]! | (item[2 * c + 1]! << 8));
    const last = this.last;
    const lo = (v: number): number => v & 255;
    const hi = (v: number): number => v >> 8;
    let sym = 0;
    for (let c = 0; c < 3; c++) {
      sym |= Number(lo(last[c]!) !== lo(rgb[c]!)) << (2 * c);
      sym |= Number(hi(last[c]!) !== hi(rgb[c]!)) << (2 * c + 1);
    }
    const [r, g, b] = rgb as [number, number, number];
    sym |= Number(lo(r) !== lo(g) || lo(r) !== lo(b) || hi(r) !== hi(g) || hi(r) !== hi(b)) << 6;
    this.enc.symbol(this.used, sym);
    let diffLo = 0;
    let diffHi = 0;
    if (sym & 1) {
      diffLo = lo(r) - lo(last[0]!);
      this.enc.symbol(this.diff[0]!, fold8(diffLo));
    }
    if (sym & 2) {
      diffHi = hi(r) - hi(last[0]!);
      this.enc.symbol(this.diff[1]!, fold8(diffHi));
    }
    if (sym & 64) {
      if (sym & 4) this.enc.symbol(this.diff[2]!, fold8(lo(g) - clamp8(diffLo + lo(last[1]!))));
      if (sym & 16) {
        diffLo = Math.trunc((diffLo + lo(g) - lo(last[1]!)) / 2);
        this.enc.symbol(this.diff[4]!, fold8(lo(b) - clamp8(diffLo + lo(last[2]!))));
      }
      if (sym & 8) this.enc.symbol(this.diff[3]!, fold8(hi(g) - clamp8(diffHi + hi(last[1]!))));
      if (sym & 32) {
        diffHi = Math.trunc((diffHi + hi(g) - hi(last[1]!)) / 2);
        this.enc.symbol(this.diff[5]!, fold8(hi(b) - clamp8(diffHi + hi(last[2]!))));
      }
    }
    this.last = Uint16Array.from(rgb);
  }
}

export interface LazOptions {
  /** Points a chunk (LASzip's default 50,000). */
  chunkSize?: number;
}

/** The LAZ file of a plain LAS file of point format 0 to 3 (header, VLRs, points; nothing after). */
export function toLaz(las: Uint8Array, options: LazOptions = {}): Uint8Array {
  const chunkSize = options.chunkSize ?? 50000;
  const view = new DataView(las.buffer, las.byteOffset, las.byteLength);
  const headerSize = view.getUint16(94, true);
  const pointOffset = view.getUint32(96, true);
  const vlrCount = view.getUint32(100, true);
  const format = las[104]!;
  const recordLength = view.getUint16(105, true);
  const count = view.getUint32(107, true);
  if (format > 3) throw new Error(`toLaz writes point formats 0 to 3, not ${format}`);
  const gps = format === 1 || format === 3;
  const colour = format === 2 || format === 3;
  if (recordLength !== 20 + (gps ? 8 : 0) + (colour ? 6 : 0)) throw new Error(`toLaz: record length ${recordLength} for format ${format}`);

  // POINT10, GPSTIME11, RGB12 (LASzip's item types 6, 7, 8), each of version 2.
  const items = [[6, 20], ...(gps ? [[7, 8]] : []), ...(colour ? [[8, 6]] : [])];
  const vlr = new Uint8Array(54 + 34 + 6 * items.length);
  const v = new DataView(vlr.buffer);
  vlr.set(new TextEncoder().encode('laszip encoded'), 2);
  v.setUint16(18, 22204, true);
  v.setUint16(20, 34 + 6 * items.length, true);
  vlr.set(new TextEncoder().encode('by tests/io/lazWrite.ts'), 22);
  const body = 54;
  v.setUint16(body, 2, true); // point-wise chunked
  v.setUint16(body + 2, 0, true); // arithmetic coder
  vlr[body + 4] = 2; // LASzip 2.2.0
  vlr[body + 5] = 2;
  v.setUint16(body + 6, 0, true);
  v.setUint32(body + 8, 0, true); // options
  v.setUint32(body + 12, chunkSize, true);
  v.setBigInt64(body + 16, -1n, true); // no special EVLRs
  v.setBigInt64(body + 24, -1n, true);
  v.setUint16(body + 32, items.length, true);
  items.forEach(([type, size], i) => {
    v.setUint16(body + 34 + 6 * i, type!, true);
    v.setUint16(body + 36 + 6 * i, size!, true);
    v.setUint16(body + 38 + 6 * i, 2, true);
  });

  const out = new ByteSink();
  const head = las.slice(0, pointOffset);
  const hv = new DataView(head.buffer);
  head[104] = format | 0x80;
  hv.setUint32(96, pointOffset + vlr.length, true);
  hv.setUint32(100, vlrCount + 1, true);
  if (headerSize > pointOffset) throw new Error('toLaz: header larger than the point offset');
  out.pushAll(head);
  out.pushAll(vlr);
  const tablePointerAt = out.size;
  out.pushAll(new Uint8Array(8));

  const chunkBytes: number[] = [];
  for (let start = 0; start < count; start += chunkSize) {
    const chunkStart = out.size;
    const first = las.subarray(pointOffset + start * recordLength, pointOffset + (start + 1) * recordLength);
    out.pushAll(first);
    const enc = new RangeEncoder(out);
    const rgbAt = gps ? 28 : 20;
    const point = new Point10Coder(enc, first.subarray(0, 20));
    const time = gps ? new GpsTimeCoder(enc, first.subarray(20, 28)) : null;
    const rgb = colour ? new Rgb12Coder(enc, first.subarray(rgbAt, rgbAt + 6)) : null;
    for (let i = start + 1; i < Math.min(count, start + chunkSize); i++) {
      const record = las.subarray(pointOffset + i * recordLength, pointOffset + (i + 1) * recordLength);
      point.write(record.subarray(0, 20));
      time?.write(record.subarray(20, 28));
      rgb?.write(record.subarray(rgbAt, rgbAt + 6));
    }
    enc.finish();
    chunkBytes.push(out.size - chunkStart);
  }

  const tableAt = out.size;
  const table = new Uint8Array(8);
  new DataView(table.buffer).setUint32(4, chunkBytes.length, true); // version 0, the chunk count
  out.pushAll(table);
  if (chunkBytes.length) {
    const enc = new RangeEncoder(out);
    const sizes = new IntegerCoder(enc, 32, 2);
    chunkBytes.forEach((bytes, i) => sizes.code(i ? chunkBytes[i - 1]! : 0, bytes, 1));
    enc.finish();
  }
  const result = out.result();
  new DataView(result.buffer).setBigInt64(tablePointerAt, BigInt(tableAt), true);
  return result;
}
