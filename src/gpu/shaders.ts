// The WGSL sources, one kernel per file, imported as text.
import cells from '../../shaders/cells.wgsl?raw';
import fps from '../../shaders/fps.wgsl?raw';
import grid from '../../shaders/grid.wgsl?raw';
import knn from '../../shaders/knn.wgsl?raw';
import project1d from '../../shaders/project1d.wgsl?raw';
import project2d from '../../shaders/project2d.wgsl?raw';
import voxels from '../../shaders/voxels.wgsl?raw';

export const SHADERS = { grid, fps, knn, project1d, project2d, cells, voxels } as const;

export type KernelName = keyof typeof SHADERS;
