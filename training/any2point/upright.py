"""The learned up picker (docs/pose.md "E"): which candidate up shows the cloud standing upright?
The TypeScript twin is src/model/upright.ts (used by decide.ts); both are tested on the same hand-worked numbers
(tests/fixtures/upright.json).

The automatic up classifies the cloud under each candidate up (z, then y). Picking the more
confident one (max-softmax, decide.py's default) keeps the wrong up for about one cloud in ten:
a model that has seen only upright shapes is sometimes confidently wrong about a shape on its
side. The network's own `features` (its head's input) say more about "upright or not" than its
top probability does, so each candidate u gets a linear score

    score_u = w . f_u + c * ln(max_k P_u[k])

f_u the features of the candidate's vote 0 (float32, as the network gives them), P_u its
softmax at temperature 1 averaged over its votes (decide.py step 1), w and c fitted on
validation clouds in known poses by a logistic regression on the score difference of the true
up and the other candidate, without an intercept: the rule is the same whichever candidate comes
first, and ranks any number of candidates. The up is the candidate with the highest score; a tie
keeps the earlier one (z). Scores are computed in float64, features in index order.
"""
from __future__ import annotations

import numpy as np

SCORE = "w . features(vote 0) + confidenceWeight * ln(max softmax), the highest score's up"
# The L2 penalties the validation cross-validation chooses from (tools/upright).
LAMBDAS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)


def design(features: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """[..., D] features and [...] top probabilities -> [..., D + 1] the score's inputs
    (features, ln confidence) in float64."""
    f = np.asarray(features, np.float64)
    c = np.log(np.clip(np.asarray(confidence, np.float64), 1e-300, None))
    return np.concatenate([f, c[..., None]], -1)


def scores(features: np.ndarray, confidence: np.ndarray, weights: np.ndarray, confidence_weight: float) -> np.ndarray:
    """[U, S, D], [U, S] -> [U, S] every candidate's score."""
    return design(features, confidence) @ np.append(np.asarray(weights, np.float64), float(confidence_weight))


def pick(features: np.ndarray, confidence: np.ndarray, weights: np.ndarray, confidence_weight: float) -> np.ndarray:
    """[U, S, D], [U, S] -> [S] the index of the chosen up (argmax keeps the first of equal maxima)."""
    return np.argmax(scores(features, confidence, weights, confidence_weight), axis=0)


# The second look (docs/pose.md "H"): Auto picks between +z and +y with the picker above; a
# second score, the uprightness u = w' . f + c' ln(max softmax) + bias (a logistic regression with
# an intercept, fitted by any2point.tools.second_look on every candidate of validation clouds:
# "does this turn show the cloud upright?"), decides whether to look further: where both u(+z) and
# u(+y) are below the threshold `below`, the cloud is also classified under these four ups
# (pose.UP_CANDIDATES' order) and the candidate with the highest u of all six is kept.
SECOND_LOOK_UPS = ("-y", "+x", "-x", "-z")


def uprightness(features: np.ndarray, confidence: np.ndarray, look: dict) -> np.ndarray:
    """[U, S, D], [U, S] -> [U, S] the second look's uprightness logit of every candidate."""
    return scores(features, confidence, look["weights"], look["confidenceWeight"]) + float(look["bias"])


def needs_second_look(u: np.ndarray, below: float) -> np.ndarray:
    """[U >= 2, S] uprightness (+z, +y first) -> [S] True where both +z and +y are below `below`."""
    return np.asarray(u)[:2].max(0) < below


def pick_with_second_look(picker_scores: np.ndarray, u: np.ndarray, below: float) -> np.ndarray:
    """[U, S] the picker's scores and the uprightness of +z, +y, then the second look's ups -> [S]
    the chosen index: the picker's choice of +z and +y, or, where both are below `below` in
    uprightness, the highest uprightness of all U (ties to the earlier)."""
    two = np.argmax(np.asarray(picker_scores)[:2], axis=0)
    u = np.asarray(u)
    if len(u) <= 2:
        return two
    return np.where(needs_second_look(u, below), np.argmax(u, axis=0), two)


def newton_logistic(x: np.ndarray, y: np.ndarray, penalty: np.ndarray, steps: int) -> np.ndarray:
    """theta minimising the mean log-loss of sigmoid(x @ theta) against y (x [n, P], y [n] in
    [0, 1]) + 1/2 sum(penalty * theta^2), by Newton's method from zero (the loss is strictly
    convex where the penalty is positive, so the result depends on neither a start nor a
    learning rate). The one solver of fit and fit_uprightness."""
    theta = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        grad = x.T @ (p - y) / len(y) + penalty * theta
        hess = (x * (p * (1.0 - p))[:, None]).T @ x / len(y) + np.diag(penalty) + 1e-12 * np.eye(len(theta))
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return theta


def fit_uprightness(x: np.ndarray, y: np.ndarray, lam: float, steps: int = 25) -> tuple[np.ndarray, float, float]:
    """Logistic regression with an intercept: x [n, D + 1] (design(): features, ln confidence), y
    [n] in {0, 1} (is this candidate the true up?) -> (w [D], c, bias). Minimises the mean
    log-loss + lam / 2 |(w, c)|^2 (the intercept unpenalised)."""
    x = np.concatenate([np.asarray(x, np.float64), np.ones((len(x), 1))], 1)
    pen = np.full(x.shape[1], float(lam))
    pen[-1] = 0.0
    theta = newton_logistic(x, np.asarray(y, np.float64), pen, steps)
    return theta[:-2], float(theta[-2]), float(theta[-1])


def fit(features: np.ndarray, confidence: np.ndarray, true_up: np.ndarray, lam: float,
        steps: int = 50) -> tuple[np.ndarray, float]:
    """Logistic regression on pairs, without an intercept: features [2, S, D] and confidence
    [2, S] of two candidates, true_up [S] (0 or 1) -> (w [D], c). Minimises the mean of
    log(1 + exp(-(score_true - score_other))) + lam / 2 |(w, c)|^2: the log-loss of the pair's
    difference labelled 1."""
    x = design(features, confidence)
    true_up = np.asarray(true_up)
    if x.shape[0] != 2 or not np.isin(true_up, (0, 1)).all():
        raise ValueError("upright.fit: two candidates, and a true up of 0 or 1 per cloud")
    s = np.arange(x.shape[1])
    d = x[true_up, s] - x[1 - true_up, s]  # [S, D + 1]: the true up's inputs minus the other's
    theta = newton_logistic(d, np.ones(len(d)), np.full(d.shape[1], float(lam)), steps)
    return theta[:-1], float(theta[-1])


# The fields of the manifest's `upright` block (src/model/zoo.ts reads `weights`,
# `confidenceWeight` and `ups`); tools/upright writes it, export.py copies it from upright.json.
MANIFEST_KEYS = ("rule", "score", "ups", "weights", "confidenceWeight", "lambda", "checkpointSha256",
                 "validation", "test", "secondLook")


# What the manifest keeps of a second look (the per-row validation figures stay in upright.json).
SECOND_LOOK_MANIFEST_KEYS = ("below", "weights", "confidenceWeight", "bias", "ups", "lambda", "rule", "validationMeans")


def manifest_block(block: dict) -> dict:
    """The manifest's `upright` block from an upright.json."""
    out = {k: block[k] for k in MANIFEST_KEYS if k in block}
    if "secondLook" in out:
        out["secondLook"] = {k: out["secondLook"][k] for k in SECOND_LOOK_MANIFEST_KEYS if k in out["secondLook"]}
    return out
