// What the app answers for one cloud (docs/confidence.md): the automatic up, the model's fitted
// temperature and "not sure". The twin of training/any2point/decide.py, which measures and fits
// the same rule on the validation split; both are tested on tests/fixtures/decide.json.
//
// 1. P_u = mean over the votes of softmax(logits) for each candidate up u (z first, then y).
// 2. The up: the u with the largest max_k P_u[k]; a tie keeps the earlier one (z). With the
//    model's learned up picker (upright.ts) and every run's features, the u with the largest
//    learned score instead (same tie rule). With the picker's second look, runs of -y, x, -x, -z
//    after z and y (classified because its trigger on z and y was below its threshold): the
//    largest choice score of all six.
// 3. The answer: Q = mean over the chosen up's votes of softmax(logits / T). With the learned
//    picker and a calibration fitted on mixtures (`answer: 'mixture'`, docs/pose.md "I"), the up
//    is marginalised instead: Q = sum over u of W_u mean over u's votes of softmax(logits / T),
//    W the softmax of the scores that picked the up (the picker's over z and y, the others 0; the
//    second look's choice scores over all six when it was taken). The up shown is still the
//    picked one, the largest W.
// 4. "Not sure" when max_k Q[k] < threshold (low confidence), or, with the up on Auto and the
//    model's novelty check, when the features of the two ups are too alike (novelty.ts: the cloud
//    has no up, unlike any training shape). Either reason is reported.
// 5. A sparse cloud (at most N_in / 3 points) with a model whose calibration says `sparse:
//    'grown'` (RULE-grow-answer) and, with a `growSpacing`, whose points lie farther apart than it
//    once normalised (spacing.ts answersGrown; RULE-grow-spacing: a partial scan whose points are
//    as close as the model's own stays repeated): steps 1-2 and the novelty check read the cloud as given (repeated
//    to N_in, as the picker was fitted), then step 3 and the threshold read the same ups' passes of
//    the cloud grown instead (answerFrom).
import type { UpAxis } from '../geometry/normalise';
import { softmax, topK, type RankedClass } from './postprocess';
import { meanProbabilities } from './votes';
import { turnSimilarity, unlikeTraining, type Novelty } from './novelty';
import { lookChoice, lookTrigger, needsSecondLook, pickWithSecondLook, uprightScores, type Upright } from './upright';

/** The up axes the app classifies a cloud under when the up is automatic, in rule order. */
export const AUTO_UPS: readonly UpAxis[] = ['z', 'y'];
export type CandidateUp = UpAxis;

/** A model's calibration (manifest `calibration`, written by any2point.tools.calibrate). */
export interface Calibration {
  temperature: number;
  /** Below this calibrated top probability the answer is "not sure" (0: never). */
  threshold: number;
  /** Votes per candidate up in automatic mode (the app's latency budget, chosen on validation). */
  votesPerUp?: number;
  /** What the temperature and threshold were fitted on: the mixture over the ups (step 3, with
   * a learned picker) or the picked up's answer alone (the default). */
  answer?: 'mixture' | 'picked';
  /** 'grown': a cloud of at most N_in / 3 points is answered from its grown passes (step 5). */
  sparse?: 'grown' | 'repeated';
  /** With sparse 'grown': only a cloud whose points lie farther apart than this once normalised
   * (spacing.ts; RULE-grow-spacing) is grown; absent: every sparse cloud. */
  growSpacing?: number;
}

export const UNCALIBRATED: Calibration = { temperature: 1, threshold: 0 };

export interface UpScore {
  up: CandidateUp;
  /** max_k P_u[k] at temperature 1 (step 1 and 2). */
  confidence: number;
  /** The learned up picker's score (upright.ts), when that rule picked the up. */
  score?: number;
  /** The second look's choice score (upright.ts), when the other four ups were classified. */
  choice?: number;
  /** W_u, this up's share of a mixed answer (step 3), when the answer is one. */
  weight?: number;
}

/** How the up was picked: the model's learned up picker, the larger top probability, or the one
 * up the user set. */
export type UpRule = 'learned' | 'confidence' | 'forced';

