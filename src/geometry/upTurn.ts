// The up turns (docs/geometry.md section 1, docs/pose.md "Forced ups"): for each axis-aligned
// direction a file may have as its up, the rotation that stands it on +z, the up the networks
// were trained with. Each is exactly the benchmark's training/any2point/pose.py up_rotation()
// (the transpose of perturb.UP_ROTATIONS), written as a permutation with signs, so a turn is a
// copy and a negation per coordinate: exact in float32. tests/fixtures/up-turns.json holds the
// Python turns the TypeScript ones are checked against.

/** The file axis that points up. 'z' and 'y' are the original names (URLs, CLI, tests use them);
 * the app's automatic up searches only those two (src/model/decide.ts AUTO_UPS), the others are
 * forced choices. */
export type UpAxis = 'z' | 'y' | '-y' | 'x' | '-x' | '-z';

/** Every up axis, in the order of pose.py UP_CANDIDATES ("+z", "+y", "-y", "+x", "-x", "-z"). */
export const UP_AXES: readonly UpAxis[] = ['z', 'y', '-y', 'x', '-x', '-z'];

/** The up to classify a loaded file with: the setting, except that on Auto a floor the loaders
 * found under y down (io/floor.ts: depth cameras' and COLMAP's axes, 3D Gaussian Splatting's
 * scenes) sets it. Auto tries z and y and all six only when neither looks upright, where it is
 * weakest (docs/pose.md); the floor under the shape says which way is up. */
export function upWithFloor(setting: UpAxis | 'auto', floorUp: string | undefined): UpAxis | 'auto' {
  return setting === 'auto' && floorUp === '-y' ? '-y' : setting;
}

export function isUpAxis(value: unknown): value is UpAxis {
  return typeof value === 'string' && (UP_AXES as readonly string[]).includes(value);
}

type Coord = 0 | 1 | 2;
type Sign = 1 | -1;

/** The upright point's coordinate k is sign[k] * (file point's coordinate source[k]). */
export interface UpTurn {
  source: readonly [Coord, Coord, Coord];
  sign: readonly [Sign, Sign, Sign];
}

export const UP_TURNS: Readonly<Record<UpAxis, UpTurn>> = {
  z: { source: [0, 1, 2], sign: [1, 1, 1] }, //     (x, y, z) -> (x, y, z)
  y: { source: [0, 2, 1], sign: [1, -1, 1] }, //    (x, y, z) -> (x, -z, y)
  '-y': { source: [0, 2, 1], sign: [1, 1, -1] }, // (x, y, z) -> (x, z, -y)
  x: { source: [2, 1, 0], sign: [-1, 1, 1] }, //    (x, y, z) -> (-z, y, x)
  '-x': { source: [2, 1, 0], sign: [1, 1, -1] }, // (x, y, z) -> (z, y, -x)
  '-z': { source: [0, 1, 2], sign: [1, -1, -1] }, // (x, y, z) -> (x, -y, -z)
};

/** The turn of `up`, or an error that lists the valid names. */
export function upTurn(up: UpAxis, where: string): UpTurn {
  if (!isUpAxis(up)) throw new Error(`${where}: up must be one of ${UP_AXES.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(up)}`);
  return UP_TURNS[up];
}

/** The cloud stood upright: every point p -> p' with p'[k] = sign[k] * p[source[k]]. */
export function turnUpright(points: Float32Array, up: UpAxis): Float32Array {
  const { source, sign } = upTurn(up, 'turnUpright');
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    out[i] = sign[0] * points[i + source[0]];
    out[i + 1] = sign[1] * points[i + source[1]];
    out[i + 2] = sign[2] * points[i + source[2]];
  }
  return out;
}

/** The inverse turn of one vector: an upright direction (e.g. +z, the camera's up) in the file's
 * own coordinates, where the viewer draws the file. */
export function fromUpright(v: readonly [number, number, number], up: UpAxis): [number, number, number] {
  const { source, sign } = upTurn(up, 'fromUpright');
  const out: [number, number, number] = [0, 0, 0];
  for (const k of [0, 1, 2] as const) out[source[k]] = sign[k] * v[k];
  return out;
}
