"""Geometry fixtures shared with the TypeScript twin: raw clouds -> everything docs/geometry.md
computes, by this package. tests/model/geometry-fixtures.test.ts checks that src/geometry gives
the same numbers (indices exactly, float32 values bit for bit); training/tests/test_geometry.py
checks that this package still writes the committed files.

    PYTHONPATH=training /usr/bin/python3 -m any2point.fixtures    # rewrites tests/fixtures/geometry/
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

from . import geometry as geo
from .datasets import DEFAULT_MODELNET
from .views import DEFAULT_LINES, DEFAULT_VIEWS

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "geometry"


def _spec_1d(points: int, stages, length: int = 128, cell: int = 16, vox: int = 4) -> geo.GeometrySpec:
    return geo.GeometrySpec(points, tuple(geo.Stage(c, k) for c, k in stages),
                            geo.Projection("1d", cell, length=length, lines=DEFAULT_LINES), vox)


def _spec_2d(points: int, stages, grid: int = 7, cell: int = 2, vox: int = 4) -> geo.GeometrySpec:
    return geo.GeometrySpec(points, tuple(geo.Stage(c, k) for c, k in stages),
                            geo.Projection("2d", cell, grid=grid, distance=3.0, views=DEFAULT_VIEWS), vox)


def case(name: str, raw: np.ndarray, spec: geo.GeometrySpec, up: str = "z", grow: bool = False) -> dict:
    """One cloud through the whole geometry stage (with `grow`, a sparse cloud grown, geometry.grow)."""
    x0 = geo.normalise(raw, spec.points, up, grow_sparse=grow)  # type: ignore[arg-type]
    fps, knn, centres = geo.hierarchy(torch.from_numpy(x0), spec.stages)
    pos, _, _ = geo.project(spec, centres)
    cells = geo.cells_of(spec, pos)
    vox = geo.voxels(centres, spec.voxels)
    return {
        "name": name,
        "up": up,
        "grow": grow,
        "spec": spec.to_manifest(),
        "raw": raw.astype(np.float32).reshape(-1).tolist(),
        "points": x0.reshape(-1).tolist(),
        "stages": [{"fps": f.tolist(), "knn": k.reshape(-1).tolist()} for f, k in zip(fps, knn)],
        "tokens": centres.reshape(-1).tolist(),
        "pos": pos.reshape(-1).tolist(),
        "cells": cells.reshape(-1).tolist(),
        "voxels": vox.tolist(),
        # how far apart the sparse cloud's points lie once normalised (RULE-grow-spacing)
        **({"spacing": geo.spacing(geo.normalise(raw, len(raw), up))} if grow else {}),  # type: ignore[arg-type]
    }


def cases() -> dict[str, list[dict]]:
    """file name -> cases. Small on purpose: a few clouds, each exercising a rule."""
    test = np.fromfile(DEFAULT_MODELNET / "test_points.f32", "<f4").reshape(-1, 1024, 3)
    rng = np.random.default_rng(7)
    chair = test[700].astype(np.float32)  # a real ModelNet40 test cloud
    airplane = test[0].astype(np.float32)
    # A raw, un-normalised cloud with more points than N_in (FPS resampling), off-centre.
    big = (rng.normal(size=(700, 3)) * [2.0, 0.5, 1.0] + [3.0, -1.0, 5.0]).astype(np.float32)
    # Fewer points than N_in and than some stage sizes (cyclic repeat, FPS / k-NN wrap-around).
    small = rng.uniform(-1, 1, size=(10, 3)).astype(np.float32)
    # Exact duplicates: ties everywhere (FPS and k-NN must break them towards the lower index).
    grid = np.stack(np.meshgrid(*[np.arange(4.0)] * 3, indexing="ij"), -1).reshape(-1, 3)
    dups = np.concatenate([grid, grid[::-1], grid[:16]]).astype(np.float32)
    flat = np.concatenate([rng.uniform(-1, 1, size=(90, 2)), np.zeros((90, 1))], 1).astype(np.float32)
    same = np.full((5, 3), 0.25, np.float32)  # r == 0: all zeros, degenerate projection
    return {
        "modelnet-1d.json": [case("modelnet40 test 700, 1D default", chair, _spec_1d(1024, [(256, 24), (64, 16)])),
                             case("modelnet40 test 700, its first 256 points grown, 1D default", chair[:256],
                                  _spec_1d(1024, [(256, 24), (64, 16)]), grow=True)],
        "modelnet-2d.json": [case("modelnet40 test 0, 2D 7x7", airplane, _spec_2d(1024, [(256, 24), (64, 16)]))],
        "edge.json": [
            case("raw 700 points, resampled to 512, 1D", big, _spec_1d(512, [(128, 16), (32, 8)], length=98, cell=12)),
            case("raw 700 points, y-up, 2D", big, _spec_2d(512, [(128, 16), (32, 8)]), up="y"),
            case("10 points: cyclic resample", small, _spec_1d(64, [(32, 8), (8, 4)])),
            case("duplicates: ties", dups, _spec_1d(128, [(64, 12), (16, 8)], length=128, cell=16, vox=3)),
            case("flat cloud, 2D", flat, _spec_2d(64, [(32, 8), (8, 4)], grid=14, cell=3)),
            case("all points identical", same, _spec_2d(16, [(8, 4), (4, 4)])),
            case("all points identical, 1D", same, _spec_1d(16, [(8, 4), (4, 4)])),
            case("10 points grown (6 rounds of neighbours)", small, _spec_1d(64, [(32, 8), (8, 4)]), grow=True),
            case("2 points grown, then repeated (1 round only)", small[:2], _spec_1d(16, [(8, 4), (4, 4)]), grow=True),
            case("duplicates grown: distance ties", dups[:40], _spec_1d(128, [(64, 12), (16, 8)], length=128, cell=16, vox=3),
                 grow=True),
            case("all points identical, grown", same, _spec_2d(16, [(8, 4), (4, 4)]), grow=True),
            case("flat cloud, y-up, grown", flat[:21], _spec_2d(64, [(32, 8), (8, 4)], grid=14, cell=3), up="y", grow=True),
        ],
    }


def render(c: dict[str, list[dict]]) -> dict[str, str]:
    return {name: json.dumps({"generator": "training/any2point/fixtures.py", "cases": cs}) + "\n" for name, cs in c.items()}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render(cases()).items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name} ({len(text):,} bytes)")


if __name__ == "__main__":
    main()
    sys.exit(0)
