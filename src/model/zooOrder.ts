// The order of the zoo, and so the default model: models with a frozen backbone first, the best
// measured ModelNet40 test accuracy first among them (the manifest's metrics, written by the
// export from report.json), models never evaluated last, ties by id. The no-backbone baseline
// (backbone "none": tokenizer and head only) always comes after every backbone model: it is there
// to show what a frozen backbone adds, and the app is about adapting one, so it is never the
// default even when its accuracy is as high. One rule for the build's models/index.json and for
// the tests that pick "the default model".

export interface RankedManifest {
  id: string;
  backbone?: { name?: string } | null;
  metrics?: { testOverallAccuracy?: number | null } | null;
}

/** True for the tokenizer-and-head baseline with no frozen backbone. */
export function isBaseline(m: RankedManifest): boolean {
  return m.backbone?.name === 'none';
}

/** Model ids, default first. */
export function zooOrder(manifests: readonly RankedManifest[]): string[] {
  const accuracy = (m: RankedManifest) => m.metrics?.testOverallAccuracy ?? -1;
  return [...manifests]
    .sort(
      (a, b) =>
        Number(isBaseline(a)) - Number(isBaseline(b)) ||
        accuracy(b) - accuracy(a) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((m) => m.id);
}
