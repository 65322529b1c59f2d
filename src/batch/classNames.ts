// Folder names -> the model's classes. People name folders "Flower Pot", "flower-pot" or
// "flower_pot"; the model says "flower_pot". Matching ignores case and treats '_', '-' and spaces
// (runs of them, and at the ends) alike; nothing looser, so a near-miss ("chairs") is reported
// rather than guessed.

/** The form two names are compared in. */
export function classKey(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

export interface ClassMatching {
  /** Each folder name -> the model's class index, or null when no class matches. */
  classOf: Map<string, number | null>;
  /** Folder names that match no class, sorted. */
  unmatched: string[];
}

export function matchClasses(folders: Iterable<string>, classes: readonly string[]): ClassMatching {
  const byKey = new Map<string, number>();
  classes.forEach((name, index) => {
    // Two classes with one key would be a broken manifest; the first wins, deterministically.
    if (!byKey.has(classKey(name))) byKey.set(classKey(name), index);
  });
  const classOf = new Map<string, number | null>();
  for (const folder of folders) classOf.set(folder, byKey.get(classKey(folder)) ?? null);
  const unmatched = [...classOf].filter(([, index]) => index === null).map(([folder]) => folder);
  return { classOf, unmatched: unmatched.sort() };
}
