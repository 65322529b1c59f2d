"""Stray pieces: small bits of a file's cloud that lie apart from the shape (docs/io.md "Stray pieces").

A phone scan's floaters, a stray vertex or a forgotten helper object a few radii away wreck the
answer: normalisation scales the cloud into the unit sphere by its farthest point, so one point
three radii out shrinks the shape to a third, and farthest point sampling spends a token on it
(validation, one vote at +z: one such point 92.0 -> 77.7 % right, ten 56.7 %). The loaders leave
them out, in both twins (src/io/strays.ts is the TypeScript one, tested on the same fixture):

1. Fewer than MIN_POINTS points: nothing is left out.
2. c = the float64 mean (sequential sums, as normalise); d_i = |p_i - c| in float64; s = the
   element of rank floor((N - 1) / 2) of d (the lower median). s == 0: nothing is left out.
3. Cell size h = s x max(CELL_PER_ROOT_N / sqrt(N), MIN_CELL): about a dozen point spacings of a
   sparse surface, never finer than a quarter of s (so a dense scan's own gaps do not split it).
4. Every point's cell: clamp(floor((p - c) / h), -GRID_HALF, GRID_HALF) per axis. Occupied
   cells that touch (26-neighbourhood) form one piece.
5. The points of every piece holding fewer than PIECE x N points are left out, unless that would
   leave out more than CAP x N points in all (a cloud that is all scattered bits is kept whole).

The constants were set on 300 validation clouds (session 45, RULE-strays.md) and checked on the
whole validation split before adoption.
"""
from __future__ import annotations

import math

import numpy as np

MIN_POINTS = 32
CELL_PER_ROOT_N = 12.0
MIN_CELL = 0.25
GRID_HALF = 64
PIECE = 0.01
CAP = 0.25

_SIDE = 2 * GRID_HALF + 1
_NEIGHBOURS = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1) if (a, b, c) != (0, 0, 0)]


def cell_size(points: np.ndarray) -> tuple[np.ndarray, float]:
    """(the centre c as float64 [3], the cell size h; 0 when nothing can be left out)."""
    p = np.asarray(points, np.float32)
    n = len(p)
    if n < MIN_POINTS:
        return np.zeros(3), 0.0
    p64 = p.astype(np.float64)
    c = np.cumsum(p64, axis=0)[-1] / n
    q = p64 - c
    d = np.sqrt((q[:, 0] * q[:, 0] + q[:, 1] * q[:, 1]) + q[:, 2] * q[:, 2])
    k = (n - 1) // 2
    s = float(np.partition(d, k)[k])
    return c, s * max(CELL_PER_ROOT_N / math.sqrt(n), MIN_CELL)


def stray_mask(points: np.ndarray) -> tuple[np.ndarray, int]:
    """(bool [N], True for the points of the stray pieces that are left out (module docstring);
    how many pieces they are)."""
    p = np.asarray(points, np.float32)
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError(f"stray_mask: expected an [N, 3] cloud, got shape {p.shape}")
    n = len(p)
    none = np.zeros(n, bool), 0
    c, h = cell_size(p)
    if h == 0.0:
        return none
    cell = np.clip(np.floor((p.astype(np.float64) - c) / h), -GRID_HALF, GRID_HALF).astype(np.int64) + GRID_HALF
    flat = (cell[:, 0] * _SIDE + cell[:, 1]) * _SIDE + cell[:, 2]
    occupied, point_cell, counts = np.unique(flat, return_inverse=True, return_counts=True)
    piece = _pieces(occupied)
    sizes = np.bincount(piece, weights=counts)
    small = sizes < PIECE * n
    drop = small[piece][point_cell.reshape(-1)]
    if drop.sum() > CAP * n:
        return none
    return drop, int(small.sum())


def _pieces(occupied: np.ndarray) -> np.ndarray:
    """The piece number of every occupied cell (sorted flat indices): pieces numbered in the order
    of their lowest cell, by a flood fill over the 26-neighbourhood."""
    where = {int(f): i for i, f in enumerate(occupied)}
    piece = np.full(len(occupied), -1, np.int64)
    count = 0
    for start in range(len(occupied)):
        if piece[start] >= 0:
            continue
        piece[start] = count
        stack = [start]
        while stack:
            f = int(occupied[stack.pop()])
            x, rest = divmod(f, _SIDE * _SIDE)
            y, z = divmod(rest, _SIDE)
            for a, b, e in _NEIGHBOURS:
                u, v, w = x + a, y + b, z + e
                if 0 <= u < _SIDE and 0 <= v < _SIDE and 0 <= w < _SIDE:
                    j = where.get((u * _SIDE + v) * _SIDE + w)
                    if j is not None and piece[j] < 0:
                        piece[j] = count
                        stack.append(j)
        count += 1
    return piece


def without_strays(points: np.ndarray) -> tuple[np.ndarray, int, int]:
    """(the cloud without its stray pieces, in file order; how many points and pieces were left out)."""
    drop, pieces = stray_mask(points)
    return (np.asarray(points)[~drop], int(drop.sum()), pieces) if pieces else (np.asarray(points), 0, 0)
