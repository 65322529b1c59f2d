// Normalisation and resampling (docs/geometry.md section 1), CPU only. Matches the PyTorch twin:
// float64 sums in index order, float32 results.
import { fps } from './fps';
import { grow, grows } from './grow';
import { assertCount, assertFinite, gather, pointCount } from './points';
import { turnUpright, type UpAxis, upTurn } from './upTurn';

export type { UpAxis } from './upTurn';

/** Turns the file's up axis into z, centres on the mean and scales into the unit sphere. */
export function normalise(points: Float32Array, up: UpAxis = 'z'): Float32Array {
  const n = pointCount(points, 'normalise');
  assertFinite(points, 'normalise');
  upTurn(up, 'normalise');
  const p = overflowSafe(up === 'z' ? points : turnUpright(points, up));
  // -0, the identity of IEEE addition: a column of -0 (a flat cloud turned up) sums to -0, as
  // PyTorch's cumsum from its first element does, so the centred zeros get the twin's sign.
  let sx = -0;
  let sy = -0;
  let sz = -0;
  for (let i = 0; i < n; i++) {
    sx += p[3 * i];
    sy += p[3 * i + 1];
    sz += p[3 * i + 2];
  }
  const cx = sx / n;
  const cy = sy / n;
  const cz = sz / n;
  const q = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    q[3 * i] = p[3 * i] - cx;
    q[3 * i + 1] = p[3 * i + 1] - cy;
    q[3 * i + 2] = p[3 * i + 2] - cz;
  }
  // r from the float32 centred coordinates, in float64.
  let r = 0;
  for (let i = 0; i < n; i++) {
    const x = q[3 * i];
    const y = q[3 * i + 1];
    const z = q[3 * i + 2];
    const len = Math.sqrt(x * x + y * y + z * z);
    if (len > r) r = len;
  }
  if (r === 0) return new Float32Array(3 * n);
  for (let i = 0; i < q.length; i++) q[i] = q[i] / r;
  return q;
}

/** Coordinates whose differences could overflow float32 (a finite cloud at +-3.4e38 has a width
 * of 6.8e38, which is infinity in float32, and the result was NaN), scaled by a power of two so
 * the largest magnitude is at most 1; other clouds are returned as they are. A power of two
 * changes only exponents: every sum, difference and quotient below rounds to the same bits times
 * that power, so the normalised result is what exact arithmetic without overflow gives, and for
 * every ordinary cloud (|v| <= 2^100) the computation is untouched, bit for bit the PyTorch twin's. */
function overflowSafe(points: Float32Array): Float32Array {
  let max = 0;
  for (let i = 0; i < points.length; i++) {
    const a = Math.abs(points[i]);
    if (a > max) max = a;
  }
  if (max <= 2 ** 100) return points;
  const scale = 2 ** -Math.ceil(Math.log2(max));
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i++) out[i] = points[i] * scale;
  return out;
}

/** N_in points: FPS order when N > N_in, cyclic repeat when N < N_in, unchanged when equal; with
 * `growSparse`, a cloud of at most N_in / 3 points grown instead of repeated (grow.ts). */
export function resample(points: Float32Array, nIn: number, growSparse = false): Float32Array {
  const n = pointCount(points, 'resample');
  assertCount(nIn, 1, 'resample: N_in');
  if (n === nIn) return points;
  if (n > nIn) return gather(points, fps(points, nIn));
  if (growSparse && grows(n, nIn)) return grow(points, nIn);
  const idx = new Uint32Array(nIn);
  for (let j = 0; j < nIn; j++) idx[j] = j % n;
  return gather(points, idx);
}

/** normalise(points, up) of the points at `indices` only (all of them when null), value for value:
 * the same centre and radius, taken over the whole cloud in the same order, without a normalised
 * copy of the whole cloud (the viewer's "what the model sees" draws a huge cloud's subset). */
export function normaliseSubset(points: Float32Array, up: UpAxis, indices: Uint32Array | null): Float32Array {
  const n = pointCount(points, 'normaliseSubset');
  assertFinite(points, 'normaliseSubset');
  const { source, sign } = upTurn(up, 'normaliseSubset');
  let max = 0;
  for (let i = 0; i < points.length; i++) max = Math.max(max, Math.abs(points[i]));
  // overflowSafe's power of two, applied as it does (a float32 product, exact).
  const scale = max <= 2 ** 100 ? 1 : 2 ** -Math.ceil(Math.log2(max));
  const f = Math.fround;
  // The up turn of turnUpright, read in place.
  const coord = (i: number, axis: 0 | 1 | 2): number => {
    const v = sign[axis] * points[3 * i + source[axis]];
    return scale === 1 ? v : f(v * scale);
  };
  let sx = -0; // as normalise: -0 is the identity of addition
  let sy = -0;
  let sz = -0;
  for (let i = 0; i < n; i++) {
    sx += coord(i, 0);
    sy += coord(i, 1);
    sz += coord(i, 2);
  }
  const c = [sx / n, sy / n, sz / n] as const;
  let r = 0;
  for (let i = 0; i < n; i++) {
    const x = f(coord(i, 0) - c[0]);
    const y = f(coord(i, 1) - c[1]);
    const z = f(coord(i, 2) - c[2]);
    r = Math.max(r, Math.sqrt(x * x + y * y + z * z));
  }
  const m = indices ? indices.length : n;
  const out = new Float32Array(3 * m);
  if (r === 0) return out;
  for (let j = 0; j < m; j++) {
    const i = indices ? indices[j] : j;
    for (const axis of [0, 1, 2] as const) out[3 * j + axis] = f(coord(i, axis) - c[axis]) / r;
  }
  return out;
}
