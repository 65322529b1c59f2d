// Geometry specs shaped like the zoo manifests (docs/geometry.md defaults), for the kernel tests,
// the browser check page and the benchmark. The app itself reads specs from the manifests.
import type { GeometrySpec, Projection1D, Projection2D } from '../src/geometry/spec';

const s2 = Math.fround(1 / Math.sqrt(2));
const s3 = Math.fround(1 / Math.sqrt(3));

export const DEFAULT_LINES = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [s2, s2, 0],
  [s2, -s2, 0],
  [s3, s3, s3],
];

export const DEFAULT_VIEWS = [
  [1, 0, 0, 0, 0, 1, 0, 1, 0],
  [0, 1, 0, 0, 0, 1, -1, 0, 0],
  [-1, 0, 0, 0, 0, 1, 0, -1, 0],
  [0, -1, 0, 0, 0, 1, 1, 0, 0],
  [1, 0, 0, 0, 1, 0, 0, 0, -1],
  [1, 0, 0, 0, -1, 0, 0, 0, 1],
];

export const SPEC_1D: GeometrySpec & { projection: Projection1D } = {
  points: 1024,
  up: 'z',
  stages: [
    { centers: 512, k: 24 },
    { centers: 64, k: 24 },
  ],
  projection: { kind: '1d', lines: DEFAULT_LINES, length: 128, cell: 16 },
  voxels: 4,
};

export const SPEC_2D: GeometrySpec & { projection: Projection2D } = {
  points: 1024,
  up: 'z',
  stages: [
    { centers: 512, k: 24 },
    { centers: 64, k: 24 },
  ],
  projection: { kind: '2d', views: DEFAULT_VIEWS, grid: 7, distance: 3, cell: 2 },
  voxels: 4,
};
