// The checks every format goes through after parsing: face indices in range, non-finite
// coordinates, meshes sampled into clouds, counts against LIMITS, and the warnings a user should
// see about what came out (one point, identical points, too few points).
import { createSurfaceSampler } from '../geometry/sampleSurface';
import { LIMITS, POINT_LIMIT_TEXT, formatCount, countOf } from './limits';
import { findStrays } from './strays';
import type { UpName } from './floor';
import { findObjects, type Objects } from './objects';
import { selectRows } from './rows';
import { findRoom } from './room';
import { shiftWarning } from './origin';
import { opaqueSplats, transparentWarning } from './splats';
import type { Bounds, Mesh, PointCloud } from '../types/cloud';
import type { FormatId } from './formats';
import { LoadError, type LoadResult, type Parsed } from './types';

export interface FinishOptions {
  meshSamples: number;
  seed: number;
  /** Skip the clean-up: stray pieces, a floor and walls are kept. */
  keepEveryPoint: boolean;
}

function isFiniteAt(p: Float32Array, i: number): boolean {
  return Number.isFinite(p[3 * i]!) && Number.isFinite(p[3 * i + 1]!) && Number.isFinite(p[3 * i + 2]!);
}

/** Drops points with a NaN or infinite coordinate; refuses a cloud that has none left. */
function finitePoints(format: FormatId, cloud: PointCloud, warnings: string[]): PointCloud {
  const keep = new Uint8Array(cloud.count);
  let kept = 0;
  for (let i = 0; i < cloud.count; i++) {
    if (isFiniteAt(cloud.positions, i)) {
      keep[i] = 1;
      kept++;
    }
  }
  if (kept === cloud.count) return cloud;
  if (kept === 0) {
    throw new LoadError(
      format,
      'non-finite',
      `no finite points: ${cloud.count === 1 ? 'the only point has' : `all ${formatCount(cloud.count)} points have`} NaN or infinite coordinates`,
    );
  }
  const dropped = cloud.count - kept;
  warnings.push(`${formatCount(dropped)} of ${formatCount(cloud.count)} points had NaN or infinite coordinates and were dropped`);
  return selectRows(cloud, keep, kept);
}

/** Leaves out nearly transparent Gaussian splats (splats.ts), with a warning. */
function withoutTransparent(cloud: PointCloud, opacity: Float32Array, warnings: string[]): PointCloud {
  const { keep, kept } = opaqueSplats(opacity);
  if (kept === cloud.count) return cloud;
  warnings.push(transparentWarning(cloud.count - kept, cloud.count));
  return selectRows(cloud, keep, kept);
}

/** Leaves out the small pieces that lie apart from the shape (strays.ts), with a warning. */
function withoutStrays(cloud: PointCloud, warnings: string[]): PointCloud {
  const { drop, points, pieces } = findStrays(cloud.positions);
  if (drop === null) return cloud;
  const keep = drop.map((d) => 1 - d);
  warnings.push(
    `${countOf(points, 'point')} in ${countOf(pieces, 'small piece')} apart from the rest of the shape ` +
      `${points === 1 ? 'was' : 'were'} left out (a stray bit would shrink the shape the model sees)`,
  );
  return selectRows(cloud, keep, cloud.count - points);
}

/** Leaves out the flat floor a scanned shape stands on and the walls behind it (room.ts, floor.ts),
 * with a warning for each; the floor's up with it. */
function withoutRoom(cloud: PointCloud, warnings: string[]): { cloud: PointCloud; floorUp?: UpName } {
  const { drop, floorPoints, wallPoints, walls, axis } = findRoom(cloud.positions);
  if (drop === null || axis === null) return { cloud };
  const share = (points: number) => Math.round((100 * points) / cloud.count);
  warnings.push(
    `${formatCount(floorPoints)} points of a flat floor under the shape (${share(floorPoints)} % of the cloud, ${axis} up) were left out ` +
      '(the model knows shapes, not the ground they stand on)',
  );
  if (walls > 0) {
    warnings.push(
      `${formatCount(wallPoints)} points of ${walls === 1 ? 'a wall' : 'two walls (a corner)'} behind the shape (${share(wallPoints)} % of the cloud) were left out ` +
        '(the model knows shapes, not the room they stand in)',
    );
  }
  const dropped = floorPoints + wallPoints;
  return { cloud: selectRows(cloud, drop.map((d) => 1 - d), cloud.count - dropped), floorUp: axis };
}

