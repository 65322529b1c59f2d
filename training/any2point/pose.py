"""Pose handling (issue 23, docs/pose.md): the canonical heading about the up axis, and the six
axis-aligned up candidates that a test-time search classifies to find a cloud's up.

Both are rotations, so they keep every distance: the FPS / k-NN of a cloud stay those of the
turned cloud (up to float32 rounding of near-equal distances), and a turn by the candidate
rotations below, which only permute and negate coordinates, keeps them bit for bit.

The canonical heading uses only +, -, *, / and sqrt in float64 with sums taken left to right, so
that the TypeScript twin (src/geometry) reproduces it bit for bit: no trigonometric function,
whose last bit differs between libraries, is used.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .config import HEADINGS
from .perturb import UP_ROTATIONS, turn

# The up candidates of the test-time search, +z (as stored) first.
UP_CANDIDATES = ("+z", "+y", "-y", "+x", "-x", "-z")

# The thresholds of the canonical heading (docs/pose.md): below ANISOTROPY_2 the xy covariance has
# no principal axis worth the name (two eigenvalues within about 10 % of each other) and the
# four-fold moment decides; below ANISOTROPY_4 neither does and the heading is left as it is, up
# to the quarter turns that the third moments choose; third moments within SKEW_TIE of each
# other are a tie.
ANISOTROPY_2 = 0.1
ANISOTROPY_4 = 0.1
SKEW_TIE = 0.05


def up_rotation(axis: str) -> np.ndarray:
    """The rotation (float64 [3, 3], det +1) that takes `axis` to +z: the inverse of the benchmark's
    perturb.UP_ROTATIONS[axis] (its transpose), the identity for "+z". A cloud whose up is `axis`
    is upright again after p' = R p."""
    if axis == "+z":
        return np.eye(3)
    if axis not in UP_ROTATIONS:
        raise ValueError(f"up axis must be one of {', '.join(UP_CANDIDATES)}, got {axis!r}")
    return UP_ROTATIONS[axis].astype(np.float64).T


def up_candidates(points: np.ndarray, candidates: tuple[str, ...] = UP_CANDIDATES) -> np.ndarray:
    """[..., N, 3] -> [C, ..., N, 3]: the cloud(s) turned upright for each candidate up. The
    rotations permute and negate coordinates only, so the values are exact."""
    return np.stack([turn(points, up_rotation(a)) for a in candidates])


def _sum(a: np.ndarray) -> np.ndarray:
    """The sum over the point axis (-1), left to right as the TypeScript twin adds (np.sum adds
    pairwise, which rounds differently)."""
    return np.cumsum(a, axis=-1)[..., -1]


