"""The torch twin of docs/geometry.md: normalise, FPS, k-NN, virtual projection, cells, voxels.

Every function works on one cloud; a leading batch dimension is accepted where it only lays
independent clouds side by side (nothing mixes clouds). Arithmetic is float32, one operation at
a time in the documented order (no matmul for the 3-term dot products), ties to the lowest index,
so that the indices equal the TypeScript and WGSL twins exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Optional, Sequence

import numpy as np
import torch

from .pose import up_rotation
from .views import DEFAULT_LINES, DEFAULT_VIEWS


def sq(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Squared distance ((dx*dx + dy*dy) + dz*dz), float32, broadcasting over leading dims."""
    dx = a[..., 0] - b[..., 0]
    dy = a[..., 1] - b[..., 1]
    dz = a[..., 2] - b[..., 2]
    # The same float32 operations in the same order as (dx * dx + dy * dy) + dz * dz, in place:
    # on k-NN's [S, N] tables the temporaries, not the arithmetic, were the cost.
    dx.mul_(dx)
    dy.mul_(dy)
    dz.mul_(dz)
    return dx.add_(dy).add_(dz)


# --- 1. normalise -----------------------------------------------------------------------------

# The app's names of the six axis-aligned ups (the file axis that points up; src/geometry/upTurn.ts)
# -> pose.py's names. "z" and "y" are the original two; the app's automatic up tries only those.
UP_AXES: dict[str, str] = {"z": "+z", "y": "+y", "-y": "-y", "x": "+x", "-x": "-x", "-z": "-z"}
UpAxis = Literal["z", "y", "-y", "x", "-x", "-z"]


def up_turn(up: str) -> tuple[np.ndarray, np.ndarray]:
    """The up turn of `up` as the TypeScript twin applies it: upright coordinate k = sign[k] *
    file coordinate source[k]. Read off pose.up_rotation (a signed permutation matrix), so the one
    table stays perturb.UP_ROTATIONS."""
    if up not in UP_AXES:
        raise ValueError(f"normalise: up must be one of {', '.join(map(repr, UP_AXES))}, got {up!r}")
    r = up_rotation(UP_AXES[up])
    source = np.abs(r).argmax(axis=1)
    return source, r[np.arange(3), source].astype(np.float32)


# A sparse cloud is grown (instead of repeated) when it has at most n_in / GROW_BELOW points.
GROW_BELOW = 3
# A grown point lies this far along the segment from a point to its r-th nearest other point (a
# third, not a half, so that the pairs (i, j) and (j, i) give two points).
GROW_ALONG = 1.0 / 3.0


def grows(n: int, n_in: int) -> bool:
    """Whether normalise(..., grow_sparse=True) grows a cloud of n points (docs/geometry.md 1.5)."""
    return 2 <= n and GROW_BELOW * n <= n_in


