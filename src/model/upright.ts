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

/** The second look (docs/pose.md "H", RULE-cascade3.md), fitted on validation by
 * any2point.tools.second_look. A trigger on the first two candidates at once,
 * g = weights[0] . f_z + confidenceWeights[0] ln(conf_z) + weights[1] . f_y + confidenceWeights[1] ln(conf_y) + bias
 * ("is the true up z or y?"); where g is below `below` the cloud is also classified under `ups`
 * (-y, x, -x, -z) and the candidate of all six with the highest choice score
 * choice.weights . f + choice.confidenceWeight ln(conf) is kept. */
export interface SecondLook {
  below: number;
  trigger: { weights: readonly [readonly number[], readonly number[]]; confidenceWeights: readonly [number, number]; bias: number };
  choice: { weights: readonly number[]; confidenceWeight: number };
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

type Candidate = { features?: ArrayLike<number> | null; confidence: number };

const hasFeatures = (c: Candidate, dim: number) => c.features != null && c.features.length === dim;

/** The second look's trigger from the first two candidates (z, y), or null when the rule does not
 * apply (no second look, fewer than two candidates, or one without features of the weights' length). */
export function lookTrigger(candidates: readonly Candidate[], upright: Upright | null): number | null {
  const look = upright?.secondLook;
  if (!look || candidates.length < 2) return null;
  const { weights, confidenceWeights, bias } = look.trigger;
  if (!candidates.slice(0, 2).every((c, i) => hasFeatures(c, weights[i].length))) return null;
  const [z, y] = candidates;
  return uprightScore(z.features!, z.confidence, { weights: weights[0], confidenceWeight: confidenceWeights[0] })
    + uprightScore(y.features!, y.confidence, { weights: weights[1], confidenceWeight: confidenceWeights[1] }) + bias;
}

/** Every candidate's choice score of the second look, or null when the rule does not apply. */
export function lookChoice(candidates: readonly Candidate[], upright: Upright | null): number[] | null {
  const look = upright?.secondLook;
  if (!look || !candidates.every((c) => hasFeatures(c, look.choice.weights.length))) return null;
  return candidates.map((c) => uprightScore(c.features!, c.confidence, look.choice));
}

/** Does a cloud whose first two candidates (z, y) have this trigger need the second look? */
export function needsSecondLook(trigger: number | null, upright: Upright | null): boolean {
  if (!upright?.secondLook || trigger === null) return false;
  return trigger < upright.secondLook.below;
}

const argmax = (xs: readonly number[], n = xs.length) => {
  let best = 0;
  for (let i = 1; i < n; i++) if (xs[i] > xs[best]) best = i;
  return best;
};

/** The chosen candidate: the picker's choice of z and y (the first two `scores`), or, when the
 * trigger is below the threshold and the other ups were classified, the highest choice score of
 * all; ties to the earlier candidate (decide.ts pickUp). */
export function pickWithSecondLook(scores: readonly number[], trigger: number, choice: readonly number[], upright: Upright): number {
  if (choice.length <= 2 || !needsSecondLook(trigger, upright)) return argmax(scores, Math.min(2, scores.length));
  return argmax(choice);
}

/** One candidate's score, in float64: the features in index order, then the confidence term. */
export function uprightScore(features: ArrayLike<number>, confidence: number, upright: Pick<Upright, 'weights' | 'confidenceWeight'>): number {
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
