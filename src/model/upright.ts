// The learned up picker (docs/pose.md "E"): which candidate up shows the cloud standing upright?
// The twin of training/any2point/upright.py, which fits the weights on the validation split
// (any2point.tools.upright writes them into the manifest's `upright` block); both are tested on
// the same hand-worked numbers, tests/fixtures/upright.json.
//
// Each candidate up u (z, then y) scores  w . f_u + c * ln(max_k P_u[k]),  f_u the features of its
// vote 0 (the network's head input) and P_u its softmax at temperature 1 averaged over its votes.
// The highest score's up is chosen and a tie keeps the earlier (decide.ts pickUp). Max-softmax
// alone keeps the wrong up for about one cloud in ten: a model that saw only upright shapes can be
// confidently wrong about one on its side, and its features say more about "upright or not".

/** A model's learned up picker (manifest `upright`, written by any2point.tools.upright). */
export interface Upright {
  /** One weight per feature (the manifest's features.dim). */
  weights: readonly number[];
  /** The weight of ln(the candidate's top probability). */
  confidenceWeight: number;
}

/** One candidate's score, in float64: the features in index order, then the confidence term. */
export function uprightScore(features: ArrayLike<number>, confidence: number, upright: Upright): number {
  const { weights, confidenceWeight } = upright;
  if (features.length !== weights.length) throw new Error(`uprightScore: ${features.length} features for ${weights.length} weights`);
  let score = 0;
  for (let i = 0; i < weights.length; i++) score += weights[i] * features[i];
  return score + confidenceWeight * Math.log(confidence);
}

/** Every candidate's score, in order; null when the learned rule does not apply (no block, a
 * single candidate, or a candidate without features of the weights' length), so the caller keeps
 * max-softmax. */
export function uprightScores(
  candidates: readonly { features?: ArrayLike<number> | null; confidence: number }[],
  upright: Upright | null,
): number[] | null {
  if (!upright || candidates.length < 2) return null;
  if (!candidates.every((c) => c.features != null && c.features.length === upright.weights.length)) return null;
  return candidates.map((c) => uprightScore(c.features!, c.confidence, upright));
}