export interface Answer {
  /** Q: the calibrated probabilities of the chosen up, or of the mixture over the ups (step 3). */
  probabilities: Float32Array;
  /** Q is the mixture over the candidate ups (step 3), not the chosen up's alone. */
  mixed: boolean;
  top: RankedClass[];
  /** The up the answer is for. */
  up: CandidateUp;
  /** True when the up was chosen by the rule, false when it was forced. */
  upDetected: boolean;
  /** The other four ups were classified too (the learned picker's second look). */
  secondLook: boolean;
  /** Which rule chose the up (step 2): 'learned' (each upScores entry then has its score). */
  upRule: UpRule;
  /** Every candidate's confidence, in rule order (one entry when the up was forced). */
  upScores: UpScore[];
  temperature: number;
  threshold: number;
  /** Either check fired (step 4): the UI says "not sure" and shows candidates. */
  notSure: boolean;
  /** The top calibrated probability is below the threshold. */
  lowConfidence: boolean;
  /** Q was read from the cloud grown, not repeated (step 5: a sparse cloud). */
  grown: boolean;
  /** cos(features at up z, features at up y) (novelty.ts); null when not computed (up forced,
   * no novelty check in the manifest, a taught head, or no features output). */
  turnSimilarity: number | null;
  /** The turn similarity is above the model's novelty threshold: unlike any training shape. */
  unlikeTraining: boolean;
}

/** The mean of softmax(logits / T) over the votes (step 1 with T = 1, step 3 with the model's T). */
export function votedProbabilities(voteLogits: readonly Float32Array[], temperature = 1): Float32Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`temperature must be a positive number, got ${temperature}`);
  const each = voteLogits.map((l) => softmax(temperature === 1 ? l : Array.from(l, (x) => x / temperature)));
  return each.length === 1 ? each[0] : meanProbabilities(each);
}

/** Step 3's W: each candidate's probability of being the true up, the softmax of the learned
 * scores that picked it (`scores` over the first two when `all` is false, the rest 0). */
export function upWeights(scores: readonly number[], all: boolean): number[] {
  const n = all ? scores.length : Math.min(2, scores.length);
  const top = Math.max(...scores.slice(0, n));
  const e = scores.map((s, i) => (i < n ? Math.exp(s - top) : 0));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/** Step 3's mixture: sum over u of weights[u] times the voted probabilities of run u at T. */
export function mixedProbabilities(runs: readonly { voteLogits: readonly Float32Array[] }[], weights: readonly number[], temperature: number): Float32Array {
  if (weights.length !== runs.length) throw new Error(`mixedProbabilities: ${weights.length} weights for ${runs.length} runs`);
  let q: Float64Array | null = null;
  runs.forEach((r, u) => {
    if (weights[u] === 0) return;
    const p = votedProbabilities(r.voteLogits, temperature);
    q ??= new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) q[k] += weights[u] * p[k];
  });
  if (q === null) throw new Error('mixedProbabilities: every weight is 0');
  return Float32Array.from(q);
}

/** Step 2: the index of the candidate with the largest top probability, ties to the earlier. */
export function pickUp(confidences: readonly number[]): number {
  if (confidences.length === 0) throw new Error('pickUp: no candidates');
  let best = 0;
  for (let i = 1; i < confidences.length; i++) if (confidences[i] > confidences[best]) best = i;
  return best;
}

const maxOf = (p: ArrayLike<number>) => {
  let m = -Infinity;
  for (let i = 0; i < p.length; i++) m = Math.max(m, p[i]);
  return m;
};

/** The novelty score of automatic-up runs: the turn similarity of vote 0's features of up z and
 * up y (the first two runs, as Auto orders them), or null when the runs do not start with those two
 * or one of them has no features. */
function similarityOf(runs: readonly { up: CandidateUp; features?: Float32Array | null }[]): number | null {
  if (runs.length < 2 || runs[0].up !== 'z' || runs[1].up !== 'y') return null;
  const [z, y] = runs.slice(0, 2).map((r) => r.features);
  return z && y ? turnSimilarity(z, y) : null;
}

/** Step 2's learned scores of the first two runs (z, y), to ask before classifying the other
 * ups whether the picker's second look is wanted (upright.ts needsSecondLook). */
export function wantsSecondLook(
  runs: readonly { up: CandidateUp; voteLogits: readonly Float32Array[]; features?: Float32Array | null }[],
  upright: Upright | null,
): boolean {
  if (!upright?.secondLook || runs.length !== 2 || runs[0].up !== 'z' || runs[1].up !== 'y') return false;
  const g = lookTrigger(runs.map((r) => ({ features: r.features, confidence: maxOf(votedProbabilities(r.voteLogits)) })), upright);
  return needsSecondLook(g, upright);
}

