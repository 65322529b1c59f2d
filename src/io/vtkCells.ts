// VTK's cells as the surface the app samples, for the VTK readers (vtk.ts: the legacy files;
// vtkXml.ts: .vtp, .vtu, .vts), Gmsh's, Abaqus's and Nastran's (gmsh.ts, abaqus.ts, nastran.ts:
// their elements as VTK's cell types): surface cells (triangles, strips, polygons, pixels, quads, and the quadratic and
// Lagrange ones by their corners) become triangles; solid cells (tetrahedra, voxels, hexahedra,
// wedges, pyramids, quadratic ones by their corners) give their faces, and a face two solids share
// (inside the volume) is left out, so that a simulation's volume mesh is read as its boundary, the
// shape. Vertices, lines and polyhedra add no faces; a file of no faces is its points.
import { Uint32Builder, identityIndices } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { placedMesh, placedPoints } from './placed';
import type { FormatId } from './formats';
import { LoadError, type Parsed } from './types';

/** VTK's cell type numbers (vtkCellType.h) that this reader gives faces. */
const TRIANGLE = 5;
const TRIANGLE_STRIP = 6;
const POLYGON = 7;
const PIXEL = 8;
const QUAD = 9;

/** Surface cells read by their first corners, as a triangle or a quad: quadratic, biquadratic and
 * Lagrange triangles (22, 34, 69) and quads (23, 28, 30, 70). */
const CORNER_TRIANGLES = new Set([22, 34, 69]);
const CORNER_QUADS = new Set([23, 28, 30, 70]);
const SURFACES = new Set([TRIANGLE, TRIANGLE_STRIP, POLYGON, PIXEL, QUAD, ...CORNER_TRIANGLES, ...CORNER_QUADS]);

/** Solid cells' faces by corner, each face's corners in order around it; quadratic and Lagrange
 * solids (24-27, 29, 32, 33, 71-74) by their corners as the linear ones. */
