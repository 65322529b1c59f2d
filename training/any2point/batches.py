"""Batches: exactly the network's inputs gathered from the cached indices, with the paper's
augmentation applied per cloud and the cheap per-batch geometry (projection, cells, voxels)
computed from the augmented token centres.

Rotations and the paper's scale / shift keep the cached FPS / k-NN (rotations keep every
distance; docs/pose.md). Training damage (a cut, one viewpoint, fewer points, noise, outliers)
changes the points, so a damaged cloud is normalised again as the app does and its FPS / k-NN
are computed afresh (geometry.hierarchy), as tools/robustness.py does for its variants."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

import numpy as np
import torch
import torch.utils.data

from . import fps_graph
from . import geometry as geo
from . import perturb
from .config import DAMAGES, ROTATIONS, TrainConfig
from .pose import apply_heading
from .datasets import CloudSet
from .index_cache import Indices


@dataclass
class Batch:
    """Exactly the network's inputs (docs/geometry.md, 'ONNX inputs'), batched, plus labels."""

    points: torch.Tensor
    fps: list[torch.Tensor]
    knn: list[torch.Tensor]
    pos: torch.Tensor
    cell_mask: torch.Tensor
    voxel_mask: torch.Tensor
    labels: torch.Tensor

    def inputs(self) -> tuple:
        return (self.points, *[t for pair in zip(self.fps, self.knn) for t in pair], self.pos, self.cell_mask, self.voxel_mask)


def rotate_about_z(points: torch.Tensor, mode: str, gen: torch.Generator) -> torch.Tensor:
    """Per cloud, a rotation about the up axis (z in ModelNet40): "z90" a random multiple of 90
    degrees, "z" any angle, "none" none. Rotations keep every distance, so the cached FPS / k-NN
    indices stay those of the rotated cloud."""
    if mode == "none":
        return points
    b = points.shape[0]
    if mode == "z90":
        angle = torch.randint(0, 4, (b,), generator=gen).float() * (math.pi / 2)
    elif mode == "z":
        angle = torch.empty(b).uniform_(0.0, 2 * math.pi, generator=gen)
    else:
        raise ValueError(f"rotation {mode!r} is not one of {', '.join(ROTATIONS)}")
    c, s = torch.cos(angle), torch.sin(angle)
    x, y, z = points.unbind(-1)
    return torch.stack([c[:, None] * x - s[:, None] * y, s[:, None] * x + c[:, None] * y, z], dim=-1)


def augment(points: torch.Tensor, gen: torch.Generator, rotate: str = "none", jitter: float = 0.0) -> torch.Tensor:
    """The paper's ModelNet40 augmentation: per cloud, anisotropic scale in [2/3, 3/2] and
    translation in [-0.2, 0.2] on every axis; optionally a rotation about z first and, last,
    per-point Gaussian noise of sigma `jitter` clipped at 5 sigma."""
    points = rotate_about_z(points, rotate, gen)
    b = points.shape[0]
    scale = torch.empty(b, 1, 3).uniform_(2.0 / 3.0, 3.0 / 2.0, generator=gen)
    shift = torch.empty(b, 1, 3).uniform_(-0.2, 0.2, generator=gen)
    points = points * scale + shift
    if jitter > 0.0:
        noise = torch.randn(points.shape, generator=gen) * jitter
        points = points + noise.clamp(-5.0 * jitter, 5.0 * jitter)
    return points


@dataclass(frozen=True)
class Damage:
    """Training damage (TrainConfig.aug_*): each cloud draws at most one of DAMAGES with the
    probabilities `p` (in DAMAGES' order), the rest of the time none."""

    p: tuple[float, ...] = (0.0,) * len(DAMAGES)
    min_points: int = 256
    noise_max: float = 0.02
    outliers_max: float = 0.05

    @classmethod
    def of(cls, cfg: TrainConfig) -> "Damage":
        return cls(cfg.damage_probabilities(), cfg.aug_min_points, cfg.aug_noise_max, cfg.aug_outliers_max)

    @property
    def active(self) -> bool:
        return any(x > 0.0 for x in self.p)


