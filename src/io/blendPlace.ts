// Where a Blender object is (blend.ts places its mesh there): the world matrix Blender stored, or
// the one computed, as Blender computes it, from the object's location, rotation and scale with
// their deltas, under its parent's world matrix and the parent inverse. Matrices are column-major
// with column vectors (matrix.ts), as Blender's are.
import type { BlendFile, StructView } from './blendFile';
import { IDENTITY, type Matrix, axisAngle, multiply, scaling, translation } from './matrix';

/** Euler orders by Object.rotmode (1 to 6); 0 is a quaternion, -1 an axis and angle. */
const EULER_ORDERS = ['', 'XYZ', 'XZY', 'YXZ', 'YZX', 'ZXY', 'ZYX'];

/** A turn about one axis ('X', 'Y' or 'Z'). */
const turn = (axis: string, angle: number): Matrix => axisAngle(axis === 'X' ? 1 : 0, axis === 'Y' ? 1 : 0, axis === 'Z' ? 1 : 0, angle);

/** The rotation of Euler angles (x, y, z) in `order`: the first letter's turn applied first. */
function euler(angles: number[], order: string): Matrix {
  const byAxis: Record<string, number> = { X: angles[0]!, Y: angles[1]!, Z: angles[2]! };
  return [...order].reduce<Matrix>((m, axis) => multiply(turn(axis, byAxis[axis]!), m), IDENTITY);
}

/** The rotation of a quaternion (w, x, y, z), normalised; the identity for a zero one. */
function quaternion([w, x, y, z]: number[]): Matrix {
  const n = Math.hypot(w!, x!, y!, z!);
  if (n === 0) return IDENTITY;
  const [a, b, c, d] = [w! / n, x! / n, y! / n, z! / n];
  return [
    1 - 2 * (c * c + d * d), 2 * (b * c + a * d), 2 * (b * d - a * c), 0,
    2 * (b * c - a * d), 1 - 2 * (b * b + d * d), 2 * (c * d + a * b), 0,
    2 * (b * d + a * c), 2 * (c * d - a * b), 1 - 2 * (b * b + c * c), 0,
    0, 0, 0, 1,
  ];
}

/** An object's rotation, its delta rotation applied after it. */
function rotationOf(ob: StructView): Matrix {
  const mode = ob.number('rotmode');
  if (mode >= 1 && mode <= 6) return multiply(euler(ob.numbers('drot', 3), EULER_ORDERS[mode]!), euler(ob.numbers('rot', 3), EULER_ORDERS[mode]!));
  if (mode === -1) {
    const [ax, ay, az] = ob.numbers('rotAxis', 3);
    const [dx, dy, dz] = ob.numbers('drotAxis', 3);
    return multiply(axisAngle(dx!, dy!, dz!, ob.number('drotAngle')), axisAngle(ax!, ay!, az!, ob.number('rotAngle')));
  }
  return multiply(quaternion(ob.numbers('dquat', 4)), quaternion(ob.numbers('quat', 4)));
}

/** An object's matrix in its parent's frame: location, rotation and scale with their deltas. */
export function localMatrix(ob: StructView): Matrix {
  const loc = ob.numbers('loc', 3).map((v, k) => v + ob.number('dloc', k));
  const size = ob.numbers(['size', 'scale'], 3).map((v, k) => v * ob.number(['dscale', 'dsize'], k));
  return multiply(translation(loc), multiply(rotationOf(ob), scaling(size)));
}

/** An object's world matrix computed from its own and its parents' transforms. */
export function computedWorld(file: BlendFile, ob: StructView, depth = 0): Matrix {
  const parent = depth < 64 ? file.at(ob.pointer('parent')) : undefined;
  const local = localMatrix(ob);
  if (!parent) return local;
  return multiply(computedWorld(file, parent, depth + 1), multiply(ob.numbers('parentinv', 16), local));
}

/** The world matrix Blender stored (to 4.0), else the one computed from the transforms. */
export function worldOf(file: BlendFile, ob: StructView): Matrix {
  return ob.has('obmat', 'object_to_world') ? ob.numbers(['obmat', 'object_to_world'], 16) : computedWorld(file, ob);
}