/** The separate objects standing on the floor, or side by side along the up the format fixes
 * (objects.ts), with a warning; undefined for one shape. */
function objectsOn(cloud: PointCloud, up: UpName, onFloor: boolean, warnings: string[]): Objects | undefined {
  const objects = findObjects(cloud.positions, up);
  if (objects === null) return undefined;
  const shares = objects.sizes.map((size) => `${Math.round((100 * size) / cloud.count)} %`);
  warnings.push(
    `${objects.sizes.length} separate objects stand ${onFloor ? 'on the floor' : 'side by side'} (${shares.join(', ')} of the points): the model knows one ` +
      'shape at a time, so its answer for them together means little; classify each alone (under File, or the CLI\'s --objects)',
  );
  return objects;
}

function checkIndices(format: FormatId, mesh: Mesh): void {
  const { indices, vertexCount } = mesh;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i]! >= vertexCount) {
      throw new LoadError(
        format,
        'out-of-range',
        `triangle ${Math.floor(i / 3)} refers to vertex ${indices[i]} of ${formatCount(vertexCount)}`,
      );
    }
  }
}

/** Triangles whose three vertices are finite; the rest are dropped with a warning. */
function finiteTriangles(mesh: Mesh, warnings: string[]): Mesh {
  const finite = new Uint8Array(mesh.vertexCount);
  let bad = 0;
  for (let v = 0; v < mesh.vertexCount; v++) {
    if (isFiniteAt(mesh.positions, v)) finite[v] = 1;
    else bad++;
  }
  if (bad === 0) return mesh;
  const { indices } = mesh;
  const kept: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    if (finite[indices[t]!] && finite[indices[t + 1]!] && finite[indices[t + 2]!]) kept.push(t);
  }
  const out = new Uint32Array(kept.length * 3);
  kept.forEach((t, j) => out.set(indices.subarray(t, t + 3), 3 * j));
  warnings.push(
    `${countOf(bad, 'vertex', 'vertices')} with NaN or infinite coordinates; ` +
      `${countOf(mesh.faceCount - kept.length, 'triangle')} using ${bad === 1 ? 'it' : 'them'} dropped`,
  );
  return { ...mesh, indices: out, faceCount: kept.length };
}

function meshVertices(mesh: Mesh): PointCloud {
  return { positions: mesh.positions, colors: mesh.colors, count: mesh.vertexCount };
}

function cleanColors(cloud: PointCloud): void {
  const c = cloud.colors;
  if (c === undefined) return;
  for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i]!)) c[i] = 0;
}

