// The WGSL sources, one kernel per file, imported as text. WGSL has no include: the helpers the
// point-reading kernels share (shaders/common/points.wgsl) are put in front of them here, once.
import points from '../../shaders/common/points.wgsl?raw';
import cells from '../../shaders/cells.wgsl?raw';
import fps from '../../shaders/fps.wgsl?raw';
import grid from '../../shaders/grid.wgsl?raw';
import knn from '../../shaders/knn.wgsl?raw';
import project1d from '../../shaders/project1d.wgsl?raw';
import project2d from '../../shaders/project2d.wgsl?raw';
import voxels from '../../shaders/voxels.wgsl?raw';

const withPoints = (kernel: string): string => `${points}\n${kernel}`;

export const SHADERS = {
  grid: withPoints(grid),
  fps: withPoints(fps),
  knn: withPoints(knn),
  project1d,
  project2d,
  cells,
  voxels,
} as const;

export type KernelName = keyof typeof SHADERS;
