// The files another file needs to be read: a .gltf's separate buffers (.bin) beside it in a folder.
// A listing (folder.ts) notes them on the File itself (a WeakMap, so nothing outlives the File),
// and the parse client sends them with it, whichever path opens it (a batch row, the viewer).
const COMPANIONS = new WeakMap<File, File[]>();

export function setCompanions(file: File, companions: File[]): void {
  if (companions.length > 0) COMPANIONS.set(file, companions);
}

export function companionsOf(file: File): File[] {
  return COMPANIONS.get(file) ?? [];
}