/** Steps 1-4 for one cloud: `runs` are the candidate ups (in AUTO_UPS order when detected, then
 * those of a second look when it was taken, or the one forced up) with the logits of every vote and, for the novelty check and the learned up
 * picker, vote 0's features. `upright` (null: max-softmax) applies only with more than one run,
 * each with features of the weights' length. Returns the answer and the chosen run's index. */
export function decide(
  runs: readonly { up: CandidateUp; voteLogits: readonly Float32Array[]; features?: Float32Array | null }[],
  labels: readonly string[],
  calibration: Calibration = UNCALIBRATED,
  k = 5,
  novelty: Novelty | null = null,
  upright: Upright | null = null,
): { answer: Answer; chosen: number } {
  if (runs.length === 0) throw new Error('decide: no runs');
  const confidences = runs.map((r) => maxOf(votedProbabilities(r.voteLogits)));
  const learned = uprightScores(runs.map((r, i) => ({ features: r.features, confidence: confidences[i] })), upright);
  const candidates = runs.map((r, i) => ({ features: r.features, confidence: confidences[i] }));
  const choice = learned && runs.length > 2 ? lookChoice(candidates, upright) : null;
  const trigger = choice ? lookTrigger(candidates, upright) : null;
  const looked = choice !== null && trigger !== null;
  const chosen = looked ? pickWithSecondLook(learned!, trigger!, choice!, upright!) : pickUp(learned ?? confidences);
  const weights = calibration.answer === 'mixture' && learned
    ? (looked && needsSecondLook(trigger, upright) ? upWeights(choice!, true) : upWeights(learned, false))
    : null;
  const upScores: UpScore[] = runs.map((r, i) => ({
    up: r.up,
    confidence: confidences[i],
    ...(learned ? { score: learned[i] } : {}),
    ...(choice ? { choice: choice[i] } : {}),
    ...(weights ? { weight: weights[i] } : {}),
  }));
  const upRule: UpRule = runs.length === 1 ? 'forced' : learned ? 'learned' : 'confidence';
  const probabilities = weights ? mixedProbabilities(runs, weights, calibration.temperature) : votedProbabilities(runs[chosen].voteLogits, calibration.temperature);
  const top = topK(probabilities, labels, k);
  const lowConfidence = (top[0]?.probability ?? 0) < calibration.threshold;
  const similarity = novelty ? similarityOf(runs) : null;
  const unlike = novelty !== null && similarity !== null && unlikeTraining(similarity, novelty);
  return {
    chosen,
    answer: {
      probabilities,
      mixed: weights !== null,
      top,
      up: runs[chosen].up,
      upDetected: runs.length > 1,
      secondLook: looked,
      upRule,
      upScores,
      temperature: calibration.temperature,
      threshold: calibration.threshold,
      notSure: lowConfidence || unlike,
      lowConfidence,
      grown: false,
      turnSimilarity: similarity,
      unlikeTraining: unlike,
    },
  };
}

/** Step 5: `answer` (of decide) with Q read from `runs`, other passes of its ups (the cloud grown):
 * the mixture over the same ups with the same weights, or the same up's votes; the top classes
 * and the low-confidence check follow Q, the up, its scores and the novelty check stay. */
export function answerFrom(
  answer: Answer,
  runs: readonly { up: CandidateUp; voteLogits: readonly Float32Array[] }[],
  labels: readonly string[],
  calibration: Calibration = UNCALIBRATED,
  k = 5,
): Answer {
  const runOf = (up: CandidateUp) => {
    const run = runs.find((r) => r.up === up);
    if (!run) throw new Error(`answerFrom: no run of up ${up}`);
    return run;
  };
  let probabilities: Float32Array;
  if (answer.mixed) {
    const weighted = answer.upScores.filter((s) => (s.weight ?? 0) > 0);
    probabilities = mixedProbabilities(weighted.map((s) => runOf(s.up)), weighted.map((s) => s.weight!), calibration.temperature);
  } else {
    probabilities = votedProbabilities(runOf(answer.up).voteLogits, calibration.temperature);
  }
  const top = topK(probabilities, labels, k);
  const lowConfidence = (top[0]?.probability ?? 0) < calibration.threshold;
  return { ...answer, probabilities, top, lowConfidence, notSure: lowConfidence || answer.unlikeTraining, grown: true };
}
