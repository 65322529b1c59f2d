// HDF5's filters, undone on a chunk's bytes: deflate (three's copy of fflate), shuffle, Fletcher-32
// (checked) and LZF (h5py's); the others are named in the refusal.
import { unzlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { type Bytes, type Filter, fail } from './hdf5Objects';
import { formatCount } from './limits';

export const FILTER_NAMES: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 307: 'bzip2', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd' };
export const READ_FILTERS = new Set([1, 2, 3, 32000]);

/** A chunk's bytes with its filters undone (in the reverse of the order they were applied). */
export function unfilter(b: Bytes, chunk: { at: number; size: number; mask: number }, filters: readonly Filter[], expected: number, what: string): Uint8Array {
  b.need(chunk.at, chunk.size, `${what}'s chunk`);
  let data = b.slice(chunk.at, chunk.size);
  for (let i = filters.length - 1; i >= 0; i--) {
    if (chunk.mask & (1 << i)) continue;
    const f = filters[i]!;
    if (f.id === 1) {
      try {
        data = unzlibSync(data);
      } catch (error) {
        throw fail('malformed', `${what}: a chunk at byte ${formatCount(chunk.at)} does not inflate (${error instanceof Error ? error.message : String(error)})`);
      }
    } else if (f.id === 2) data = unshuffle(data, f.values[0] ?? 1);
    else if (f.id === 3) data = fletcher32(data, chunk.at, what);
    else if (f.id === 32000) data = lzf(data, expected, chunk.at, what);
  }
  if (data.length !== expected) throw fail('malformed', `${what}: a chunk at byte ${formatCount(chunk.at)} unpacks to ${formatCount(data.length)} bytes, not ${formatCount(expected)}`);
  return data;
}

/** Shuffle undone: the first bytes of every element came first, then the second bytes, ... */
function unshuffle(data: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return data;
  const count = Math.floor(data.length / size);
  const out = data.slice();
  for (let k = 0; k < size; k++) for (let i = 0; i < count; i++) out[i * size + k] = data[k * count + i]!;
  return out;
}

/** The data without its Fletcher-32 checksum, which is checked (HDF5's H5_checksum_fletcher32:
 * big-endian 16-bit words, the sums folded every 360 words). */
function fletcher32(data: Uint8Array, at: number, what: string): Uint8Array {
  if (data.length < 4) throw fail('malformed', `${what}: a chunk at byte ${formatCount(at)} is too short for its checksum`);
  const body = data.subarray(0, data.length - 4);
  let sum1 = 0;
  let sum2 = 0;
  const fold = (x: number) => (x & 0xffff) + (x >>> 16);
  let i = 0;
  for (let left = body.length >> 1; left > 0; ) {
    const run = Math.min(left, 360);
    left -= run;
    for (let k = 0; k < run; k++, i += 2) {
      sum1 += (body[i]! << 8) | body[i + 1]!;
      sum2 += sum1;
    }
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  if (body.length & 1) {
    sum1 += body[i]! << 8;
    sum2 += sum1;
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  sum1 = fold(sum1);
  sum2 = fold(sum2);
  const sum = ((sum2 << 16) | sum1) >>> 0;
  const swapped = (((sum & 0xff) << 24) | ((sum & 0xff00) << 8) | ((sum >>> 8) & 0xff00) | (sum >>> 24)) >>> 0; // as HDF5 before 1.6.2 stored it
  const stored = new DataView(data.buffer, data.byteOffset + body.length, 4).getUint32(0, true);
  if (sum !== stored && swapped !== stored) throw fail('malformed', `${what}: a chunk at byte ${formatCount(at)} fails its Fletcher-32 checksum (damaged)`);
  return body;
}

/** LZF (h5py's filter 32000), decompressed to `expected` bytes. */
function lzf(data: Uint8Array, expected: number, at: number, what: string): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  const damaged = () => fail('malformed', `${what}: a chunk at byte ${formatCount(at)} is not valid LZF`);
  while (i < data.length) {
    const control = data[i++]!;
    if (control < 32) {
      const n = control + 1;
      if (i + n > data.length || o + n > expected) throw damaged();
      out.set(data.subarray(i, i + n), o);
      i += n;
      o += n;
    } else {
      let n = control >> 5;
      if (n === 7) {
        if (i >= data.length) throw damaged();
        n += data[i++]!;
      }
      n += 2;
      if (i >= data.length) throw damaged();
      const from = o - ((control & 0x1f) << 8) - data[i++]! - 1;
      if (from < 0 || o + n > expected) throw damaged();
      for (let k = 0; k < n; k++) out[o + k] = out[from + k]!;
      o += n;
    }
  }
  if (o !== expected) throw damaged();
  return out;
}

