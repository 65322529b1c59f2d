// A binary PLY whose header names the wrong byte order (binary_big_endian over little-endian
// floats, or the reverse) reads as numbers that no scan holds. We compare the two readings of the
// float x, y, z of the first rows and refuse the file when the declared one is implausible and
// the other one is plausible:
//
// - absurd: a value that is subnormal (0 < |v| < 2^-126), NaN or infinite. Round coordinates
//   (0.5, 1, 2: low bytes zero) swapped become subnormals like 8.9e-44. Large values are not
//   absurd: a cloud at +-3.4e38 is finite and must load (its swapped reading, -2.1e-20, is as
//   concentrated as the right one, so only the declared reading's plausibility can decide).
// - scattered: real coordinates of one object lie within a factor 2^24 (about 1.7e7) of their
//   median magnitude; swapped bytes of non-round floats take their exponent from a mantissa byte,
//   so their magnitudes spread over the whole float range (about 1 in 5 within that band).
//
// Declared reading implausible: over half of the non-zero values absurd, or under half within the
// band. Other reading plausible: under 1% absurd and over 90% within the band. Both must hold, so
// a real file with odd data (a flat scan with noise at 1e-9) is never refused: its swapped reading
// is scattered. Integer coordinates are not judged (every bit pattern is an ordinary integer).
import type { PlyScalar } from './plyHeader';
import { readScalar } from './plyValues';
import { LoadError } from './types';

const SAMPLE_ROWS = 4096;
const BAND = 24;
const FLOAT32_MIN_NORMAL = 2 ** -126;

interface Reading {
  absurd: number;
  inBand: number;
  nonZero: number;
}

function judge(values: Float64Array): Reading {
  const exponents: number[] = [];
  let absurd = 0;
  for (const v of values) {
    if (v === 0) continue;
    const a = Math.abs(v);
    if (!Number.isFinite(v) || a < FLOAT32_MIN_NORMAL) absurd++;
    if (Number.isFinite(v)) exponents.push(Math.log2(a));
  }
  const nonZero = values.reduce((n, v) => (v === 0 ? n : n + 1), 0);
  if (exponents.length === 0) return { absurd, inBand: 0, nonZero };
  const sorted = exponents.slice().sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  const inBand = exponents.reduce((n, e) => (Math.abs(e - median) <= BAND ? n + 1 : n), 0);
  return { absurd, inBand, nonZero };
}

export function checkByteOrder(
  view: DataView,
  start: number,
  stride: number,
  count: number,
  kept: readonly { offset: number; type: PlyScalar; slot: number }[],
  little: boolean,
): void {
  const xyz = kept.filter((k) => k.slot < 3 && (k.type === 'float32' || k.type === 'float64'));
  if (xyz.length === 0) return;
  const rows = Math.min(count, SAMPLE_ROWS);
  const declared = new Float64Array(rows * xyz.length);
  const swapped = new Float64Array(rows * xyz.length);
  for (let i = 0, j = 0; i < rows; i++) {
    for (const k of xyz) {
      const at = start + i * stride + k.offset;
      declared[j] = readScalar(view, at, k.type, little);
      swapped[j++] = readScalar(view, at, k.type, !little);
    }
  }
  const d = judge(declared);
  const s = judge(swapped);
  if (d.nonZero < 8 || s.nonZero === 0) return;
  const declaredBad = d.absurd > 0.5 * d.nonZero || d.inBand < 0.5 * d.nonZero;
  const otherGood = s.absurd < 0.01 * s.nonZero && s.inBand > 0.9 * s.nonZero;
  if (!declaredBad || !otherGood) return;
  const said = little ? 'binary_little_endian' : 'binary_big_endian';
  const other = little ? 'big-endian' : 'little-endian';
  const percent = (n: number): number => Math.round((100 * n) / d.nonZero);
  throw new LoadError(
    'ply',
    'malformed',
    `the header says ${said}, but read that way the first ${rows} vertices' coordinates are not plausible ` +
      `(${percent(d.absurd)}% subnormal, NaN or infinite; ${percent(d.inBand)}% within 2^24 of their median), ` +
      `while read as ${other} they are ordinary numbers: the byte order in the header is probably wrong`,
  );
}