def _half(c: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cos a/2, sin a/2) from (cos a, sin a) of a unit vector, a in (-pi, pi]: a/2 in (-pi/2, pi/2].
    The larger of the two comes from sqrt and the other from s = 2 sin(a/2) cos(a/2), so
    neither divides by a number near zero."""
    big_c = c >= 0.0
    ch_a = np.sqrt((1.0 + c) / 2.0)
    sh_b = np.where(s >= 0.0, 1.0, -1.0) * np.sqrt(np.maximum(1.0 - c, 0.0) / 2.0)
    ch = np.where(big_c, ch_a, s / (2.0 * np.where(big_c, 1.0, sh_b)))
    sh = np.where(big_c, s / (2.0 * np.where(big_c, ch_a, 1.0)), sh_b)
    return ch, sh


def heading_rotation(points: np.ndarray) -> np.ndarray:
    """The canonical heading of cloud(s) [..., N, 3] as (cos phi, sin phi) [..., 2]: the rotation by
    phi about z (p' = (c x - s y, s x + c y, z)) after which the cloud's xy principal axis lies
    along x and its third moments along x (then y) are the largest of the candidate turns.

    In float64, u, v = x - mean x, y - mean y (means and every sum below left to right):
    1. a = sum u^2, b = sum v^2, h = sum u v; m2 = (a - b, 2 h), the doubled-angle principal axis.
       If |m2| >= ANISOTROPY_2 (a + b) (eigenvalues (l1 - l2) / (l1 + l2) >= 0.1): the axis angle
       t = arg(m2) / 2 and the candidates are phi = -t + k pi / 2, k = 0, 2 (a half turn apart).
    2. Otherwise m4 = sum (u + i v)^4 = (sum u^4 - 6 u^2 v^2 + v^4, sum 4 u v (u^2 - v^2)). If
       |m4| >= ANISOTROPY_4 sum (u^2 + v^2)^2: t = arg(m4) / 4 and phi = -t + k pi / 2, k = 0..3
       (a square's diagonal-free frame). Otherwise t = 0, phi = k pi / 2.
    3. Of the candidates, keep those whose sum x'^3 / (N sigma^3) is within SKEW_TIE of the
       largest (x' = cos phi u - sin phi v, sigma^2 = (a + b) / N); of those, those whose
       sum y'^3 / (N sigma^3) is within SKEW_TIE of their largest; the first (lowest k) of those.
    Half angles come from _half (sqrt only) and k pi / 2 turns from (c, s) -> (-s, c), so no
    trigonometric function is used. A cloud with no spread in xy gets phi = 0."""
    p = np.asarray(points, np.float32).astype(np.float64)
    n = p.shape[-2]
    x, y = p[..., 0], p[..., 1]
    u = x - (_sum(x) / n)[..., None]
    v = y - (_sum(y) / n)[..., None]
    a, b, h = _sum(u * u), _sum(v * v), _sum(u * v)
    spread = a + b
    m2x, m2y = a - b, 2.0 * h
    m2 = np.sqrt(m2x * m2x + m2y * m2y)
    uu, vv = u * u, v * v
    m4x = _sum(uu * uu - 6.0 * uu * vv + vv * vv)
    m4y = _sum(4.0 * u * v * (uu - vv))
    m4 = np.sqrt(m4x * m4x + m4y * m4y)
    r4 = _sum((uu + vv) * (uu + vv))
    two_fold = m2 >= ANISOTROPY_2 * spread
    four_fold = ~two_fold & (m4 >= ANISOTROPY_4 * r4) & (m4 > 0.0)
    safe = lambda d: np.where(d > 0.0, d, 1.0)
    # cos / sin of 2t (two-fold) or 4t (four-fold), 0 angle where neither holds
    c2, s2 = np.where(m2 > 0.0, m2x / safe(m2), 1.0), np.where(m2 > 0.0, m2y / safe(m2), 0.0)
    c4, s4 = np.where(m4 > 0.0, m4x / safe(m4), 1.0), np.where(m4 > 0.0, m4y / safe(m4), 0.0)
    t2c, t2s = _half(c2, s2)
    t4c, t4s = _half(*_half(c4, s4))
    tc = np.where(two_fold, t2c, np.where(four_fold, t4c, 1.0))
    ts = np.where(two_fold, t2s, np.where(four_fold, t4s, 0.0))
    # phi = -t: (cos, sin) = (tc, -ts); candidate k adds k quarter turns.
    cands = [(tc, -ts)]
    for _ in range(3):
        c, s = cands[-1]
        cands.append((-s, c))
    # sigma^3 N as q sqrt(q) N, q = spread / N, and cubes as (x x) x: pow() is not correctly
    # rounded everywhere, sqrt and * are.
    q = np.where(spread > 0.0, spread / n, 1.0)
    norm = (q * np.sqrt(q)) * n
    cube = lambda w: (w * w) * w
    sx = np.stack([_sum(cube(c[..., None] * u - s[..., None] * v)) / norm for c, s in cands], -1)
    sy = np.stack([_sum(cube(s[..., None] * u + c[..., None] * v)) / norm for c, s in cands], -1)
    allowed = np.stack([np.ones_like(two_fold), ~two_fold, np.ones_like(two_fold), ~two_fold], -1)  # k odd only four-fold
    neg = -np.inf
    sx = np.where(allowed, sx, neg)
    keep = sx >= sx.max(-1, keepdims=True) - SKEW_TIE
    sy = np.where(keep, sy, neg)
    keep &= sy >= sy.max(-1, keepdims=True) - SKEW_TIE
    k = np.argmax(keep, axis=-1)  # the first True
    cs = np.stack([np.stack(c_s, -1) for c_s in cands], -2)  # [..., 4, 2]
    out = np.take_along_axis(cs, k[..., None, None], -2)[..., 0, :]
    flat = ~(spread > 0.0)
    return np.where(flat[..., None], np.array([1.0, 0.0]), out)


def rotate_heading(points: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """p' = (c x - s y, s x + c y, z) in float64, rounded to float32, for (c, s) [..., 2]."""
    p = np.asarray(points, np.float32).astype(np.float64)
    c, s = cs[..., 0:1], cs[..., 1:2]
    x, y = p[..., 0], p[..., 1]
    return np.stack([c * x - s * y, s * x + c * y, p[..., 2]], -1).astype(np.float32)


def canonical_heading(points: np.ndarray) -> np.ndarray:
    """Cloud(s) [..., N, 3] (float32) turned about z into their canonical heading (heading_rotation)."""
    return rotate_heading(points, heading_rotation(points))


def apply_heading(points: np.ndarray, heading: str) -> np.ndarray:
    """A model's heading handling (TrainConfig.heading) of normalised cloud(s): "none" leaves them."""
    if heading == "none":
        return np.asarray(points, np.float32)
    if heading == "canonical":
        return canonical_heading(points)
    raise ValueError(f"heading {heading!r} is not one of {', '.join(HEADINGS)}")


def pick_up(probs: np.ndarray, rule: str = "max") -> np.ndarray:
    """The candidate each cloud is classified under: probs [C, S, classes] (softmax per candidate)
    -> [S] candidate index, that of the largest max-softmax ("max") or the lowest entropy
    ("entropy"); ties go to the earlier candidate (+z first)."""
    if rule == "max":
        score = probs.max(-1)
    elif rule == "entropy":
        score = (probs * np.log(np.clip(probs, 1e-12, None))).sum(-1)  # minus the entropy
    else:
        raise ValueError(f"rule {rule!r} is not 'max' or 'entropy'")
    return np.argmax(score, axis=0)


def searched(probs: np.ndarray, rule: str = "max", picks: Optional[np.ndarray] = None) -> np.ndarray:
    """The softmax [S, classes] of the candidate pick_up chooses for every cloud."""
    k = pick_up(probs, rule) if picks is None else picks
    return probs[k, np.arange(probs.shape[1])]


def require_as_given(heading: str, command: str) -> None:
    """`evaluate` and `export` feed clouds as given: a checkpoint trained with a canonical heading
    would be measured (or exported) on clouds it never saw in that pose, so they refuse it until
    they apply the heading too; `tools.robustness` does apply it."""
    if heading != "none":
        raise ValueError(f"{command}: this checkpoint was trained with heading {heading!r}, which {command} does not "
                         "apply yet; measure it with any2point.tools.robustness (docs/pose.md)")
