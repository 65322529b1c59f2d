// The parse result of the readers that place geometry in doubles (scene formats: glTF, 3MF,
// COLLADA, VRML / X3D, 3DS): the float32 positions every cloud is stored in, less their origin
// (origin.ts), and the counts.
import { shiftedFloat32 } from './origin';
import type { Parsed } from './types';

/** A mesh: its vertices' x y z placed in doubles, its triangles indexing them. */
export function placedMesh(world: Float64Array, indices: Uint32Array, warnings: string[], fileVertexCount = world.length / 3): Parsed {
  const { positions, offset } = shiftedFloat32(world);
  return {
    kind: 'mesh',
    mesh: { positions, indices, vertexCount: positions.length / 3, faceCount: indices.length / 3 },
    fileVertexCount,
    fileFaceCount: indices.length / 3,
    warnings,
    offset,
  };
}

/** The points `rows` names of those placed in `world`. */
export function placedPoints(world: Float64Array, rows: ArrayLike<number>, warnings: string[], fileVertexCount = rows.length): Parsed {
  const { positions, offset } = shiftedFloat32(world, rows);
  return { kind: 'points', cloud: { positions, count: rows.length }, fileVertexCount, warnings, offset };
}
