"""The numerical helpers of the up-search probes (docs/pose.md "G"): height features per candidate
up, a conditional logit over any number of candidates, a two-way logistic picker, and
cross-validated scores with every pose of a cloud in one fold. numpy only, no network.

Shapes: U candidate ups, S clouds, N points, F features. Candidate 0 need not be the true one:
every fit takes the true candidate per cloud.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from any2point import pose
from any2point.perturb import turn

BINS = 10  # height slices of the height features
EDGE = 0.02  # the bottom / top layer: the lowest / highest 2 % of the height range
EPS = 1e-9


def height_features(clouds: np.ndarray, ups: Sequence[str] = pose.UP_CANDIDATES, bins: int = BINS) -> np.ndarray:
    """Clouds [S, N, 3] -> [U, S, 2 bins + 4] float64: for each candidate up, the cloud turned
    upright for it (pose.up_rotation) and described by its heights h only, so a turn about that
    up leaves the features as they are:
    the share of points in each of `bins` equal height slices, the mean horizontal distance from
    the horizontal centroid in each slice over the largest one, the height range over the
    horizontal diameter, the share of points in the bottom and in the top layer (EDGE of the
    range), and the skewness of the heights."""
    out = []
    for up in ups:
        p = turn(clouds, pose.up_rotation(up)).astype(np.float64)
        h = p[..., 2]
        lo, hi = h.min(-1, keepdims=True), h.max(-1, keepdims=True)
        t = (h - lo) / np.maximum(hi - lo, EPS)  # heights in [0, 1]
        b = np.minimum((t * bins).astype(int), bins - 1)
        r = np.linalg.norm(p[..., :2] - p[..., :2].mean(-2, keepdims=True), axis=-1)
        rmax = r.max(-1, keepdims=True) + EPS
        share = np.stack([(b == k).mean(-1) for k in range(bins)], -1)
        radius = np.stack([np.where(b == k, r, 0).sum(-1) / np.maximum((b == k).sum(-1), 1)
                           for k in range(bins)], -1) / rmax
        extent = (hi - lo) / (2 * rmax)
        skew = ((t - t.mean(-1, keepdims=True)) ** 3).mean(-1, keepdims=True) / (t.std(-1, keepdims=True) ** 3 + EPS)
        out.append(np.concatenate([share, radius, extent, (t < EDGE).mean(-1, keepdims=True),
                                   (t > 1 - EDGE).mean(-1, keepdims=True), skew], -1))
    return np.stack(out)


def standardise(x: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """[..., F] -> each feature minus its mean over `reference` (default x itself, all leading
    axes pooled), divided by its standard deviation there."""
    ref = (x if reference is None else reference).reshape(-1, x.shape[-1])
    return (x - ref.mean(0)) / (ref.std(0) + EPS)


def fit_conditional_logit(x: np.ndarray, true: np.ndarray, lam: float, steps: int = 60) -> np.ndarray:
    """x [U, S, F], true [S] (the true candidate of each cloud) -> w [F] maximising the mean
    log softmax over candidates of the true one's score x . w, minus lam / 2 |w|^2, by Newton's
    method (strictly convex for lam > 0: no start or step size to choose)."""
    u, s, f = x.shape
    true = np.asarray(true)
    xt = x[true, np.arange(s)]  # [S, F]
    w = np.zeros(f)
    for _ in range(steps):
        z = x @ w
        p = np.exp(z - z.max(0))
        p /= p.sum(0)  # [U, S]
        xm = (p[..., None] * x).sum(0)  # [S, F] the expected features
        grad = -(xt - xm).mean(0) + lam * w
        xc = x - xm
        hess = sum((xc[k] * p[k][:, None]).T @ xc[k] for k in range(u)) / s + lam * np.eye(f)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def fit_two_way(x: np.ndarray, true: np.ndarray, lam: float, steps: int = 50) -> np.ndarray:
    """x [2, S, F] of two candidates, true [S] (0 or 1) -> w [F]: logistic regression without an
    intercept on the true one's inputs minus the other's (as any2point.upright.fit, on any
    design): the mean of log(1 + exp(-w . d)) + lam / 2 |w|^2, Newton's method. Without an
    intercept the candidates' order does not matter."""
    true = np.asarray(true)
    if x.shape[0] != 2 or not np.isin(true, (0, 1)).all():
        raise ValueError("fit_two_way: two candidates, and a true one of 0 or 1 per cloud")
    s = np.arange(x.shape[1])
    d = x[true, s] - x[1 - true, s]
    w = np.zeros(d.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(d @ w))  # minus the loss' slope in the margin
        grad = -(d.T @ p) / len(d) + lam * w
        hess = (d * (p * (1.0 - p))[:, None]).T @ d / len(d) + lam * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def cloud_folds(n_clouds: int, k: int = 5, seed: int = 0) -> np.ndarray:
    """[n_clouds] the fold of each cloud (as any2point.tools.upright.folds): a seeded
    permutation modulo k, so the folds differ in size by at most one."""
    return np.random.default_rng(seed).permutation(n_clouds) % k


Fit = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def cross_validated_scores(poses: dict[str, np.ndarray], true: np.ndarray, fold: np.ndarray, fit: Fit,
                           lam: float) -> dict[str, np.ndarray]:
    """poses {name: x [U, S, F]} (the same S clouds in several poses), true [S] the true candidate,
    fold [S] a fold per cloud -> {name: [U, S] scores x . w}, each cloud scored by the weights
    fitted (fit(x, true, lam)) on the OTHER folds' clouds in every pose: every pose of a cloud is
    held out together, so no pose of a cloud helps to score another."""
    true = np.asarray(true)
    out = {name: np.zeros(x.shape[:2]) for name, x in poses.items()}
    names = list(poses)
    for k in np.unique(fold):
        train = fold != k
        x = np.concatenate([poses[n][:, train] for n in names], 1)
        w = fit(x, np.tile(true[train], len(names)), lam)
        for n in names:
            out[n][:, ~train] = poses[n][:, ~train] @ w
    return out
