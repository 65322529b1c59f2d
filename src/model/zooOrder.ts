// The order of the zoo, and so the default model: the best measured ModelNet40 test accuracy
// first (the manifest's metrics, written by the export from report.json), models never evaluated
// last, ties by id. One rule for the build's models/index.json and for the tests that pick "the
// default model".

export interface RankedManifest {
  id: string;
  metrics?: { testOverallAccuracy?: number | null } | null;
}

/** Model ids, default first. */
export function zooOrder(manifests: readonly RankedManifest[]): string[] {
  const accuracy = (m: RankedManifest) => m.metrics?.testOverallAccuracy ?? -1;
  return [...manifests]
    .sort((a, b) => accuracy(b) - accuracy(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => m.id);
}