def damage_cloud(points: np.ndarray, rng: np.random.Generator, damage: Damage) -> Optional[np.ndarray]:
    """One cloud's damage, drawn from `rng` (the benchmark's perturb functions, with a random
    strength for the density, noise and outliers), or None when it draws none. One uniform
    number u picks it: the first damage whose cumulative probability exceeds u."""
    u = rng.random()
    edges = np.cumsum(damage.p)
    pick = int(np.searchsorted(edges, u, side="right"))
    if pick >= len(DAMAGES) or damage.p[pick] == 0.0:
        return None
    name = DAMAGES[pick]
    if name == "aug_cut":
        return perturb.plane_cut(points, rng)
    if name == "aug_view":
        return perturb.single_view(points, rng)
    if name == "aug_points":
        n = len(points)
        return perturb.density(int(rng.integers(min(damage.min_points, n - 1), n)))(points, rng)
    if name == "aug_noise":
        return perturb.jitter(rng.uniform(0.0, damage.noise_max))(points, rng)
    return perturb.outliers(rng.uniform(0.0, damage.outliers_max))(points, rng)


def damage_draws(points: torch.Tensor, spec: geo.GeometrySpec, gen: torch.Generator, damage: Damage
                 ) -> tuple[list[int], Optional[torch.Tensor]]:
    """The batch's damage (damage_cloud per cloud, seeded from `gen`): the rows damaged and their
    clouds normalised to the input count as the app does (geometry.normalise), or None."""
    seeds = torch.randint(0, 2 ** 62, (points.shape[0],), generator=gen).tolist()
    hit, fresh = [], []
    for i, seed in enumerate(seeds):
        d = damage_cloud(points[i].numpy(), np.random.default_rng(seed), damage)
        if d is not None:
            hit.append(i)
            fresh.append(geo.normalise(d, spec.points))
    return hit, (torch.from_numpy(np.stack(fresh)) if hit else None)