def grow(points: np.ndarray, n_in: int) -> np.ndarray:
    """[N, 3] float32 with GROW_BELOW * N <= n_in -> [n_in, 3] float32: the points, then round r =
    1, 2, ... adds for every point i (in index order) the point GROW_ALONG of the way to its r-th
    nearest other point (by float64 squared distance ((dx*dx + dy*dy) + dz*dz), ties to the lower
    index), float64 arithmetic rounded to float32, until n_in points; when the N - 1 rounds are
    not enough, the grown cloud repeats cyclically. The TypeScript twin is src/geometry/grow.ts."""
    p = np.asarray(points, np.float32)
    n = len(p)
    if not grows(n, n_in):
        raise ValueError(f"grow: {n} points is not a sparse cloud for N_in {n_in}")
    rounds = min(-(-(n_in - n) // n), n - 1)
    p64 = p.astype(np.float64)
    d = [p64[None, :, k] - p64[:, None, k] for k in range(3)]
    d2 = (d[0] * d[0] + d[1] * d[1]) + d[2] * d[2]  # [N, N]
    np.fill_diagonal(d2, np.inf)
    order = np.argsort(d2, axis=1, kind="stable")[:, :rounds]  # stable: ties to the lower index
    new = [(p64 + GROW_ALONG * (p64[order[:, r]] - p64)).astype(np.float32) for r in range(rounds)]
    out = np.concatenate([p] + new)[:n_in]
    return out[np.arange(n_in) % len(out)]


def spacing(points: np.ndarray) -> float:
    """[N, 3] float32, normalised (centred, farthest point at 1) -> the lower median over its points
    of the float64 distance sqrt((dx*dx + dy*dy) + dz*dz) to the nearest point at another position
    (points at one position have none and are left out; 0.0 when no point has one): how far apart
    the points lie (RULE-grow-spacing). The TypeScript twin is src/geometry/spacing.ts `spacing`."""
    p64 = np.asarray(points, np.float32).astype(np.float64)
    d = [p64[None, :, k] - p64[:, None, k] for k in range(3)]
    d2 = (d[0] * d[0] + d[1] * d[1]) + d[2] * d[2]
    d2[d2 == 0] = np.inf  # itself, and points at the same position
    nearest = np.sqrt(d2.min(axis=1))
    nearest = np.sort(nearest[np.isfinite(nearest)])
    return float(nearest[(len(nearest) - 1) // 2]) if len(nearest) else 0.0


def answers_grown(points: np.ndarray, n_in: int, min_spacing: Optional[float] = None) -> bool:
    """Whether the app answers this cloud (any scale, as the loaders give it) from it grown
    (decide.py step 5): at most n_in / 3 points (grows) and, with `min_spacing` (a calibration's
    growSpacing, RULE-grow-spacing), its spacing once normalised above it: a partial scan whose
    points are as close as the model's own stays repeated. The TypeScript twin is
    src/geometry/spacing.ts `answersGrown` (the classifier's `growsAnswer` calls it)."""
    n = len(points)
    if not grows(n, n_in):
        return False
    return min_spacing is None or spacing(normalise(points, n)) > min_spacing


def normalise(points: np.ndarray, n_in: int, up: UpAxis = "z", grow_sparse: bool = False) -> np.ndarray:
    """[N, 3] finite float -> [n_in, 3] float32: up axis, centre (float64 mean), unit sphere,
    resample (FPS when N > n_in, cyclic repeat when N < n_in; with `grow_sparse` a cloud of at
    most n_in / 3 points is grown instead, grow()). `up` is the file axis that points
    up (UP_AXES); the cloud is turned by pose.up_rotation of it, as a copy with negations (exact,
    and the sign of a zero as the TypeScript twin's)."""
    p = np.asarray(points)
    if p.ndim != 2 or p.shape[1] != 3 or p.shape[0] == 0:
        raise ValueError(f"normalise: expected a non-empty [N, 3] cloud, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("normalise: cloud has non-finite coordinates")
    p = p.astype(np.float32)
    source, sign = up_turn(up)
    if up != "z":
        p = p[:, source] * sign
    # Sequential float64 sums (cumsum is left to right), as the TypeScript twin adds.
    c = np.cumsum(p.astype(np.float64), axis=0)[-1] / p.shape[0]
    q = (p.astype(np.float64) - c).astype(np.float32)
    q64 = q.astype(np.float64)
    r = np.sqrt((q64[:, 0] * q64[:, 0] + q64[:, 1] * q64[:, 1]) + q64[:, 2] * q64[:, 2]).max()
    out = np.zeros_like(q) if r == 0 else (q64 / r).astype(np.float32)
    n = out.shape[0]
    if n > n_in:
        idx = fps(torch.from_numpy(out), n_in).numpy()
        out = out[idx]
    elif grow_sparse and grows(n, n_in):
        out = grow(out, n_in)
    elif n < n_in:
        out = out[np.arange(n_in) % n]
    return np.ascontiguousarray(out, dtype=np.float32)


# --- 2. farthest point sampling ----------------------------------------------------------------

def fps(points: torch.Tensor, s: int) -> torch.Tensor:
    """[..., N, 3] -> [..., S] int64. Starts at 0; argmax over points not yet chosen, ties to the
    lowest index (torch.argmax returns the first maximum). N < S repeats the order cyclically."""
    *lead, n, _ = points.shape
    take = min(n, s)
    dev = points.device  # any device (training damage may run it on the GPU); the app's contract is the CPU's
    idx = torch.zeros(*lead, take, dtype=torch.long, device=dev)
    d = torch.full((*lead, n), math.inf, dtype=torch.float32, device=dev)
    chosen = torch.zeros(*lead, n, dtype=torch.bool, device=dev)
    chosen[..., 0] = True
    for i in range(1, take):
        c = idx[..., i - 1]
        centre = torch.gather(points, -2, c[..., None, None].expand(*lead, 1, 3))
        d = torch.minimum(d, sq(points, centre))
        masked = torch.where(chosen, torch.full_like(d, -1.0), d)
        nxt = torch.argmax(masked, dim=-1)
        idx[..., i] = nxt
        chosen.scatter_(-1, nxt[..., None], True)
    if take < s:
        idx = idx[..., torch.arange(s, device=dev) % take]
    return idx


# --- 3. k nearest neighbours -------------------------------------------------------------------

def _keys(d: torch.Tensor, index: torch.Tensor, n: int) -> torch.Tensor:
    """Unique int64 sort keys for (distance, index): a non-negative float32 orders like its
    bit pattern, and appending the index breaks every tie towards the lower index."""
    return d.contiguous().view(torch.int32).to(torch.int64) * n + index


def knn(points: torch.Tensor, centres: torch.Tensor, k: int) -> torch.Tensor:
    """points [..., N, 3], centres [..., S] (indices into points) -> [..., S, k] int64, sorted by
    (distance, index). N < k repeats the row cyclically."""
    if not 1 <= k <= 64:
        raise ValueError(f"knn: k must be in 1..64, got {k}")
    *lead, n, _ = points.shape
    c = torch.gather(points, -2, centres[..., None].expand(*centres.shape, 3))  # [..., S, 3]
    d = sq(points[..., None, :, :], c[..., :, None, :])  # [..., S, N]
    take = min(n, k)
    if take < n:
        # Fast path: float topk of k+1, then the exact (distance, index) order among the k
        # chosen; rows where the k-th and (k+1)-th distances tie fall back to the exact keys.
        vals, cand = torch.topk(d, take + 1, dim=-1, largest=False, sorted=True)
        keys = _keys(vals[..., :take], cand[..., :take], n)
        nbr = torch.gather(cand, -1, torch.sort(keys, dim=-1).indices)
        tie = (vals[..., take - 1] == vals[..., take]).reshape(-1)
        if bool(tie.any()):
            flat_d = d.reshape(-1, n)[tie]
            exact = torch.topk(_keys(flat_d, torch.arange(n, device=d.device).expand_as(flat_d), n), take, dim=-1, largest=False, sorted=True).indices
            flat = nbr.reshape(-1, take).clone()
            flat[tie] = exact
            nbr = flat.reshape(nbr.shape)
    else:
        nbr = torch.topk(_keys(d, torch.arange(n, device=d.device).expand_as(d), n), take, dim=-1, largest=False, sorted=True).indices
    if take < k:
        nbr = nbr[..., torch.arange(k, device=d.device) % take]
    return nbr


# --- 4. tokenizer hierarchy --------------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    centers: int
    k: int


def hierarchy(points: torch.Tensor, stages: Sequence[Stage], fps_of=None
              ) -> tuple[list[torch.Tensor], list[torch.Tensor], torch.Tensor]:
    """points [..., N_in, 3] -> (fps indices per stage, knn indices per stage, token centres
    [..., T, 3]). Stage t indexes into the centres of stage t-1. `fps_of`: another implementation
    of fps with the same results (training on a GPU: fps_graph.fps)."""
    x = points
    fps_all, knn_all = [], []
    for st in stages:
        f = (fps_of or fps)(x, st.centers)
        fps_all.append(f)
        knn_all.append(knn(x, f, st.k))
        x = torch.gather(x, -2, f[..., None].expand(*f.shape, 3))
    return fps_all, knn_all, x


def gather_centres(points: torch.Tensor, fps_all: Sequence[torch.Tensor]) -> torch.Tensor:
    """Token centres from cached FPS indices (points may be augmented)."""
    x = points
    for f in fps_all:
        x = torch.gather(x, -2, f[..., None].expand(*f.shape, 3))
    return x


# --- 5. virtual projection ---------------------------------------------------------------------

def project_1d(centres: torch.Tensor, lines: torch.Tensor, length: int) -> torch.Tensor:
    """centres [..., T, 3], lines [M, 3] -> pos [..., M, T] in [0, L-1]."""
    x, y, z = (centres[..., None, :, i] for i in range(3))  # [..., 1, T]
    dx, dy, dz = (lines[:, i, None] for i in range(3))  # [M, 1]
    s = (dx * x + dy * y) + dz * z  # [..., M, T]
    lo = s.min(dim=-1, keepdim=True).values
    hi = s.max(dim=-1, keepdim=True).values
    a = s - lo
    b = hi - lo
    q = a / torch.where(b > 0, b, torch.ones_like(b))
    pos = q * torch.tensor(float(length - 1), dtype=torch.float32)
    return torch.where(b > 0, pos, torch.zeros_like(pos))


def project_2d(centres: torch.Tensor, views: torch.Tensor, distance: float, grid: int) -> torch.Tensor:
    """centres [..., T, 3], views [M, 9] row-major rotations -> pos [..., M, T, 2] = (gx, gy)."""
    x, y, z = (centres[..., None, :, i] for i in range(3))  # [..., 1, T]
    r = [views[:, i, None] for i in range(9)]  # each [M, 1]
    xr = (r[0] * x + r[1] * y) + r[2] * z
    yr = (r[3] * x + r[4] * y) + r[5] * z
    zr = (r[6] * x + r[7] * y) + r[8] * z
    dd = torch.tensor(float(distance), dtype=torch.float32)
    w = dd + zr
    u = (xr * dd) / w
    v = (yr * dd) / w
    umin, umax = u.min(-1, keepdim=True).values, u.max(-1, keepdim=True).values
    vmin, vmax = v.min(-1, keepdim=True).values, v.max(-1, keepdim=True).values
    ue = umax - umin
    ve = vmax - vmin
    e = torch.maximum(ue, ve)
    safe = torch.where(e > 0, e, torch.ones_like(e))
    half = torch.tensor(0.5, dtype=torch.float32)
    g1 = torch.tensor(float(grid - 1), dtype=torch.float32)
    gx = (((u - umin) + (e - ue) * half) / safe) * g1
    gy = (((vmax - v) + (e - ve) * half) / safe) * g1
    centre = g1 * half
    gx = torch.where(e > 0, gx, centre.expand_as(gx))
    gy = torch.where(e > 0, gy, centre.expand_as(gy))
    return torch.stack([gx, gy], dim=-1)


# --- 6. cells ----------------------------------------------------------------------------------

def cells_1d(pos: torch.Tensor, length: int, cell: int) -> torch.Tensor:
    ncell = -(-length // cell)
    return torch.clamp(torch.floor(pos / float(cell)).long(), max=ncell - 1)


def cells_2d(pos: torch.Tensor, grid: int, cell: int) -> torch.Tensor:
    nc = -(-grid // cell)
    cx = torch.clamp(torch.floor(pos[..., 0] / float(cell)).long(), max=nc - 1)
    cy = torch.clamp(torch.floor(pos[..., 1] / float(cell)).long(), max=nc - 1)
    return cy * nc + cx


def same_mask(ids: torch.Tensor) -> torch.Tensor:
    """ids [..., T] -> [..., T, T] float32, 1 where two tokens share the id."""
    return (ids[..., :, None] == ids[..., None, :]).to(torch.float32)


# --- 7. voxels ---------------------------------------------------------------------------------

def voxels(centres: torch.Tensor, v: int) -> torch.Tensor:
    """centres [..., T, 3] -> voxel ids [..., T] over [-1, 1]^3 with V cells per axis."""
    a = centres + torch.tensor(1.0, dtype=torch.float32)
    b = a * torch.tensor(0.5, dtype=torch.float32)
    c = b * torch.tensor(float(v), dtype=torch.float32)
    cell = torch.clamp(torch.floor(c).long(), min=0, max=v - 1)
    return (cell[..., 2] * v + cell[..., 1]) * v + cell[..., 0]


# --- the spec that the manifest carries --------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    kind: Literal["1d", "2d"]
    cell: int
    length: int = 0  # 1D: positions on the line
    lines: tuple[tuple[float, float, float], ...] = ()
    grid: int = 0  # 2D: positions per side
    distance: float = 3.0
    views: tuple[tuple[float, ...], ...] = ()

    @property
    def m(self) -> int:
        return len(self.lines) if self.kind == "1d" else len(self.views)


@dataclass(frozen=True)
class GeometrySpec:
    points: int
    stages: tuple[Stage, ...]
    projection: Projection
    voxels: int
    up: str = "z"

    @property
    def tokens(self) -> int:
        return self.stages[-1].centers

    def cache_key(self) -> str:
        """What the cached FPS/k-NN indices depend on (projection does not enter)."""
        s = "_".join(f"{st.centers}k{st.k}" for st in self.stages)
        return f"n{self.points}_{s}"

    def to_manifest(self) -> dict:
        p = self.projection
        proj: dict = {"kind": p.kind, "cell": p.cell}
        if p.kind == "1d":
            proj.update(lines=[list(map(float, l)) for l in p.lines], length=p.length)
        else:
            proj.update(views=[list(map(float, v)) for v in p.views], grid=p.grid, distance=p.distance)
        return {
            "points": self.points,
            "up": self.up,
            "stages": [{"centers": s.centers, "k": s.k} for s in self.stages],
            "projection": proj,
            "voxels": self.voxels,
        }


def make_spec(grid: dict, points: int, stages: Sequence[tuple[int, int]], cell: int, voxels_per_axis: int) -> GeometrySpec:
    """The spec for a backbone's position grid ({'kind': '1d', 'length': L} or
    {'kind': '2d', 'grid': G}) with the default lines / views."""
    if grid["kind"] == "1d":
        proj = Projection(kind="1d", cell=cell, length=int(grid["length"]), lines=DEFAULT_LINES)
    elif grid["kind"] == "2d":
        proj = Projection(kind="2d", cell=cell, grid=int(grid["grid"]), distance=3.0, views=DEFAULT_VIEWS)
    else:
        raise ValueError(f"unknown position grid kind {grid.get('kind')!r}")
    return GeometrySpec(points=points, stages=tuple(Stage(c, k) for c, k in stages), projection=proj, voxels=voxels_per_axis)


def project(spec: GeometrySpec, centres: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Token centres [..., T, 3] -> (pos, cell_mask [..., M, T, T], voxel_mask [..., T, T]),
    the per-batch part of the geometry (recomputed after augmentation)."""
    p = spec.projection
    if p.kind == "1d":
        pos = project_1d(centres, torch.tensor(p.lines, dtype=torch.float32), p.length)
        cells = cells_1d(pos, p.length, p.cell)
    else:
        pos = project_2d(centres, torch.tensor(p.views, dtype=torch.float32), p.distance, p.grid)
        cells = cells_2d(pos, p.grid, p.cell)
    return pos, same_mask(cells), same_mask(voxels(centres, spec.voxels))


def cells_of(spec: GeometrySpec, pos: torch.Tensor) -> torch.Tensor:
    p = spec.projection
    return cells_1d(pos, p.length, p.cell) if p.kind == "1d" else cells_2d(pos, p.grid, p.cell)
