"""Batches: exactly the network's inputs gathered from the cached indices, with the paper's
augmentation applied per cloud and the cheap per-batch geometry (projection, cells, voxels)
computed from the augmented token centres."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np
import torch

from . import geometry as geo
from .config import ROTATIONS
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


def make_batch(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec,
               gen: Optional[torch.Generator] = None, rotate: str = "none", jitter: float = 0.0,
               start: int = 0) -> Batch:
    """Gather cached indices, augment when `gen` is given (with a random FPS start per cloud when
    `idx` has several), compute the per-batch geometry. Without `gen`, every cloud takes FPS
    start `start`."""
    pts = torch.from_numpy(data.points[rows])
    starts = np.full(len(rows), start) if start else None
    if gen is not None:
        if idx.starts > 1:
            starts = torch.randint(0, idx.starts, (len(rows),), generator=gen).numpy()
        pts = augment(pts, gen, rotate, jitter)
    fps, knn = idx.rows(rows, starts)
    centres = geo.gather_centres(pts, fps)
    pos, cell_mask, voxel_mask = geo.project(spec, centres)
    return Batch(pts, fps, knn, pos, cell_mask, voxel_mask, torch.from_numpy(data.labels[rows]))


def batches(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec, batch_size: int,
            start: int = 0) -> Iterator[Batch]:
    """Un-augmented batches of `rows` in order (evaluation), with FPS start `start`."""
    for a in range(0, len(rows), batch_size):
        yield make_batch(data, idx, rows[a:a + batch_size], spec, start=start)