const TETRA_FACES = [[0, 1, 3], [1, 2, 3], [2, 0, 3], [0, 2, 1]];
const VOXEL_FACES = [[0, 2, 6, 4], [1, 3, 7, 5], [0, 1, 5, 4], [2, 3, 7, 6], [0, 1, 3, 2], [4, 5, 7, 6]];
const HEXAHEDRON_FACES = [[0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
const WEDGE_FACES = [[0, 1, 2], [3, 4, 5], [0, 1, 4, 3], [1, 2, 5, 4], [2, 0, 3, 5]];
const PYRAMID_FACES = [[0, 1, 2, 3], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]];
const SOLIDS: ReadonlyMap<number, { corners: number; faces: number[][] }> = new Map([
  ...[10, 24, 71].map((t) => [t, { corners: 4, faces: TETRA_FACES }] as const),
  [11, { corners: 8, faces: VOXEL_FACES }],
  ...[12, 25, 29, 33, 72].map((t) => [t, { corners: 8, faces: HEXAHEDRON_FACES }] as const),
  ...[13, 26, 32, 73].map((t) => [t, { corners: 6, faces: WEDGE_FACES }] as const),
  ...[14, 27, 74].map((t) => [t, { corners: 5, faces: PYRAMID_FACES }] as const),
]);

/** A file's cells: cell i's corners are connectivity[offsets[i] .. offsets[i + 1]), its type
 * types[i]. */
export interface Cells {
  connectivity: ArrayLike<number>;
  /** One more than the cells. */
  offsets: ArrayLike<number>;
  types: ArrayLike<number>;
}

/** One section's or piece's cells: corners connectivity[offsets[c] - offsets[0] ..], numbered from
 * `pointBase` on in the whole file. */
export interface CellPart {
  connectivity: Float64Array;
  /** One more than the cells; the first need not be 0. */
  offsets: ArrayLike<number>;
  types: ArrayLike<number>;
  pointBase: number;
}

/** Several sections' or pieces' cells as one list. */
export function joinedCells(parts: readonly CellPart[]): Cells {
  const cellCount = parts.reduce((n, p) => n + p.offsets.length - 1, 0);
  const connectivity = new Float64Array(parts.reduce((n, p) => n + p.connectivity.length, 0));
  const offsets = new Float64Array(cellCount + 1);
  const types = new Uint8Array(cellCount);
  let corner = 0;
  let cell = 0;
  for (const p of parts) {
    for (let i = 0; i < p.connectivity.length; i++) connectivity[corner + i] = p.connectivity[i]! + p.pointBase;
    for (let c = 0; c + 1 < p.offsets.length; c++) {
      offsets[cell + 1] = corner + p.offsets[c + 1]! - p.offsets[0]!;
      types[cell] = p.types[c]!;
      cell++;
    }
    corner += p.connectivity.length;
  }
  return { connectivity, offsets, types };
}

/** Triangles over points 0 .. pointCount - 1 (indices, three a triangle) from `cells` (of a file of
 * `format`): the surface cells', or, when there are solid cells, the volume's boundary (surface
 * cells then lie on it or inside: boundary or interface groups, as mesh generators write them);
 * what gave no face is counted in `skipped` by kind ("lines", ...). */
export function cellTriangles(format: FormatId, cells: Cells, pointCount: number): { indices: Uint32Array; solids: { cells: number; faces: number; boundary: number }; skipped: Map<string, number> } {
  const { connectivity, offsets, types } = cells;
  let out = new Uint32Builder();
  let surfaceCells = 0;
  const skipped = new Map<string, number>();
  const skip = (kind: string) => skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
  const corner = (at: number, cell: number): number => {
    const v = connectivity[at]!;
    if (!(v >= 0 && v < pointCount)) throw new LoadError(format, 'malformed', `cell ${formatCount(cell)} names point ${v}; the file has ${formatCount(pointCount)} points`);
    return v;
  };
  const triangle = (a: number, b: number, c: number) => {
    if (out.length >= 3 * LIMITS.maxFaces) throw new LoadError(format, 'too-large', `more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    out.push3(a, b, c);
  };
  const fan = (corners: number[]) => {
    for (let k = 1; k + 1 < corners.length; k++) triangle(corners[0]!, corners[k]!, corners[k + 1]!);
  };
  const solidFaces = new Uint32Builder(); // four corners a face; a triangle's fourth is NONE
  let solidCells = 0;
  for (let cell = 0; cell < types.length; cell++) {
    const start = offsets[cell]!;
    const end = offsets[cell + 1]!;
    if (!(start >= 0 && end >= start && end <= connectivity.length)) {
      throw new LoadError(format, 'malformed', `cell ${formatCount(cell)}'s corners (${start} to ${end}) are not within its ${formatCount(connectivity.length)} connectivity entries`);
    }
    const n = end - start;
    const type = types[cell]!;
    const corners = (count: number): number[] | null => {
      if (n < count) {
        skip(`cells of type ${type} with too few corners`);
        return null;
      }
      return Array.from({ length: count }, (_, k) => corner(start + k, cell));
    };
    const solid = SOLIDS.get(type);
    if (!solid && SURFACES.has(type)) surfaceCells++;
    if (type === TRIANGLE || type === POLYGON) {
      const c = corners(n);
      if (c && n >= 3) fan(c);
    } else if (type === QUAD || CORNER_QUADS.has(type)) {
      const c = corners(4);
      if (c) fan(c);
    } else if (CORNER_TRIANGLES.has(type)) {
      const c = corners(3);
      if (c) fan(c);
    } else if (type === PIXEL) {
      const c = corners(4);
      if (c) fan([c[0]!, c[1]!, c[3]!, c[2]!]);
    } else if (type === TRIANGLE_STRIP) {
      const c = corners(n);
      for (let k = 0; c && k + 2 < n; k++) triangle(c[k]!, c[k + 1]!, c[k + 2]!);
    } else if (solid) {
      if (n < solid.corners) {
        skip(`cells of type ${type} with too few corners`);
        continue;
      }
      for (let k = 0; k < solid.corners; k++) corner(start + k, cell); // each within the points
      if (solidFaces.length >= 4 * LIMITS.maxFaces) throw new LoadError(format, 'too-large', `more than ${formatCount(LIMITS.maxFaces)} faces of solid cells; ${FACE_LIMIT_TEXT}`);
      solidCells++;
      for (const face of solid.faces) for (let k = 0; k < 4; k++) solidFaces.push(k < face.length ? connectivity[start + face[k]!]! : NONE);
    } else {
      skip(type === 1 || type === 2 ? 'vertices' : type === 3 || type === 4 || type === 21 || type === 35 || type === 68 ? 'lines' : type === 42 ? 'polyhedra' : `cells of type ${type}`);
    }
  }
  const faces = solidFaces.finish().subarray(0, solidFaces.length);
  const boundary = boundaryFaces(faces, pointCount);
  if (solidCells > 0) {
    if (surfaceCells > 0) skipped.set('surface cells on or inside the volume', surfaceCells);
    out = new Uint32Builder();
    for (const f of boundary) {
      triangle(faces[4 * f]!, faces[4 * f + 1]!, faces[4 * f + 2]!);
      if (faces[4 * f + 3] !== NONE) triangle(faces[4 * f]!, faces[4 * f + 2]!, faces[4 * f + 3]!);
    }
  }
  return { indices: out.finish(), solids: { cells: solidCells, faces: faces.length / 4, boundary: boundary.length }, skipped };
}

/** No fourth corner (a triangle among quads). */
const NONE = 0xffffffff;

/** The faces of `faces` (four corners each, flat) that appear once: a face two solids share, by
 * its corners whatever their order, is inside. Faces are bucketed by their smallest corner (a
 * counting sort over the points), then compared within a bucket, a few dozen faces for a
 * tetrahedral mesh: linear in the faces, where one sort of all of them took seconds for a million
 * tetrahedra. */
function boundaryFaces(faces: Uint32Array, pointCount: number): Uint32Array {
  const n = faces.length / 4;
  const keys = new Uint32Array(faces.length);
  for (let at = 0; at < faces.length; at += 4) {
    // the four corners in order (NONE, the largest, last): insertion into place
    for (let i = 0; i < 4; i++) {
      const v = faces[at + i]!;
      let j = i;
      while (j > 0 && keys[at + j - 1]! > v) {
        keys[at + j] = keys[at + j - 1]!;
        j--;
      }
      keys[at + j] = v;
    }
  }
  const start = new Uint32Array(pointCount + 1);
  for (let f = 0; f < n; f++) start[keys[4 * f]! + 1]!++;
  for (let v = 0; v < pointCount; v++) start[v + 1]! += start[v]!;
  const order = new Uint32Array(n);
  const next = start.slice(0, pointCount);
  for (let f = 0; f < n; f++) order[next[keys[4 * f]!]!++] = f;
  const compare = (a: number, b: number): number => keys[4 * a + 1]! - keys[4 * b + 1]! || keys[4 * a + 2]! - keys[4 * b + 2]! || keys[4 * a + 3]! - keys[4 * b + 3]!;
  const once = new Uint32Builder();
  for (let v = 0; v < pointCount; v++) {
    const bucket = order.subarray(start[v]!, start[v + 1]!);
    if (bucket.length > 1) bucket.sort(compare);
    for (let k = 0; k < bucket.length; ) {
      let end = k + 1;
      while (end < bucket.length && compare(bucket[k]!, bucket[end]!) === 0) end++;
      if (end - k === 1) once.push(bucket[k]!);
      k = end;
    }
  }
  return once.finish().subarray(0, once.length);
}

/** What gave no faces ("1,200 lines, 8 vertices"), if anything. */
function skippedText(skipped: Map<string, number>): string | null {
  const one = (kind: string) => ({ vertices: 'vertex', lines: 'line', polyhedra: 'polyhedron' })[kind] ?? kind.replace(/cells/, 'cell');
  return skipped.size === 0 ? null : [...skipped].map(([kind, n]) => `${formatCount(n)} ${n === 1 ? one(kind) : kind}`).join(', ');
}

/** The mesh of `cells`' faces over `points`, or the points when no cell gives a face. */
export function shapeOf(format: FormatId, points: Float64Array, cells: Cells, warnings: string[]): Parsed {
  const pointCount = points.length / 3;
  if (pointCount === 0) throw new LoadError(format, 'empty', 'the file has no points');
  if (pointCount > LIMITS.maxPoints) throw new LoadError(format, 'too-large', `${formatCount(pointCount)} points; ${POINT_LIMIT_TEXT}`);
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) throw new LoadError(format, 'malformed', `point ${formatCount(Math.floor(i / 3))} has a coordinate that is not a finite number (${points[i]})`);
  }
  const { indices, solids, skipped } = cellTriangles(format, cells, pointCount);
  const left = skippedText(skipped);
  if (indices.length > 0) {
    if (solids.cells > 0) {
      warnings.push(`a volume mesh of ${countOf(solids.cells, 'solid cell')}: its boundary is read, ${formatCount(solids.boundary)} of their ${formatCount(solids.faces)} faces (the others lie between two cells)`);
    }
    if (left) warnings.push(`left out of the surface: ${left}`);
    return placedMesh(points, indices, warnings);
  }
  if (cells.types.length > 0) warnings.push(`no cell gives a face (${left ?? 'none'}); the points are read`);
  return placedPoints(points, identityIndices(pointCount), warnings);
}
