// What the file picker offers and the empty state names. The loaders (src/io) decide what is
// actually accepted, by extension and by content.
export const ACCEPTED_EXTENSIONS = ['.ply', '.obj', '.pcd', '.xyz', '.txt', '.csv', '.off', '.stl'] as const;

