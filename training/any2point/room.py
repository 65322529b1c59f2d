"""The room around a scanned shape: the floor it stands on (floor.py) and the walls behind it
(docs/io.md, "Walls behind the shape").

A chair scanned against a wall, or a lamp in a corner, keeps the wall, and the model reads it as
part of the shape (100 validation clouds through the app, 86 right clean; with a floor and a wall
behind, 15 % of the points each, 28 with the floor rule alone, 75 with this; in a corner 21 and
56: probes/room.py). The loaders leave the walls out with the
floor, in both twins (src/io/room.ts is the TypeScript one, tested on the same fixture). All in
float64 of the float32 points; medians and quantiles numpy's.

A wall is only taken together with a floor under the same up (a shape on its own has vertical
faces that look like a wall from behind: a bookshelf's back, an aeroplane's wings under the wrong
up; on the 985 validation clouds it is taken on none as stored and 0-1 a benchmark row):

1. The floor first (floor.floor_mask). When there is one, under up A: up to two walls under A
   (step 3; under y down on the cloud with y negated) on the points left, each taken from what
   the one before left.
2. When there is none, for A = z, y, then y down (on the cloud with y negated): up to two walls
   under A; when at least one is found, a
   floor under A on what is left (floor.floor_along, needing its overhang on 3 - walls sides: a
   wall bounds the floor on its side). The first A where both are found is taken.
3. A wall under up A: for each of the HEADINGS horizontal directions d (unit (da, db) from the
   integer pairs of DIRECTIONS, across A; e = (-db, da) along the wall), with the coordinates
   proj = pa da + pb db, h = max(proj) - proj (the wall is the "lowest" side, at the far end of
   d), u = pa (-db) + pb da less its minimum, v = the up coordinate less its minimum: the plane
   fitted as the floor's is (floor.fit_slab on u, v, h; nearly flat: the wall within about 6
   degrees of d's normal and of vertical). r, med and tol as the floor's; slab |r - med| <= tol,
   in front r - med > ABOVE x tol, behind r - med < -tol. A wall when: the slab holds at least
   MIN_SHARE of the points, what is in front at least REST_SHARE, what is behind at most BELOW;
   the shape in front (the front points higher than LIFT x size over their REST_Q quantile of v,
   so a floor in front does not count) at least FEW of the points; along the wall, the slab (its
   SLAB_Q and 1 - SLAB_Q quantiles of u) reaches beyond the shape (its REST_Q, 1 - REST_Q
   quantiles) by at least MARGIN x the shape's width on one side and REACH (negative: a corner's
   wall ends at the other wall) on the other; the slab reaches down to within GROUND x the front's
   height of the front's low end (a wall stands on the floor; a monitor's screen does not) and up
   at least TALL x that height; and it is filled: its points occupy at least COVER of the cells
   of a COVER_GRID x COVER_GRID grid over its SLAB_Q quantile box in u and v (an L of two faces
   puts a strip of points along the far side, not a plane). Of all directions, the one with the
   largest overhang (the first on a tie).
4. The wall's points: the slab, and the points beside the shape (outside its u range) no further
   than ABOVE x tol in front of it (its noise's tail).

The constants were chosen on the 985 validation clouds and synthetic rooms (probes/room.py,
session 58).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from . import floor as fl

HEADINGS = 32
# round(1000 cos t), round(1000 sin t) for t = 2 pi k / 32: integers, so both twins start from
# the same unit vectors (normalised by a correctly rounded square root) without sin and cos.
DIRECTIONS = tuple((round(1000 * math.cos(2 * math.pi * k / HEADINGS)), round(1000 * math.sin(2 * math.pi * k / HEADINGS)))
                   for k in range(HEADINGS))
MIN_SHARE = 0.05
REST_SHARE = 0.1
FEW = 0.05
BELOW = 0.02
LIFT = 0.02
MARGIN = 0.1
REACH = -0.1
GROUND = 0.1
TALL = 0.5
MAX_WALLS = 2
# A wall's points fill at least COVER of the cells of a COVER_GRID x COVER_GRID grid over it.
COVER_GRID = 8
COVER = 0.5
# The wall is looked for on at most about this many of the points (every k-th).
SAMPLE = 4096


def _cover(u: np.ndarray, v: np.ndarray, ulo: float, uhi: float, vlo: float, vhi: float) -> float:
    """The share of the COVER_GRID x COVER_GRID cells over [ulo, uhi] x [vlo, vhi] that hold a
    point (points outside count in the edge cells): a wall is a filled plane, not the edges of
    two (an L of two faces has a strip of points along the line where both meet the far side)."""
    def cell(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
        if not hi > lo:
            return np.zeros(len(x), np.int64)
        return np.clip(np.floor((x - lo) / (hi - lo) * COVER_GRID), 0, COVER_GRID - 1).astype(np.int64)
    return len(np.unique(cell(u, ulo, uhi) * COVER_GRID + cell(v, vlo, vhi))) / COVER_GRID ** 2


def _wall(p: np.ndarray, up: int, size: float) -> Optional[np.ndarray]:
    """The mask of the wall behind the shape under `up` (step 3), or None. Looked for on every
    k-th point, k = ceil(n / SAMPLE) (a million-point scan has a wall in its every 245th point as
    well), and then drawn on every point with what was found there."""
    n = len(p)
    a, b = [k for k in range(3) if k != up]
    s = p[::-(-n // SAMPLE)]
    m = len(s)
    vmin = s[:, up].min()
    v = s[:, up] - vmin
    best, best_over = None, -np.inf
    for ia, ib in DIRECTIONS:
        norm = math.sqrt(ia * ia + ib * ib)
        da, db = ia / norm, ib / norm
        proj = s[:, a] * da + s[:, b] * db
        pmax = proj.max()
        h = pmax - proj
        along = s[:, a] * -db + s[:, b] * da
        umin = along.min()
        u = along - umin
        fit = fl.fit_slab(u, v, h, size)
        if fit is None:
            continue
        r, med, tol, c = fit
        slab = np.abs(r - med) <= tol
        front = r - med > fl.ABOVE * tol
        if slab.sum() < MIN_SHARE * m or front.sum() < REST_SHARE * m or (r - med < -tol).sum() > BELOW * m:
            continue
        vlo, vhi = np.quantile(v[front], fl.REST_Q), np.quantile(v[front], 1 - fl.REST_Q)
        shape = front & (v - vlo > LIFT * size)
        if shape.sum() < FEW * m:
            continue
        rl, rh = np.quantile(u[shape], fl.REST_Q), np.quantile(u[shape], 1 - fl.REST_Q)
        sl, sh = np.quantile(u[slab], fl.SLAB_Q), np.quantile(u[slab], 1 - fl.SLAB_Q)
        w = max(rh - rl, 1e-12)
        left, right = (rl - sl) / w, (sh - rh) / w
        if max(left, right) < MARGIN or min(left, right) < REACH:
            continue
        height = max(vhi - vlo, 1e-12)
        svl, svh = np.quantile(v[slab], fl.SLAB_Q), np.quantile(v[slab], 1 - fl.SLAB_Q)
        if svl - vlo > GROUND * height or svh - vlo < TALL * height:
            continue
        if _cover(u[slab], v[slab], sl, sh, svl, svh) < COVER:
            continue
        over = max(left, right)
        if over > best_over:
            best, best_over = (da, db, pmax, umin, c, med, tol, rl, rh), over
    if best is None:
        return None
    # Step 4 on every point: the slab, and beside the shape what is no further than ABOVE x tol in front.
    da, db, pmax, umin, c, med, tol, rl, rh = best
    h = pmax - (p[:, a] * da + p[:, b] * db)
    u = (p[:, a] * -db + p[:, b] * da) - umin
    r = h - (c[0] * u + c[1] * (p[:, up] - vmin) + c[2])
    return (np.abs(r - med) <= tol) | ((r - med <= fl.ABOVE * tol) & ((u < rl) | (u > rh)))


def _walls(p: np.ndarray, keep: np.ndarray, up: int, size: float) -> list[np.ndarray]:
    """Up to MAX_WALLS walls under `up` among the points `keep` (each a mask over all of p)."""
    found = []
    keep = keep.copy()
    for _ in range(MAX_WALLS):
        idx = np.flatnonzero(keep)
        if len(idx) < fl.MIN_POINTS:
            break
        w = _wall(p[idx], up, size)
        if w is None:
            break
        mask = np.zeros(len(p), bool)
        mask[idx[w]] = True
        found.append(mask)
        keep &= ~mask
    return found


def room_mask(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, Optional[str], int]:
    """(floor mask, walls mask, the up ("z", "y" or "-y"; None when no floor), how many walls)."""
    p32 = np.asarray(points, np.float32)
    if p32.ndim != 2 or p32.shape[1] != 3:
        raise ValueError(f"room_mask: expected an [N, 3] cloud, got shape {p32.shape}")
    n = len(p32)
    floor, name = fl.floor_mask(p32)
    none = np.zeros(n, bool)
    if n < fl.MIN_POINTS:
        return none, none, None, 0
    p = p32.astype(np.float64)
    size = float((p.max(0) - p.min(0)).max())
    if name is not None:
        axis, sign, _ = next(u for u in fl.UPS if u[2] == name)
        walls = _walls(fl.mirrored(p, axis, sign), ~floor, axis, size)
        return floor, np.logical_or.reduce(walls) if walls else none, name, len(walls)
    for axis, sign, name in fl.UPS:
        q = fl.mirrored(p, axis, sign)
        walls = _walls(q, np.ones(n, bool), axis, size)
        if not walls:
            continue
        wall = np.logical_or.reduce(walls)
        idx = np.flatnonzero(~wall)
        rest = q[idx]
        found = fl.floor_along(rest, rest - rest.min(0), axis, size, 3 - len(walls))
        if found is None or found[1] < fl.MARGIN:
            continue
        floor = np.zeros(n, bool)
        floor[idx[found[0]]] = True
        return floor, wall, name, len(walls)
    return none, none, None, 0


def without_room(points: np.ndarray) -> np.ndarray:
    """The cloud without its floor and walls, in file order."""
    floor, wall, axis, _ = room_mask(points)
    return np.asarray(points)[~(floor | wall)] if axis is not None else np.asarray(points)