function boundsOf(cloud: PointCloud): Bounds {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const p = cloud.positions;
  for (let i = 0; i < cloud.count * 3; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = p[i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  return { min, max };
}

/** A cloud with no extent (one point, or every point at one place: an export that lost its
 * coordinates, a data set's empty slot) has no shape to classify and is refused; one of fewer than
 * LIMITS.warnBelowPoints points loads with a warning. */
function checkShape(format: FormatId, cloud: PointCloud, bounds: Bounds, offset: Parsed['offset'], warnings: string[]): void {
  const n = cloud.count;
  if (bounds.min.every((v, k) => v === bounds.max[k])) {
    const at = bounds.min.map((v, k) => String(Math.round((v + (offset?.[k] ?? 0)) * 1e4) / 1e4 + 0)).join(', ');
    throw new LoadError(format, 'empty', `${n === 1 ? 'only 1 point' : `all ${formatCount(n)} points lie at one place`} (${at}): there is no shape to classify`);
  }
  if (n < LIMITS.warnBelowPoints) {
    warnings.push(`only ${formatCount(n)} points: a shape needs at least ${LIMITS.warnBelowPoints}, so the classification means little`);
  }
}

/** float32's step at magnitude v (v > 0, normal range). */
function float32Step(v: number): number {
  return 2 ** (Math.floor(Math.log2(v)) - 23);
}

/** A shape far from zero stored as float32: a binary file's own float32 (PLY, STL, PCD; a shift
 * cannot give back what the file rounded), or, rarely, a small shape under origin.ts's
 * FAR_COORDINATE. Said when float32's step there is over 1/100 of the shape's size (ModelNet40's
 * points lie about 3/100 of it apart), with what to do about it. */
function coarseStorageWarning(bounds: Bounds, warnings: string[]): void {
  const far = Math.max(...bounds.min.map(Math.abs), ...bounds.max.map(Math.abs));
  const size = Math.max(...bounds.max.map((v, k) => v - bounds.min[k]!));
  if (!(size > 0) || !(far > 0)) return;
  const step = float32Step(far);
  if (step <= size / 100) return;
  const short = (v: number): string => String(Number(v.toPrecision(3)));
  warnings.push(
    `coordinates reach ${short(far)} for a shape ${short(size)} across: in 32-bit floats they step by ${short(step)} ` +
      `there (${short((100 * step) / size)} % of the shape's size), so its detail is lost; saved nearer zero, or with ` +
      '64-bit coordinates, it keeps it',
  );
}

/** Turns one parser's output into the LoadResult every caller sees. */
export function finish(format: FormatId, parsed: Parsed, options: FinishOptions): LoadResult {
  const warnings = [...parsed.warnings];
  if (parsed.offset !== undefined) warnings.push(shiftWarning(parsed.offset));
  let cloud: PointCloud;
  let kind: LoadResult['kind'] = 'points';
  let transparent = 0;

  if (parsed.kind === 'mesh') {
    checkIndices(format, parsed.mesh);
    const mesh = finiteTriangles(parsed.mesh, warnings);
    const sampler = mesh.faceCount > 0 ? createSurfaceSampler(mesh) : undefined;
    if (sampler !== undefined && sampler.area > 0 && Number.isFinite(sampler.area)) {
      cloud = sampler.sample(options.meshSamples, options.seed);
      kind = 'mesh';
    } else {
      if (parsed.fileFaceCount > 0) {
        const why = mesh.faceCount === 0 ? 'no usable faces' : 'all faces have zero area';
        warnings.push(`${why}: the ${formatCount(mesh.vertexCount)} vertices are used as points`);
      }
      cloud = finitePoints(format, meshVertices(mesh), warnings);
    }
  } else {
    const opaque = parsed.opacity === undefined || options.keepEveryPoint ? parsed.cloud : withoutTransparent(parsed.cloud, parsed.opacity, warnings);
    transparent = parsed.cloud.count - opaque.count;
    cloud = finitePoints(format, opaque, warnings);
  }

  if (cloud.count === 0) throw new LoadError(format, 'empty', 'the file contains no points');
  if (cloud.count > LIMITS.maxPoints) {
    throw new LoadError(format, 'too-large', `the file holds ${formatCount(cloud.count)} points; ${POINT_LIMIT_TEXT}`);
  }
  const before = cloud.count;
  let floorUp: UpName | undefined;
  if (!options.keepEveryPoint) ({ cloud, floorUp } = withoutRoom(withoutStrays(cloud, warnings), warnings));
  // A scan's objects are looked for only on a floor (a partial scan of one shape falls apart too);
  // a scene file's, whose up its format fixes, also without one.
  const objectsUp = floorUp ?? parsed.up;
  const objects = objectsUp === undefined ? undefined : objectsOn(cloud, objectsUp, floorUp !== undefined, warnings);
  const leftOut = transparent + before - cloud.count;
  cleanColors(cloud);
  const bounds = boundsOf(cloud);
  checkShape(format, cloud, bounds, parsed.offset, warnings);
  coarseStorageWarning(bounds, warnings);
  return {
    cloud,
    format,
    kind,
    vertexCount: parsed.fileVertexCount,
    faceCount: parsed.kind === 'mesh' ? parsed.fileFaceCount : 0,
    warnings,
    bounds,
    ...(parsed.offset === undefined ? {} : { offset: parsed.offset }),
    ...(leftOut === 0 ? {} : { leftOut }),
    ...(floorUp === undefined ? {} : { floorUp }),
    ...(objects === undefined ? {} : { objects }),
    ...(parsed.archive === undefined ? {} : { archive: parsed.archive }),
  };
}
