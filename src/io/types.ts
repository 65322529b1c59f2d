// What loading a file gives: the result every loader's output is finished into, and the one error
// every loader throws.
import type { Objects } from './objects';
import type { Bounds, Mesh, PointCloud } from '../types/cloud';
import { type FormatId, formatLabel } from './formats';
import type { UpName } from './floor';
import type { Offset } from './origin';

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
  /** Subtracted from the file's coordinates to keep a far-off shape's detail (origin.ts):
   * `cloud` + `offset` is where the file put it. Undefined when nothing was subtracted. */
  offset?: Offset;
  /** The up of the floor the clean-up found under the shape (floor.ts); undefined when none was,
   * or every point was kept. */
  floorUp?: UpName;
  /** Points the loaders' clean-up left out (nearly transparent splats, stray pieces, a floor and
   * walls: splats.ts, strays.ts, room.ts); undefined
   * when none was, or when the file was loaded with every point kept. */
  leftOut?: number;
  /** Two or more separate objects standing on the floor the clean-up found, or side by side along
   * the up a scene file's format fixes (objects.ts): which point belongs to which, and their
   * sizes. Undefined for one shape. */
  objects?: Objects;
  /** An archive's models (archive.ts), largest first, and the one read; undefined for a file that
   * is not an archive. */
  archive?: ArchiveModels;
}

/** The models an archive holds, by their paths in it, and the one that was read. */
export interface ArchiveModels {
  models: string[];
  read: string;
  /** A batch's label of each model, when the file gives one (an HDF5 data set's `label`). */
  labels?: number[];
}

export type LoadErrorReason =
  | 'empty' // no bytes, or a header that declares no points
  | 'truncated' // the file ends before what its header declares
  | 'malformed' // content that does not follow the format
  | 'out-of-range' // a face refers to a vertex that does not exist
  | 'non-finite' // every point has a NaN or infinite coordinate
  | 'float-range' // a finite value beyond float32's range (|v| > 3.4e38), which would become infinite
  | 'too-large' // over LIMITS (file bytes, points, faces)
  | 'unsupported'; // a valid file using a variant we do not read, or an unknown format

/** Bytes `start` to `end` of a file too large to hold (a Blob's slice, or a file descriptor's
 * read): how the sliced readers (largeFile.ts) read. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

/** A file that cannot be loaded. The message starts with the format ("PLY: ...") and says what is
 * wrong with numbers; `reason` is the machine-readable kind. Plain fields, so a worker can post
 * `{ name, message, format, reason }` across the boundary. */
export class LoadError extends Error {
  readonly format: FormatId | 'unknown';
  readonly reason: LoadErrorReason;

  constructor(format: FormatId | 'unknown', reason: LoadErrorReason, detail: string) {
    super(format === 'unknown' ? detail : `${formatLabel(format)}: ${detail}`);
    this.name = 'LoadError';
    this.format = format;
    this.reason = reason;
  }
}

/** What one format parser hands to the shared checks in finish.ts. `format`: the format actually
 * read, when it is not the file's own (the model inside a .zip: archive.ts); `archive`: the
 * archive's models. */
export type Parsed = (
  | {
      kind: 'points';
      cloud: PointCloud;
      fileVertexCount: number;
      warnings: string[];
      offset?: Offset;
      /** Gaussian splats' opacity, 0..1, one a point (splats.ts); undefined for other clouds. */
      opacity?: Float32Array;
    }
  | { kind: 'mesh'; mesh: Mesh; fileVertexCount: number; fileFaceCount: number; warnings: string[]; offset?: Offset }
) & {
  format?: FormatId;
  archive?: ArchiveModels;
  /** The up the format fixes (Blender's files are z up): separate objects standing side by side
   * are looked for along it when no floor was found under the shape (objects.ts). */
  up?: UpName;
};
