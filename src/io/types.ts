// The one shape every loader produces, and the one error every loader throws.

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

export type FormatId = 'ply' | 'obj' | 'pcd' | 'xyz' | 'off' | 'stl';

export type Vec3 = [number, number, number];

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export interface LoadResult {
  /** The points to classify: the file's points, or samples of a mesh's surface (then each
   * sample's normal is its triangle's, and colours are interpolated from the vertices). */
  cloud: PointCloud;
  format: FormatId;
  /** 'mesh' when the file had faces and `cloud` was sampled from its surface. */
  kind: 'points' | 'mesh';
  /** Vertices as the file stores them (STL: 3 per facet). */
  vertexCount: number;
  /** Faces as the file stores them (polygons count once); 0 for point sets. */
  faceCount: number;
  /** Recoverable problems, worded for the user (dropped points, wrong extension, ...). */
  warnings: string[];
  /** Bounds of `cloud`. */
  bounds: Bounds;
}

export type LoadErrorReason =
  | 'empty' // no bytes, or a header that declares no points
  | 'truncated' // the file ends before what its header declares
  | 'malformed' // content that does not follow the format
  | 'out-of-range' // a face refers to a vertex that does not exist
  | 'non-finite' // every point has a NaN or infinite coordinate
  | 'too-large' // over LIMITS (file bytes, points, faces)
  | 'unsupported'; // a valid file using a variant we do not read, or an unknown format

const FORMAT_LABEL: Record<FormatId, string> = {
  ply: 'PLY',
  obj: 'OBJ',
  pcd: 'PCD',
  xyz: 'XYZ',
  off: 'OFF',
  stl: 'STL',
};

export function formatLabel(format: FormatId): string {
  return FORMAT_LABEL[format];
}

/** A file that cannot be loaded. The message starts with the format ("PLY: ...") and says what is
 * wrong with numbers; `reason` is the machine-readable kind. Plain fields, so a worker can post
 * `{ name, message, format, reason }` across the boundary. */
export class LoadError extends Error {
  readonly format: FormatId | 'unknown';
  readonly reason: LoadErrorReason;

  constructor(format: FormatId | 'unknown', reason: LoadErrorReason, detail: string) {
    super(format === 'unknown' ? detail : `${FORMAT_LABEL[format]}: ${detail}`);
    this.name = 'LoadError';
    this.format = format;
    this.reason = reason;
  }
}

/** What one format parser hands to the shared checks in finish.ts. */
export type Parsed =
  | { kind: 'points'; cloud: PointCloud; fileVertexCount: number; warnings: string[] }
  | { kind: 'mesh'; mesh: Mesh; fileVertexCount: number; fileFaceCount: number; warnings: string[] };
