// The data every stage passes along: a loaded file's points (or mesh), as io produces them and
// geometry, the model and the viewer consume them. Its own module, so geometry and io can both use
// these types without importing each other.

/** A set of points. `positions` is x, y, z interleaved; `colors` is r, g, b in 0..1 (the file's own
 * values, not colour-managed); `normals` is nx, ny, nz. Every array has `3 * count` entries. */
export interface PointCloud {
  positions: Float32Array;
  colors?: Float32Array;
  normals?: Float32Array;
  count: number;
}

/** A triangle mesh. `indices` holds triangles (polygons are fan-triangulated), so
 * `faceCount === indices.length / 3` and `vertexCount === positions.length / 3`. */
export interface Mesh {
  positions: Float32Array;
  indices: Uint32Array;
  colors?: Float32Array;
  vertexCount: number;
  faceCount: number;
}

export type Vec3 = [number, number, number];

export interface Bounds {
  min: Vec3;
  max: Vec3;
}
