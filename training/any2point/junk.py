"""Seeded clouds that are no shape of any class: what the novelty check (any2point.novelty,
docs/confidence.md) must catch and what it is measured on.

Each generator is `f(rng, n) -> float32 [n, 3]`, `rng` a numpy Generator and the only source of
randomness. The cloud is then turned by a rotation drawn uniformly from SO(3) (perturb.
random_rotation; the isotropic ones are unchanged by it in distribution) and placed at a random
offset and scale, so no generator relies on the app's normalisation or on an axis-aligned pose.
`cloud(kind, seed)` is the one entry point: the same (kind, seed) always gives the same points.

- gaussian_blob: an isotropic standard normal (the "plant 0.97" of docs/confidence.md).
- uniform_cube: uniform in a cube.
- flat_square: uniform in a square, no thickness (the "curtain 0.96").
- thin_line: uniform along a segment, jittered by 1 % of its length across it.
- sphere_shell: uniform on a sphere's surface.
- two_blobs: two isotropic normals (sigma 1) whose centres are 3-6 apart, half the points each.
- plane_soup: 8 squares of random size, position and orientation, points spread evenly over them.
"""
from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

from .perturb import random_rotation

Generator = Callable[[np.random.Generator, int], np.ndarray]


def gaussian_blob(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 3))


def uniform_cube(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(-1, 1, (n, 3))


def flat_square(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.concatenate([rng.uniform(-1, 1, (n, 2)), np.zeros((n, 1))], axis=1)


def thin_line(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.concatenate([rng.uniform(-1, 1, (n, 1)), rng.normal(0, 0.02, (n, 2))], axis=1)


def sphere_shell(rng: np.random.Generator, n: int) -> np.ndarray:
    g = rng.standard_normal((n, 3))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def two_blobs(rng: np.random.Generator, n: int) -> np.ndarray:
    g = rng.standard_normal((n, 3))
    d = rng.standard_normal(3)
    d *= rng.uniform(3, 6) / np.linalg.norm(d)
    g[n // 2:] += d
    return g


def plane_soup(rng: np.random.Generator, n: int, planes: int = 8) -> np.ndarray:
    which = np.arange(n) % planes  # points spread evenly over the squares
    out = np.empty((n, 3))
    for i in range(planes):
        m = which == i
        half = rng.uniform(0.2, 0.8)
        sq = np.concatenate([rng.uniform(-half, half, (m.sum(), 2)), np.zeros((m.sum(), 1))], axis=1)
        out[m] = sq @ random_rotation(rng).T + rng.uniform(-1, 1, 3)
    return out


GENERATORS: dict[str, Generator] = {
    "gaussian_blob": gaussian_blob, "uniform_cube": uniform_cube, "flat_square": flat_square,
    "thin_line": thin_line, "sphere_shell": sphere_shell, "two_blobs": two_blobs, "plane_soup": plane_soup,
}
KINDS = tuple(GENERATORS)


def cloud(kind: str, seed: int, n: int = 1024) -> np.ndarray:
    """float32 [n, 3]: junk cloud `kind`, seeded by (kind, seed), turned by a random rotation and
    placed at a random offset (within 5) and scale (0.1-10), as a file from anywhere might be."""
    if kind not in GENERATORS:
        raise ValueError(f"junk kind must be one of {', '.join(KINDS)}, got {kind!r}")
    rng = np.random.default_rng([zlib.crc32(kind.encode()), seed])
    p = GENERATORS[kind](rng, n) @ random_rotation(rng).T
    return (p * 10 ** rng.uniform(-1, 1) + rng.uniform(-5, 5, 3)).astype(np.float32)


def clouds(seeds: range | list[int], kinds: tuple[str, ...] = KINDS, n: int = 1024) -> tuple[np.ndarray, list[str]]:
    """[len(kinds) * len(seeds), n, 3] and the kind of each: every kind for every seed, kind-major."""
    out, names = [], []
    for kind in kinds:
        for s in seeds:
            out.append(cloud(kind, s, n))
            names.append(kind)
    return np.stack(out), names
