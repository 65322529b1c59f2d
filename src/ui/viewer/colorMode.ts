/** Which axis points up: the geometry contract's default is z (ModelNet40); many meshes are y-up. */
export type UpAxis = 'y' | 'z';

export const UP_AXIS_INDEX: Record<UpAxis, 1 | 2> = { y: 1, z: 2 };

/** How points are coloured when no per-point scalars (attention) are shown. */
export type ColorMode = { kind: 'height'; up: UpAxis } | { kind: 'file' };
