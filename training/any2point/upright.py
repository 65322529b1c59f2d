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


# The second look (docs/pose.md "H", RULE-cascade3.md): Auto picks between +z and +y with the
# picker above; a trigger decides whether to look further, and where it says so the cloud is also
# classified under these four ups (pose.UP_CANDIDATES' order) and a choice score picks among all
# six. Both fitted by any2point.tools.second_look on validation clouds:
# - trigger g = wz . f_z + cz ln conf_z + wy . f_y + cy ln conf_y + bias: one logistic regression
#   on both first-run candidates at once ("is the true up +z or +y?"); look where g < `below`;
# - choice s = w . f + c ln conf per candidate, a conditional logit (softmax over a cloud's six
#   candidates); the highest s of the six is kept (ties to the earlier).
SECOND_LOOK_UPS = ("-y", "+x", "-x", "-z")


def look_trigger(features: np.ndarray, confidence: np.ndarray, look: dict) -> np.ndarray:
    """[U >= 2, S, D], [U >= 2, S] (+z, +y first) -> [S] the second look's trigger logit."""
    t = look["trigger"]
    w = np.asarray(t["weights"], np.float64)
    c = t["confidenceWeights"]
    theta = np.concatenate([w[0], [float(c[0])], w[1], [float(c[1])], [float(t["bias"])]])
    return trigger_inputs(features, confidence) @ theta


def look_choice(features: np.ndarray, confidence: np.ndarray, look: dict) -> np.ndarray:
    """[U, S, D], [U, S] -> [U, S] the second look's choice score of every candidate."""
    return scores(features, confidence, look["choice"]["weights"], look["choice"]["confidenceWeight"])


def needs_second_look(trigger: np.ndarray, below: float) -> np.ndarray:
    """[S] trigger logits -> [S] True where the trigger is below `below` (the true up is likely
    neither +z nor +y)."""
    return np.asarray(trigger) < below


def pick_with_second_look(picker_scores: np.ndarray, trigger: np.ndarray, choice: np.ndarray, below: float) -> np.ndarray:
    """[U, S] the picker's scores (+z, +y first), [S] the trigger, [U, S] the choice scores ->
    [S] the chosen index: the picker's choice of +z and +y, or, where the trigger is below
    `below` and U > 2, the highest choice score of all U (ties to the earlier)."""
    two = np.argmax(np.asarray(picker_scores)[:2], axis=0)
    choice = np.asarray(choice)
    if len(choice) <= 2:
        return two
    return np.where(needs_second_look(trigger, below), np.argmax(choice, axis=0), two)


def trigger_inputs(features: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """[U >= 2, S, D], [U >= 2, S] -> [S, 2 (D + 1) + 1] the trigger's inputs (+z's, +y's, 1)."""
    x = design(np.asarray(features)[:2], np.asarray(confidence)[:2])
    return np.concatenate([x[0], x[1], np.ones((x.shape[1], 1))], 1)


def fit_trigger(x: np.ndarray, y: np.ndarray, lam: float, steps: int = 25) -> dict:
    """x [n, 2 (D + 1) + 1] (trigger_inputs), y [n] in {0, 1} (is the true up +z or +y?) -> the
    trigger block. Mean log-loss + lam / 2 |theta|^2, the intercept unpenalised."""
    pen = np.full(x.shape[1], float(lam))
    pen[-1] = 0.0
    theta = newton_logistic(np.asarray(x, np.float64), np.asarray(y, np.float64), pen, steps)
    d = (len(theta) - 1) // 2
    return {"weights": [theta[: d - 1], theta[d: 2 * d - 1]], "confidenceWeights": [float(theta[d - 1]), float(theta[2 * d - 1])],
            "bias": float(theta[-1])}


def fit_choice(x: np.ndarray, true_up: np.ndarray, lam: float, steps: int = 30) -> dict:
    """x [n, U, D + 1] (design() of every candidate), true_up [n] -> the choice block: a
    conditional logit, minimising the mean of -log softmax(x theta)[true] + lam / 2 |theta|^2 by
    Newton's method."""
    x = np.asarray(x, np.float64)
    n, c, p = x.shape
    t = np.asarray(true_up)
    theta = np.zeros(p)
    for _ in range(steps):
        s = x @ theta
        q = np.exp(s - s.max(1, keepdims=True))
        q /= q.sum(1, keepdims=True)
        mean = np.einsum("nc,ncp->np", q, x)
        grad = (mean - x[np.arange(n), t]).sum(0) / n + lam * theta
        hess = sum((x[:, k] * q[:, k, None]).T @ x[:, k] for k in range(c)) / n - mean.T @ mean / n + lam * np.eye(p)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"weights": theta[:-1], "confidenceWeight": float(theta[-1])}


def newton_logistic(x: np.ndarray, y: np.ndarray, penalty: np.ndarray, steps: int) -> np.ndarray:
    """theta minimising the mean log-loss of sigmoid(x @ theta) against y (x [n, P], y [n] in
    [0, 1]) + 1/2 sum(penalty * theta^2), by Newton's method from zero (the loss is strictly
    convex where the penalty is positive, so the result depends on neither a start nor a
    learning rate). The one solver of fit and fit_trigger."""
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
SECOND_LOOK_MANIFEST_KEYS = ("below", "trigger", "choice", "ups", "lambda", "rule", "validationMeans")


def manifest_block(block: dict) -> dict:
    """The manifest's `upright` block from an upright.json."""
    out = {k: block[k] for k in MANIFEST_KEYS if k in block}
    if "secondLook" in out:
        out["secondLook"] = {k: out["secondLook"][k] for k in SECOND_LOOK_MANIFEST_KEYS if k in out["secondLook"]}
    return out
