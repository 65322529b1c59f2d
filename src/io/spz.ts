// SPZ (Niantic's compressed Gaussian splats, what Scaniverse saves): a gzip stream of a 16-byte
// header (magic "NGSP", version, splat count, spherical-harmonics degree, fractional bits, flags,
// a reserved byte; little-endian) and then, attribute by attribute for every splat: positions (three
// 24-bit signed fixed-point numbers), alphas (a byte: the opacity), colours (three bytes: the base
// colour's spherical-harmonic coefficient, 0.5 + 0.15 x it, in 0..255), scales (3 bytes), rotations
// (3 bytes in version 2, 4 in version 3) and the higher harmonics (a byte each). Positions, alphas
// and colours are read; the rest is counted so that a short file is refused. SPZ stores y up.
import { gunzip, isGzip } from './gzip';
import { LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { colorFromDc } from './splats';
import { LoadError, type Parsed } from './types';

const HEADER = 16;
const MAGIC = 0x5053474e; // "NGSP"
/** What SPZ's colour byte holds: 0.5 + COLOR_SCALE x the base colour's harmonic coefficient. */
const COLOR_SCALE = 0.15;
/** Higher harmonic coefficients a colour channel has, by degree. */
const HARMONICS = [0, 3, 8, 15, 24];
/** Decompressed, an SPZ holds at most this: 10,000,000 splats of degree 3 take about 650 MB. */
const MAX_INFLATED = 4 * LIMITS.maxFileBytes;

export function parseSpz(bytes: Uint8Array): Parsed {
  if (!isGzip(bytes)) throw new LoadError('spz', 'malformed', 'the file is not gzip-compressed, as every SPZ file is (it would start with bytes 1f 8b)');
  const data = gunzip('spz', bytes, MAX_INFLATED, '4 x LIMITS.maxFileBytes');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < HEADER || view.getUint32(0, true) !== MAGIC) {
    const start = Array.from(data.subarray(0, 4), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    throw new LoadError(
      'spz',
      'malformed',
      `the file is gzip-compressed but holds no SPZ splats (they start with "NGSP"; this starts with "${start}"); ` +
        'if it is another file compressed, decompress it (gunzip) and load the file inside',
    );
  }
  const version = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  const degree = data[12]!;
  const fractionalBits = data[13]!;
  if (version !== 2 && version !== 3) {
    throw new LoadError('spz', 'unsupported', `version ${version} is not read (versions 2 and 3 are); save the splats as PLY or as SPZ version 3`);
  }
  if (degree >= HARMONICS.length) throw new LoadError('spz', 'malformed', `spherical-harmonics degree ${degree}; the format has 0 to ${HARMONICS.length - 1}`);
  if (fractionalBits > 24) throw new LoadError('spz', 'malformed', `${fractionalBits} fractional bits for 24-bit positions`);
  if (n === 0) throw new LoadError('spz', 'empty', 'the header declares no splats');
  if (n > LIMITS.maxPoints) throw new LoadError('spz', 'too-large', `the header declares ${formatCount(n)} splats; ${POINT_LIMIT_TEXT}`);
  const perSplat = 9 + 1 + 3 + 3 + (version === 2 ? 3 : 4) + 3 * HARMONICS[degree]!;
  const needed = HEADER + n * perSplat;
  if (data.length < needed) {
    const complete = Math.max(0, Math.floor((data.length - HEADER) / perSplat));
    throw new LoadError(
      'spz',
      'truncated',
      `the header declares ${countOf(n, 'splat')} (${formatCount(needed)} bytes decompressed) but the file holds ${formatCount(data.length)} (about ${formatCount(complete)} splats)`,
    );
  }
  const warnings = data.length > needed ? [`SPZ: ${countOf(data.length - needed, 'byte')} after the splats (extensions) were not read`] : [];
  const positions = new Float32Array(n * 3);
  const colors = new Float32Array(n * 3);
  const opacity = new Float32Array(n);
  const unit = 2 ** -fractionalBits;
  const alphaAt = HEADER + 9 * n;
  const colorAt = alphaAt + n;
  for (let i = 0; i < 3 * n; i++) {
    const at = HEADER + 3 * i;
    const v = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
    positions[i] = (v & 0x800000 ? v - 0x1000000 : v) * unit;
    colors[i] = colorFromDc((data[colorAt + i]! / 255 - 0.5) / COLOR_SCALE);
  }
  for (let i = 0; i < n; i++) opacity[i] = data[alphaAt + i]! / 255;
  return { kind: 'points', cloud: { positions, colors, count: n }, fileVertexCount: n, warnings, opacity };
}
