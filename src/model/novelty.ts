// The second "not sure" check (docs/confidence.md): is the cloud unlike any training shape? The
// twin of training/any2point/novelty.py, which fits the threshold on the validation split; both
// are tested on tests/fixtures/novelty.json.
//
// The score is the turn similarity s = cos(f_z, f_y): the cosine between the network's `features`
// (its head's input) for the cloud as given (up z) and turned as the y switch turns it (up y),
// the two runs the automatic up makes anyway, vote 0 of each. Every training shape has an up:
// laid on its side it is another shape to the network. A cloud the network sees the same way
// whichever way up it stands (a blob, a ball, a box of noise) has none. Flagged when s > threshold.

/** A model's novelty check (manifest `novelty`, written by any2point.tools.novelty). */
export interface Novelty {
  /** Above this turn similarity the cloud is "unlike any training shape". */
  threshold: number;
}

/** cos(a, b) in float64; 0 when either has length 0 (no direction, nothing to compare). */
export function turnSimilarity(featuresZ: ArrayLike<number>, featuresY: ArrayLike<number>): number {
  if (featuresZ.length !== featuresY.length) throw new Error(`turnSimilarity: ${featuresZ.length} features at up z, ${featuresY.length} at up y`);
  let dot = 0;
  let zz = 0;
  let yy = 0;
  for (let i = 0; i < featuresZ.length; i++) {
    dot += featuresZ[i] * featuresY[i];
    zz += featuresZ[i] * featuresZ[i];
    yy += featuresY[i] * featuresY[i];
  }
  return zz > 0 && yy > 0 ? dot / Math.sqrt(zz * yy) : 0;
}

/** The check: the score strictly above the model's threshold. */
export function unlikeTraining(similarity: number, novelty: Novelty): boolean {
  return similarity > novelty.threshold;
}
