// The WGSL sources, one kernel per file, imported as text. WGSL has no include: the helpers
// kernels share (shaders/common/) are put in front of them here: points.wgsl for the kernels that
// read a cloud's points, rows.wgsl for those that run one invocation per row.
import points from '../../shaders/common/points.wgsl?raw';
import rows from '../../shaders/common/rows.wgsl?raw';
import cells from '../../shaders/cells.wgsl?raw';
import fps from '../../shaders/fps.wgsl?raw';
import grid from '../../shaders/grid.wgsl?raw';
import knn from '../../shaders/knn.wgsl?raw';
import project1d from '../../shaders/project1d.wgsl?raw';
import project2d from '../../shaders/project2d.wgsl?raw';
import voxels from '../../shaders/voxels.wgsl?raw';

const withCommon = (kernel: string, ...common: string[]): string => [...common, kernel].join('\n');

export const SHADERS = {
  grid: withCommon(grid, points),
  fps: withCommon(fps, points),
  knn: withCommon(knn, points, rows),
  project1d: withCommon(project1d, rows),
  project2d: withCommon(project2d, rows),
  cells: withCommon(cells, rows),
  voxels: withCommon(voxels, rows),
} as const;

export type KernelName = keyof typeof SHADERS;
