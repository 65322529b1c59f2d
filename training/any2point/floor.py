"""A floor under the shape: the patch of ground a scan keeps around the object (docs/io.md, "A floor
under the shape").

Phone and depth-camera scans keep the floor the object stood on, and the model reads it as part of
the shape (validation clouds with a floor patch 1.5 x their footprint, through the app: 86 of 100
right without it, 60 with 15 % of the points on it, 43 with 30 %). The loaders leave it out after
the stray pieces, in both twins (src/io/floor.ts is the TypeScript one, tested on the same
fixture). All in float64 of the float32 points; a median is numpy's (the mean of the two middle
values of an even count), a quantile numpy's linear one.

A floor is looked for under the three ups that files use, z, y, then y down (-y: the camera axes of
depth cameras and of COLMAP, so of 3D Gaussian Splatting's scenes); under each, at the lowest side
along the up (for -y the highest y: the steps below run on the cloud with y negated); u, v are the
other two axes in order:

1. Fewer than MIN_POINTS points, or a cloud of no extent: no floor. size = the bounding box's
   largest side; h = the coordinate along the axis minus its minimum.
2. The lowest point (smallest h, the first in file order on a tie) of every occupied cell of a
   GRID x GRID grid over the bounding box across the axis, cell = min(floor((u - min u) / (extent
   of u) x GRID), GRID - 1) (0 where the extent is 0), in cell order (u's cell, then v's).
3. A plane h = a u + b v + c through them, FIT_ROUNDS times: least squares over the selected
   lowest points (at first all), solved from its 3 x 3 normal equations; r = each lowest point's
   residual, m = the median of r over all of them, mad = the median of |r - m|; selected next:
   |r - m| <= max(3 x 1.4826 x mad, FIT_MIN x size). A singular system or fewer than
   3 selected: no floor there. The plane must be nearly level: |a| and |b| at most SLOPE.
4. The plane refined on every point, twice: r = h - (a u + b v + c); near (at first |r| <= NEAR x
   size); med = the median of r over near, sig = 1.4826 x the median of |r - med| over near, tol =
   3 x sig clamped to [TOL_MIN, TOL_MAX] x size; near = |r - med| <= tol; the plane refitted on
   near and r recomputed. Then med, sig and tol once more from the last near and the last r.
5. It is a floor when the slab (|r - med| <= tol) holds at least MIN_SHARE of the points, the
   points above it (r - med > ABOVE x tol) at least FEW_REST, the points under it (r - med <
   -tol) at most BELOW; when the points above are fewer than REST_SHARE (a room scan's floor
   holds most of the points, and so does a guitar's body lying flat), their highest must rise at
   least RISE x the footprint's larger width (below) over the slab's median (a chair does, a
   guitar's strings do not); and the slab reaches beyond the footprint of what stands on it on
   at least three of its four sides: with the footprint's extent in u and v from the REST_Q and
   1 - REST_Q quantiles of the points above, and the slab's from its SLAB_Q and 1 - SLAB_Q
   quantiles, the second smallest of the four overhangs (each divided by the footprint's width on
   its axis, at least 1e-12) is at least MARGIN. A box's, a bottle's or a bowl's own bottom lies
   within what stands on it; a floor spreads around it, or (seen from one side, the floor behind
   the object hidden by it) around three sides of it. Of z and y, the one whose second smallest
   overhang is larger (z on a tie); y down only when neither has a floor (files are y up more
   often than y down, and the wall behind a z-up scan, at its high y, would pass for a floor).
6. The slab's points are left out, and with them the floor's fringe: the points outside the
   footprint that lie no higher than ABOVE x tol over it (its noise's tail, or lower: a lone
   floor point out at a corner would otherwise set the scale of what the model sees).

The constants were chosen on the 985 validation clouds (training/probes/floor.py, session 57): on
them as stored, the rule finds two floors (a traffic cone's square base plate, a tent).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

MIN_POINTS = 64
GRID = 16
FIT_ROUNDS = 4
FIT_MIN = 0.002
SLOPE = 0.1
NEAR = 0.01
TOL_MIN = 0.003
TOL_MAX = 0.02
ABOVE = 2.0
MIN_SHARE = 0.05
REST_SHARE = 0.1
FEW_REST = 0.02
BELOW = 0.02
SLAB_Q = 0.02
REST_Q = 0.005
MARGIN = 0.1
RISE = 0.3
# The ups a floor is looked for under: (axis, sign, name); sign -1 looks at the axis's high side.
UPS = ((2, 1, "z"), (1, 1, "y"), (1, -1, "-y"))
MAD_SCALE = 1.4826


def _sum(x: np.ndarray) -> float:
    """A sequential float64 sum (the TypeScript twin adds in the same order)."""
    return float(np.cumsum(x)[-1]) if len(x) else 0.0


def _plane(u: np.ndarray, v: np.ndarray, h: np.ndarray) -> Optional[tuple[float, float, float]]:
    """(a, b, c) of the least-squares plane h = a u + b v + c: its 3 x 3 normal equations solved
    by Cramer's rule, written out as the twin writes it; None when they are singular."""
    n = float(len(u))
    if n < 3:
        return None
    suu, suv, svv, su, sv = _sum(u * u), _sum(u * v), _sum(v * v), _sum(u), _sum(v)
    suh, svh, sh = _sum(u * h), _sum(v * h), _sum(h)

    def det3(a: float, b: float, c: float, d: float, e: float, f: float, g: float, k: float, m: float) -> float:
        return a * (e * m - f * k) - b * (d * m - f * g) + c * (d * k - e * g)

    det = det3(suu, suv, su, suv, svv, sv, su, sv, n)
    if not abs(det) > 1e-12 * suu * svv * n:
        return None
    return (det3(suh, suv, su, svh, svv, sv, sh, sv, n) / det,
            det3(suu, suh, su, suv, svh, sv, su, sh, n) / det,
            det3(suu, suv, suh, suv, svv, svh, su, sv, sh) / det)


