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

import type { UpAxis } from '../geometry/upTurn';

/** The second look (docs/pose.md "H"): when neither +z nor +y scores `below` or more (neither looks
 * upright), the cloud is also classified under `ups` (-y, x, -x, -z) and the best score of all six
 * is kept. Fitted on validation by any2point.tools.second_look. */
export interface SecondLook {
  below: number;
  ups: readonly UpAxis[];
}

/** A model's learned up picker (manifest `upright`, written by any2point.tools.upright). */
export interface Upright {
  /** One weight per feature (the manifest's features.dim). */
  weights: readonly number[];
  /** The weight of ln(the candidate's top probability). */
  confidenceWeight: number;
  /** The other four ups, scored only when the first two both score below a threshold. */
  secondLook?: SecondLook;
}

/** The ups of a second look, in the order of pose.py UP_CANDIDATES after +z, +y. */
export const SECOND_LOOK_UPS: readonly UpAxis[] = ['-y', 'x', '-x', '-z'];

/** Does a cloud whose first two candidates (+z, +y) scored `scores` need the second look? */
export function needsSecondLook(scores: readonly number[] | null, upright: Upright | null): boolean {
  if (!upright?.secondLook || !scores || scores.length !== 2) return false;
  return Math.max(scores[0], scores[1]) < upright.secondLook.below;
}

/** The chosen candidate: the highest score of +z, +y (the first two), or, with a second look's
 * scores after them and both first scores below the threshold, the highest of all; ties to the
 * earlier candidate (decide.ts pickUp). */
export function pickWithSecondLook(scores: readonly number[], upright: Upright): number {
  const argmax = (n: number) => {
    let best = 0;
    for (let i = 1; i < n; i++) if (scores[i] > scores[best]) best = i;
    return best;
  };
  if (scores.length <= 2 || !needsSecondLook(scores.slice(0, 2), upright)) return argmax(Math.min(2, scores.length));
  return argmax(scores.length);
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
