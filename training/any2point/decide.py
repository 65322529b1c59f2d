"""What the app answers for one cloud (docs/confidence.md): the automatic up, the temperature, and
"not sure". The TypeScript twin is src/model/decide.ts; both are tested on the same hand-worked
numbers (tests/fixtures/decide.json).

Input: the network's logits L[u, v, k] of one cloud for each candidate up u (the app's order:
z first, then y; each a turn of the cloud as the up switch makes it) and each vote v (point
order, votes.ts / index_cache.point_order), k over the classes.

1. P_u = mean over v of softmax(L[u, v]) (temperature 1: the rule measured on validation in
   docs/pose.md, "max-softmax over +z, +y").
2. The up: the u with the largest max_k P_u[k]; a tie goes to the earlier candidate (z). With the
   model's learned up picker (any2point.upright, manifest `upright`) and every candidate's vote-0
   features: the u with the highest score w . f_u + c ln max_k P_u[k] (ties to z again). With the
   picker's second look (its `secondLook` block) and the logits of -y, +x, -x, -z after +z, +y:
   where its trigger on +z and +y is below its threshold, the highest choice score of all six.
3. The answer's probabilities: Q = mean over v of softmax(L[up, v] / T), T the model's fitted
   temperature (1 when the model has none). The up is chosen at T = 1, so a temperature never
   changes which up, nor (softmax / T is monotonic per vote) usually the top class.
   With a learned picker and a calibration fitted for it (`"answer": "mixture"`, docs/pose.md
   "I"), the up is marginalised instead: Q = sum over u of W[u] mean_v softmax(L[u, v] / T), W the
   softmax of the scores that picked the up (the picker's on +z, +y, zero for the others; the
   second look's choice scores over all six where it was taken). The up shown is still the
   picked one (the largest W).
4. "Not sure" when max_k Q[k] < threshold (the model's calibration threshold, 0 = always sure),
   or, with the up on Auto and the model's novelty block, when the turn similarity of the two
   ups' features is above the novelty threshold (any2point.novelty: unlike any training shape).
5. A sparse cloud (at most N_in / 3 points, geometry.grows) of a model whose calibration says
   `"sparse": "grown"` (RULE-grow-answer) and, when the calibration has a `growSpacing`, whose
   points lie farther apart than it once normalised (geometry.answers_grown, RULE-grow-spacing: a
   partial scan with the model's own spacing stays repeated): steps 1-2 and the novelty check read the cloud as given
   (repeated to N_in), step 3 and the threshold read the same ups' passes of the cloud grown
   (geometry.grow): mixed() of the grown logits with step 3's weights (tools/robustness.grown_answer;
   decide.ts answerFrom).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import upright as learned

# The app's candidate ups, in its order (z first): the U axis of the logits here.
APP_UPS = ("+z", "+y")


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """softmax over the last axis in float64, the max subtracted first (as postprocess.softmax)."""
    z = np.asarray(logits, np.float64) / float(temperature)
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def pick_up(logits: np.ndarray, features: np.ndarray | None = None, upright: dict | None = None) -> np.ndarray:
    """logits [U, V, ..., K] -> [...] the index of the chosen up (step 2; ties to the earlier).
    With an `upright` block ({"weights", "confidenceWeight"}) and vote-0 `features` [U, ..., D],
    the learned picker's; otherwise the most confident candidate."""
    confidence = softmax(logits).mean(1).max(-1)  # [U, ...]
    if upright is not None and features is not None:
        look = upright.get("secondLook")
        if look is not None and len(confidence) > 2:  # +z, +y, then the second look's ups
            sc = learned.scores(features, confidence, upright["weights"], upright["confidenceWeight"])
            return learned.pick_with_second_look(sc, learned.look_trigger(features, confidence, look),
                                                 learned.look_choice(features, confidence, look), look["below"])
        return learned.pick(features, confidence, upright["weights"], upright["confidenceWeight"])
    return np.argmax(confidence, axis=0)  # argmax keeps the first of equal maxima


def answers_mixture(calibration: dict | None, upright: dict | None) -> bool:
    """Whether the app answers with step 3's mixture: its calibration was fitted on mixtures and
    there is a learned picker to give the ups' probabilities (else the picked up's answer)."""
    return bool(calibration) and upright is not None and calibration.get("answer") == "mixture"


def up_weights(logits: np.ndarray, features: np.ndarray | None = None, upright: dict | None = None) -> np.ndarray:
    """logits [U, V, ..., K] -> [U, ...] each candidate up's probability of being the true one
    (step 3's mixture): the softmax of the learned scores that pick the up (the picker's over +z,
    +y, the others 0; the second look's choice scores over all U where its trigger fired), or,
    without a learned picker, all of it on the picked up. The largest is pick_up's choice."""
    confidence = softmax(logits).mean(1).max(-1)  # [U, ...]
    if upright is None or features is None:
        picks = np.argmax(confidence, axis=0)
        return (np.arange(len(confidence)).reshape((-1,) + (1,) * picks.ndim) == picks).astype(np.float64)
    over_ups = lambda sc: np.moveaxis(softmax(np.moveaxis(sc, 0, -1)), -1, 0)
    two = learned.scores(np.asarray(features)[:2], confidence[:2], upright["weights"], upright["confidenceWeight"])
    w = np.concatenate([over_ups(two), np.zeros((len(confidence) - 2,) + two.shape[1:])])
    look = upright.get("secondLook")
    if look is not None and len(confidence) > 2:
        six = over_ups(learned.look_choice(features, confidence, look))
        w = np.where(learned.needs_second_look(learned.look_trigger(features, confidence, look), look["below"]), six, w)
    return w


