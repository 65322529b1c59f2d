// The geometry settings a model manifest carries (`manifest.geometry`, docs/geometry.md) and the
// shape of what the geometry stage hands to the network. Kept in sync with src/model/manifest.ts.

export interface StageSpec {
  /** Centres picked by FPS in this stage. */
  centers: number;
  /** Neighbours per centre (1..64). */
  k: number;
}

export interface Projection1D {
  kind: '1d';
  /** Unit line directions, M x 3 (float32-rounded). */
  lines: number[][];
  /** Positions on the backbone's line, L. */
  length: number;
  /** Segment size in positions. */
  cell: number;
}

export interface Projection2D {
  kind: '2d';
  /** Row-major 3 x 3 rotations, M x 9. */
  views: number[][];
  /** Positions per side of the backbone's grid, G. */
  grid: number;
  /** Camera distance D. */
  distance: number;
  /** Cell size in grid units. */
  cell: number;
}

export type ProjectionSpec = Projection1D | Projection2D;

export interface GeometrySpec {
  /** Network input size N_in. */
  points: number;
  /** The up axis the network was trained with; only 'z' exists. */
  up: 'z';
  /** Tokenizer stages; the last one's centres are the T tokens. */
  stages: StageSpec[];
  projection: ProjectionSpec;
  /** Voxels per axis over [-1, 1] for the adapter's 3D branch. */
  voxels: number;
}

/** Outputs of one tokenizer stage for B clouds, laid side by side. */
export interface StageOutput {
  /** B x centers indices into the stage's input points. */
  fps: Uint32Array;
  /** B x centers x k indices into the stage's input points. */
  knn: Uint32Array;
}

/** Everything the network needs, for B clouds laid side by side (ONNX inputs in docs/geometry.md). */
export interface GeometryOutput {
  batch: number;
  /** B x N_in x 3, normalised and resampled. */
  points: Float32Array;
  stages: StageOutput[];
  /** B x T x 3 token centres (the last stage's centres). */
  tokens: Float32Array;
  /** B x M x T (1D) or B x M x T x 2 (2D: gx, gy). */
  pos: Float32Array;
  /** B x M x T cell / segment ids. */
  cells: Uint32Array;
  /** B x M x T x T, 1 where two tokens share a cell. */
  cellMask: Float32Array;
  /** B x M x T x T, cellMask divided by its row sum. */
  cellMean: Float32Array;
  /** B x T voxel ids. */
  voxels: Uint32Array;
  /** B x T x T, 1 where two tokens share a voxel. */
  voxelMask: Float32Array;
}

/** T, the number of tokens. */
export function tokenCount(spec: GeometrySpec): number {
  return spec.stages[spec.stages.length - 1].centers;
}

/** M, the number of lines (1D) or views (2D). */
export function viewCount(projection: ProjectionSpec): number {
  return projection.kind === '1d' ? projection.lines.length : projection.views.length;
}

/** Number of cells / segments per view: ceil(L / cell) (1D) or nc * nc with nc = ceil(G / cell). */
export function cellsPerAxis(projection: ProjectionSpec): number {
  const extent = projection.kind === '1d' ? projection.length : projection.grid;
  return Math.ceil(extent / projection.cell);
}

/** Values per position: 1 (1D) or 2 (2D). */
export function posWidth(projection: ProjectionSpec): 1 | 2 {
  return projection.kind === '1d' ? 1 : 2;
}

export const MAX_K = 64;

/** Checks an untyped manifest `geometry` object; throws naming the first field that is wrong. */
export function parseGeometrySpec(value: unknown): GeometrySpec {
  const g = record(value, 'geometry');
  const points = positiveInt(g.points, 'geometry.points');
  if (g.up !== undefined && g.up !== 'z') {
    throw new Error(`geometry.up must be 'z' (the networks are trained z-up), got ${JSON.stringify(g.up)}`);
  }
  if (!Array.isArray(g.stages) || g.stages.length === 0) {
    throw new Error('geometry.stages must be a non-empty array of { centers, k }');
  }
  const stages = g.stages.map((s, i) => {
    const r = record(s, `geometry.stages[${i}]`);
    const k = positiveInt(r.k, `geometry.stages[${i}].k`);
    if (k > MAX_K) throw new Error(`geometry.stages[${i}].k must be at most ${MAX_K}, got ${k}`);
    return { centers: positiveInt(r.centers, `geometry.stages[${i}].centers`), k };
  });
  const projection = parseProjection(g.projection);
  const voxels = positiveInt(g.voxels, 'geometry.voxels');
  return { points, up: 'z', stages, projection, voxels };
}

function parseProjection(value: unknown): ProjectionSpec {
  const p = record(value, 'geometry.projection');
  const cell = positiveNumber(p.cell, 'geometry.projection.cell');
  if (p.kind === '1d') {
    const lines = vectors(p.lines, 3, 'geometry.projection.lines');
    return { kind: '1d', lines, length: positiveInt(p.length, 'geometry.projection.length'), cell };
  }
  if (p.kind === '2d') {
    const views = vectors(p.views, 9, 'geometry.projection.views');
    const distance = positiveNumber(p.distance, 'geometry.projection.distance');
    return { kind: '2d', views, grid: positiveInt(p.grid, 'geometry.projection.grid'), distance, cell };
  }
  throw new Error(`geometry.projection.kind must be '1d' or '2d', got ${JSON.stringify(p.kind)}`);
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function vectors(value: unknown, width: number, name: string): number[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${name} must be a non-empty array of ${width}-number arrays`);
  }
  return value.map((v, i) => {
    if (!Array.isArray(v) || v.length !== width || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${name}[${i}] must be ${width} finite numbers`);
    }
    return v as number[];
  });
}