def _cell_lowest(u: np.ndarray, v: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Indices of the lowest point of every occupied cell (step 2), in cell order."""
    def cell(x: np.ndarray) -> np.ndarray:
        ext = float(x.max())
        if ext == 0:
            return np.zeros(len(x), np.int64)
        return np.minimum(np.floor(x / ext * GRID), GRID - 1).astype(np.int64)
    c = cell(u) * GRID + cell(v)
    order = np.lexsort((h, c))  # by cell, then h; stable, so the first in file order on a tie
    cs = c[order]
    return order[np.r_[True, cs[1:] != cs[:-1]]]


def _overhang(p_rest: np.ndarray, p_slab: np.ndarray, sides: int = 3) -> tuple[float, np.ndarray, np.ndarray]:
    """(the slab's overhang beyond the footprint of the points above on its `sides`-th best side
    (3: the second smallest of the four), as a share of the footprint's width; the footprint's low
    and high corner) (step 5)."""
    flo, fhi = np.quantile(p_rest, REST_Q, axis=0), np.quantile(p_rest, 1 - REST_Q, axis=0)
    slo, shi = np.quantile(p_slab, SLAB_Q, axis=0), np.quantile(p_slab, 1 - SLAB_Q, axis=0)
    w = np.maximum(fhi - flo, 1e-12)
    return float(np.sort(np.r_[(flo - slo) / w, (shi - fhi) / w])[4 - sides]), flo, fhi


def fit_slab(u: np.ndarray, v: np.ndarray, h: np.ndarray, size: float) -> Optional[tuple[np.ndarray, float, float, tuple]]:
    """Steps 2-4 (also the walls' fit, room.py): (r, med, tol, (a, b, c)) of the plane h = a u +
    b v + c fitted to the lowest points and refined on every point, or None (no nearly level plane
    there)."""
    lowest = _cell_lowest(u, v, h)
    lu, lv, lh = u[lowest], v[lowest], h[lowest]
    sel = np.ones(len(lowest), bool)
    for _ in range(FIT_ROUNDS):
        c = _plane(lu[sel], lv[sel], lh[sel])
        if c is None:
            return None
        r = lh - (c[0] * lu + c[1] * lv + c[2])
        m = float(np.median(r))
        mad = float(np.median(np.abs(r - m)))
        sel = np.abs(r - m) <= max(3 * MAD_SCALE * mad, FIT_MIN * size)
        if sel.sum() < 3:
            return None
    if abs(c[0]) > SLOPE or abs(c[1]) > SLOPE:
        return None

    def spread(r: np.ndarray, near: np.ndarray) -> tuple[float, float]:
        med = float(np.median(r[near]))
        sig = MAD_SCALE * float(np.median(np.abs(r[near] - med)))
        return med, min(max(3 * sig, TOL_MIN * size), TOL_MAX * size)

    r = h - (c[0] * u + c[1] * v + c[2])
    near = np.abs(r) <= NEAR * size
    for _ in range(2):
        if not near.any():
            return None
        med, tol = spread(r, near)
        near = np.abs(r - med) <= tol
        c = _plane(u[near], v[near], h[near])
        if c is None:
            return None
        r = h - (c[0] * u + c[1] * v + c[2])
    med, tol = spread(r, near)
    return r, med, tol, c


def floor_along(p: np.ndarray, shifted: np.ndarray, axis: int, size: float, sides: int = 3) -> Optional[tuple[np.ndarray, float]]:
    """(the floor's mask: the slab and its fringe; the slab's overhang on its `sides`-th best side)
    when there is a floor at the low side of `axis`. `shifted` is p less its minimum on each axis.
    `sides` is 3 (step 5), or fewer where walls found first bound the floor (room.py)."""
    a, b = [k for k in range(3) if k != axis]
    u, v, h = shifted[:, a], shifted[:, b], shifted[:, axis]
    fit = fit_slab(u, v, h, size)
    if fit is None:
        return None
    r, med, tol, _ = fit
    n = len(p)
    slab = np.abs(r - med) <= tol
    rest = r - med > ABOVE * tol
    if slab.sum() < MIN_SHARE * n or rest.sum() < FEW_REST * n or (r - med < -tol).sum() > BELOW * n:
        return None
    overhang, flo, fhi = _overhang(p[rest][:, [a, b]], p[slab][:, [a, b]], sides)
    if rest.sum() < REST_SHARE * n and float(np.max(r[rest])) - med < RISE * float(np.max(fhi - flo)):
        return None
    uv = p[:, [a, b]]
    outside = np.any(uv < flo, axis=1) | np.any(uv > fhi, axis=1)
    return slab | (outside & (r - med <= ABOVE * tol)), overhang


def mirrored(p: np.ndarray, axis: int, sign: int) -> np.ndarray:
    """p with its `axis` coordinate negated when `sign` is -1 (the high side becomes the low one)."""
    if sign > 0:
        return p
    q = p.copy()
    q[:, axis] = -q[:, axis]
    return q


def floor_mask(points: np.ndarray) -> tuple[np.ndarray, Optional[str]]:
    """(bool [N], True for the floor's points (module docstring); the up it lies across, "z", "y"
    or "-y", or None when there is none)."""
    p32 = np.asarray(points, np.float32)
    if p32.ndim != 2 or p32.shape[1] != 3:
        raise ValueError(f"floor_mask: expected an [N, 3] cloud, got shape {p32.shape}")
    none = np.zeros(len(p32), bool), None
    if len(p32) < MIN_POINTS:
        return none
    p = p32.astype(np.float64)
    size = float((p.max(0) - p.min(0)).max())
    if not size > 0:
        return none
    best: tuple[np.ndarray, Optional[str]] = none
    best_overhang = MARGIN
    for axis, sign, name in UPS:
        if sign < 0 and best[1] is not None:
            break  # y down only where z and y have none
        q = mirrored(p, axis, sign)
        found = floor_along(q, q - q.min(0), axis, size)
        if found is not None and (found[1] > best_overhang or (found[1] == best_overhang and best[1] is None)):
            best, best_overhang = (found[0], name), found[1]
    return best


def without_floor(points: np.ndarray) -> tuple[np.ndarray, int, Optional[str]]:
    """(the cloud without its floor, in file order; how many points were left out; the axis)."""
    drop, axis = floor_mask(points)
    return (np.asarray(points)[~drop], int(drop.sum()), axis) if axis is not None else (np.asarray(points), 0, None)