def mixed(logits: np.ndarray, weights: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """logits [U, V, S, K], weights [U, S] -> [S, K] sum over u of W[u] mean_v softmax(L[u, v] / T)."""
    return np.einsum("us,usk->sk", np.asarray(weights, np.float64), softmax(logits, temperature).mean(1))


def answer(logits: np.ndarray, temperature: float = 1.0, features: np.ndarray | None = None,
           upright: dict | None = None, picks: np.ndarray | None = None, mixture: bool = False,
           weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """logits [U, V, S, K] (and vote-0 features [U, S, D] for a learned picker) -> (Q [S, K]
    calibrated probabilities of the chosen up, picks [S]). Given `picks` [S] replace step 2 (the
    fitting tools pass a held-out picker's: tools/upright.held_out_picks). With `mixture` Q is
    step 3's mixture over the ups, by `weights` [U, S] when given (a held-out picker's), else
    up_weights'; the picks are then the largest weights."""
    logits = np.asarray(logits)
    if mixture:
        if weights is None:
            weights = up_weights(logits, features, upright)
        return mixed(logits, weights, temperature), np.argmax(weights, axis=0)
    if picks is None:
        picks = pick_up(logits, features, upright)
    chosen = logits[picks, :, np.arange(logits.shape[2])]  # [S, V, K]
    return softmax(chosen, temperature).mean(1), picks


def not_sure(q: np.ndarray, threshold: float) -> np.ndarray:
    """[S, K] -> [S] True where the top probability is below the threshold (step 4)."""
    return np.asarray(q).max(-1) < threshold


def not_sure_either(q: np.ndarray, threshold: float, similarity: np.ndarray | None = None,
                    novelty_threshold: float | None = None) -> dict:
    """Step 4 with both checks: {"lowConfidence", "unlikeTraining", "notSure"} [S] each (the
    novelty check only with a similarity and a threshold, as decide.ts with the up on Auto)."""
    low = not_sure(q, threshold)
    unlike = (np.asarray(similarity) > novelty_threshold if similarity is not None and novelty_threshold is not None
              else np.zeros_like(low))
    return {"lowConfidence": low, "unlikeTraining": unlike, "notSure": low | unlike}


def ece(q: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error: bins of equal width over the top probability (0, 1], the
    weighted mean of |accuracy - mean confidence| per bin (Guo et al. 2017, 15 bins)."""
    conf = np.asarray(q).max(-1)
    right = np.asarray(q).argmax(-1) == np.asarray(labels)
    which = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.mean() * abs(right[m].mean() - conf[m].mean())
    return float(total)


def nll(q: np.ndarray, labels: np.ndarray) -> float:
    """Mean negative log-likelihood of the true classes."""
    p = np.asarray(q)[np.arange(len(labels)), np.asarray(labels)]
    return float(-np.log(np.clip(p, 1e-12, None)).mean())


def fit_temperature(chosen: np.ndarray, labels: np.ndarray, lo: float = 0.05, hi: float = 20.0,
                    weights: np.ndarray | None = None) -> float:
    """The T minimising the NLL of mean_v softmax(chosen / T); chosen [S, V, K] are the logits of
    each cloud's chosen up (with `weights` [U, S]: chosen are every up's logits [U, V, S, K] and
    the NLL is of their mixture, step 3). A golden-section search on log T (the NLL is unimodal
    in practice; a coarse grid first guards against a second minimum)."""
    def q_at(t: float) -> np.ndarray:
        return softmax(chosen, t).mean(1) if weights is None else mixed(chosen, weights, t)
    f = lambda log_t: nll(q_at(float(np.exp(log_t))), labels)
    grid = np.linspace(np.log(lo), np.log(hi), 61)
    k = int(np.argmin([f(g) for g in grid]))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    r = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        c, d = b - r * (b - a), a + r * (b - a)
        if f(c) <= f(d):
            b = d
        else:
            a = c
    return float(np.exp((a + b) / 2))


def score_threshold(score: np.ndarray, right: np.ndarray, target: float = 0.95) -> Optional[float]:
    """The smallest threshold t (one of the scores) at which the answers kept (score >= t) are
    right at least `target` of the time; None when not even the highest score's are."""
    score = np.asarray(score)
    order = np.argsort(-score, kind="stable")
    acc = np.cumsum(np.asarray(right, np.float64)[order]) / np.arange(1, len(order) + 1)  # accuracy of the n highest
    ok = np.nonzero(acc >= target)[0]
    return float(score[order][ok[-1]]) if len(ok) else None  # keep as many as possible


def threshold_for_accuracy(q: np.ndarray, labels: np.ndarray, target: float = 0.95) -> float:
    """The smallest threshold t (one of the top probabilities, or 1.0) at which the answers kept
    (top probability >= t) are right at least `target` of the time."""
    t = score_threshold(np.asarray(q).max(-1), np.asarray(q).argmax(-1) == np.asarray(labels), target)
    return 1.0 if t is None else t


def coverage(q: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    """Share of clouds answered (top probability >= threshold) and the accuracy of those answers."""
    conf = np.asarray(q).max(-1)
    right = np.asarray(q).argmax(-1) == np.asarray(labels)
    kept = conf >= threshold
    return {"coverage": float(kept.mean()), "keptAccuracy": float(right[kept].mean()) if kept.any() else float("nan"),
            "accuracy": float(right.mean())}


# The calibration fields the app reads (src/model/zoo.ts `calibration`) and the figures beside
# them; tools/calibrate writes them into the manifest, export.py copies them on a re-export.
MANIFEST_KEYS = ("temperature", "threshold", "votesPerUp", "ups", "rule", "answer", "sparse", "growSpacing",
                 "targetAccuracy", "validation", "test")


def manifest_block(block: dict) -> dict:
    """The manifest's `calibration` block from a calibration.json."""
    return {k: block[k] for k in MANIFEST_KEYS if k in block}
