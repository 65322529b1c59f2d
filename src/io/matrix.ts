// 4 x 4 affine transforms as the scene formats compose them (glTF, COLLADA, VRML / X3D, three.js's
// scenes): column-major, column vectors, so world = parent x local x point.
import type { Float64Builder } from './buffers';

export type Matrix = number[];

export const IDENTITY: Matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** a x b: b applied first. */
export function multiply(a: readonly number[], b: readonly number[]): Matrix {
  const out = new Array<number>(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) out[c * 4 + r] = a[r]! * b[c * 4]! + a[4 + r]! * b[c * 4 + 1]! + a[8 + r]! * b[c * 4 + 2]! + a[12 + r]! * b[c * 4 + 3]!;
  return out;
}

export const translation = ([x, y, z]: readonly number[]): Matrix => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, x!, y!, z!, 1];

export const scaling = ([x, y, z]: readonly number[]): Matrix => [x!, 0, 0, 0, 0, y!, 0, 0, 0, 0, z!, 0, 0, 0, 0, 1];

/** A turn of `angle` radians about the axis (x, y, z), counter-clockwise looking down the axis;
 * the identity for a zero axis. */
export function axisAngle(ax: number, ay: number, az: number, angle: number): Matrix {
  const length = Math.hypot(ax, ay, az);
  if (length === 0) return IDENTITY;
  const [x, y, z] = [ax / length, ay / length, az / length];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const k = 1 - c;
  return [x * x * k + c, y * x * k + z * s, z * x * k - y * s, 0, x * y * k - z * s, y * y * k + c, z * y * k + x * s, 0, x * z * k + y * s, y * z * k - x * s, z * z * k + c, 0, 0, 0, 0, 1];
}

/** Appends the first `count` points of `xyz` (x, y, z each) through `m` to `out`. */
export function pushTransformed(out: Float64Builder, m: ArrayLike<number>, xyz: ArrayLike<number>, count = Math.floor(xyz.length / 3)): void {
  for (let i = 0; i < 3 * count; i += 3) {
    const [x, y, z] = [xyz[i]!, xyz[i + 1]!, xyz[i + 2]!];
    out.push3(m[0]! * x + m[4]! * y + m[8]! * z + m[12]!, m[1]! * x + m[5]! * y + m[9]! * z + m[13]!, m[2]! * x + m[6]! * y + m[10]! * z + m[14]!);
  }
}

/** The inverse of an affine transform (its last row 0 0 0 1); null when it flattens space (a zero
 * scale). */
export function invertAffine(m: readonly number[]): Matrix | null {
  const [a, b, c, d, e, f, g, h, i] = [m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!];
  // Columns (a b c), (d e f), (g h i); the inverse's rows are the cross products of pairs of them.
  const det = a * (e * i - f * h) - d * (b * i - c * h) + g * (b * f - c * e);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) return null;
  const r = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
  const [tx, ty, tz] = [m[12]!, m[13]!, m[14]!];
  return [
    r[0]!, r[1]!, r[2]!, 0,
    r[3]!, r[4]!, r[5]!, 0,
    r[6]!, r[7]!, r[8]!, 0,
    -(r[0]! * tx + r[3]! * ty + r[6]! * tz), -(r[1]! * tx + r[4]! * ty + r[7]! * tz), -(r[2]! * tx + r[5]! * ty + r[8]! * tz), 1,
  ];
}