def fresh_geometry(fps: list[torch.Tensor], knn: list[torch.Tensor], hit: Sequence[int], x: torch.Tensor,
                   spec: geo.GeometrySpec, geometry_device: Optional[torch.device] = None
                   ) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Copies of `fps` / `knn` with rows `hit` replaced by the FPS / k-NN of clouds `x`, computed on
    `geometry_device` when given (training on a GPU: the FPS loop of a whole batch there takes a
    fraction of the CPU's 5 ms a cloud, which would otherwise bound the step; replayed as a CUDA
    graph, fps_graph)."""
    f_new, k_new, _ = geo.hierarchy(x if geometry_device is None else x.to(geometry_device), spec.stages, fps_graph.fps)
    rows = torch.as_tensor(list(hit))
    fps, knn = [f.clone() for f in fps], [k.clone() for k in knn]
    for t in range(len(fps)):
        fps[t][rows] = f_new[t].cpu().to(fps[t].dtype)
        knn[t][rows] = k_new[t].cpu().to(knn[t].dtype)
    return fps, knn


def damage_batch(points: torch.Tensor, fps: list[torch.Tensor], knn: list[torch.Tensor], spec: geo.GeometrySpec,
                 gen: torch.Generator, damage: Damage, geometry_device: Optional[torch.device] = None
                 ) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
    """Damage each cloud of a batch (damage_draws) and give the damaged ones fresh FPS / k-NN
    (fresh_geometry). The inputs are not modified."""
    hit, x = damage_draws(points, spec, gen, damage)
    if not hit:
        return points, fps, knn
    return (with_rows(points, hit, x), *fresh_geometry(fps, knn, hit, x, spec, geometry_device))


def with_rows(points: torch.Tensor, hit: Sequence[int], x: torch.Tensor) -> torch.Tensor:
    """A copy of `points` with rows `hit` replaced by `x`."""
    points = points.clone()
    points[torch.as_tensor(list(hit))] = x
    return points


@dataclass
class Draft:
    """A training batch before its damaged clouds' FPS / k-NN: everything drawn from the batch's
    generator (draft_batch), so that worker processes can prepare it ahead of the step
    (drafts) while the main process keeps the work that belongs on the training device
    (finish_batch)."""

    points: torch.Tensor  # augmented and turned as the network sees them
    fps: list[torch.Tensor]  # the cached indices; a damaged row's are replaced by finish_batch
    knn: list[torch.Tensor]
    labels: torch.Tensor
    hit: list[int]  # the damaged rows
    fresh: Optional[torch.Tensor]  # their clouds before augmentation, whose FPS / k-NN they get


def draft_batch(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec,
                gen: Optional[torch.Generator] = None, rotate: str = "none", jitter: float = 0.0,
                start: int = 0, heading: str = "none", damage: Optional[Damage] = None) -> Draft:
    """make_batch's first part: gather the cached indices, augment when `gen` is given (with a
    random FPS start per cloud when `idx` has several; training damage first when `damage` is
    active), turn into the canonical heading when `heading` says so."""
    pts = torch.from_numpy(data.points[rows])
    starts = np.full(len(rows), start) if start else None
    if gen is not None:
        if idx.starts > 1:
            starts = torch.randint(0, idx.starts, (len(rows),), generator=gen).numpy()
    fps, knn = idx.rows(rows, starts)
    hit, x = [], None
    if gen is not None:
        if damage is not None and damage.active:
            hit, x = damage_draws(pts, spec, gen, damage)
            if hit:
                pts = with_rows(pts, hit, x)
        pts = augment(pts, gen, rotate, jitter)
    if heading != "none":
        pts = torch.from_numpy(apply_heading(pts.numpy(), heading))
    return Draft(pts, fps, knn, torch.from_numpy(data.labels[rows]), hit, x)


def finish_batch(draft: Draft, spec: geo.GeometrySpec, geometry_device: Optional[torch.device] = None) -> Batch:
    """make_batch's second part: the damaged clouds' fresh FPS / k-NN (on `geometry_device` when
    given), then the per-batch geometry of the token centres."""
    fps, knn = draft.fps, draft.knn
    if draft.hit:
        fps, knn = fresh_geometry(fps, knn, draft.hit, draft.fresh, spec, geometry_device)
    centres = geo.gather_centres(draft.points, fps)
    pos, cell_mask, voxel_mask = geo.project(spec, centres)
    return Batch(draft.points, fps, knn, pos, cell_mask, voxel_mask, draft.labels)


def make_batch(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec,
               gen: Optional[torch.Generator] = None, rotate: str = "none", jitter: float = 0.0,
               start: int = 0, heading: str = "none", damage: Optional[Damage] = None,
               geometry_device: Optional[torch.device] = None) -> Batch:
    """Gather cached indices, augment when `gen` is given (with a random FPS start per cloud when
    `idx` has several; training damage first when `damage` is active), compute the per-batch
    geometry. Without `gen`, every cloud takes FPS start `start`. `heading` "canonical" turns
    every cloud into its canonical heading last, after every augmentation (pose.py), so that the
    network sees only canonical headings, as at inference. `geometry_device`: fresh_geometry's."""
    return finish_batch(draft_batch(data, idx, rows, spec, gen, rotate, jitter, start, heading, damage), spec, geometry_device)


class _StepDrafts(torch.utils.data.Dataset):
    def __init__(self, make: Callable[[int], Draft], steps: Sequence[int]):
        self.make, self.steps = make, list(steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> Draft:
        return self.make(self.steps[i])


def drafts(make: Callable[[int], Draft], steps: Sequence[int], workers: int = 0) -> Iterator[Draft]:
    """make(step) for each of `steps`, in order. With `workers` > 0 they are made ahead in that
    many worker processes (forked, so `make` may be a closure over the data), a few steps ahead
    of the one being trained; the batches are the same, since each is a function of its step."""
    if workers <= 0:
        return (make(s) for s in steps)
    loader = torch.utils.data.DataLoader(_StepDrafts(make, steps), batch_size=None, shuffle=False, num_workers=workers,
                                         prefetch_factor=2, multiprocessing_context="fork",
                                         generator=torch.Generator().manual_seed(0))  # not the global RNG (dropout's)
    return iter(loader)


def batches(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec, batch_size: int,
            start: int = 0, heading: str = "none") -> Iterator[Batch]:
    """Un-augmented batches of `rows` in order (evaluation), with FPS start `start`."""
    for a in range(0, len(rows), batch_size):
        yield make_batch(data, idx, rows[a:a + batch_size], spec, start=start, heading=heading)
