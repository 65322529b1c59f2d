// Coordinates far from zero. Scans and surveys write points in a map's coordinates (a 1 m chair
// at easting 512,345 m and northing 5,401,234 m), and every cloud here is stored as float32, whose
// step at 5.4 million is 0.5: stored as written, the chair would reach the viewer and the model
// snapped to a half-metre grid. The readers that see a file's values as doubles (text: XYZ, OFF,
// OBJ, ASCII PLY / STL / PCD; binary PLY / PCD coordinates that are not float32) subtract an
// origin before storing them: the file's first finite point, rounded to whole units, when one of
// its coordinates is FAR_COORDINATE or more in size (and under SHIFT_LIMIT). Files nearer zero
// are stored exactly as before (x - 0 is x). Binary float32 coordinates gain nothing from a
// shift: what the file itself lost, finish.ts reports (coarseStorageWarning).

/** float32 keeps 24 significant bits: below 4096 its step is at most 2^-12 (0.24 mm in metres). */
export const FAR_COORDINATE = 4096;

/** No map or scan puts a point 2^40 (1.1e12) units out (the Earth is 4e10 mm round): a first point
 * beyond is not shifted to, as moving every other point by it could take them out of float32's
 * range. */
export const SHIFT_LIMIT = 2 ** 40;

export type Offset = readonly [number, number, number];

export class Origin {
  /** Whether a finite point has been seen (and the origin decided). */
  settled = false;
  /** What is subtracted from every x, y, z (0 until a far first point is seen). */
  x = 0;
  y = 0;
  z = 0;

  /** Looks at a point in file order; the first finite one decides the origin. */
  see(x: number, y: number, z: number): void {
    if (this.settled || !(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) return;
    this.settled = true;
    const far = Math.max(Math.abs(x), Math.abs(y), Math.abs(z));
    if (far < FAR_COORDINATE || far >= SHIFT_LIMIT) return;
    // Rounded (and + 0 turns -0 into 0): the message shows whole numbers, and what is left after
    // the subtraction is under half a unit plus the shape's own size.
    this.x = Math.round(x) + 0;
    this.y = Math.round(y) + 0;
    this.z = Math.round(z) + 0;
  }

  /** The offset subtracted, or undefined when the file's coordinates were stored as written. */
  get offset(): Offset | undefined {
    return this.x === 0 && this.y === 0 && this.z === 0 ? undefined : [this.x, this.y, this.z];
  }
}

/** The note for the user when a file's coordinates were shifted. */
export function shiftWarning(offset: Offset): string {
  return (
    `coordinates far from zero (around ${offset.join(', ')}): the shape is held relative to that point, ` +
    'so that 32-bit floats keep its detail'
  );
}

/** Writes x, y, z minus the origin at `positions[3 i]` (after showing the point to `origin`). */
export function storeShifted(origin: Origin, positions: Float32Array, i: number, x: number, y: number, z: number): void {
  origin.see(x, y, z);
  positions[3 * i] = x - origin.x;
  positions[3 * i + 1] = y - origin.y;
  positions[3 * i + 2] = z - origin.z;
}

/** Points placed in doubles (x y z per point; only the points `rows` names, when given) as the
 * float32 positions every cloud is stored in, less their origin. */
export function shiftedFloat32(world: Float64Array, rows?: ArrayLike<number>): { positions: Float32Array; offset: Offset | undefined } {
  const origin = new Origin();
  const count = rows === undefined ? world.length / 3 : rows.length;
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const v = rows === undefined ? i : rows[i]!;
    storeShifted(origin, positions, i, world[3 * v]!, world[3 * v + 1]!, world[3 * v + 2]!);
  }
  return { positions, offset: origin.offset };
}
