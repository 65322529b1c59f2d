"""Probe K: repair a cloud before the network sees it (densify a sparse one, smooth a noisy one).

Today a cloud of fewer than 1024 points is repeated cyclically (geometry contract 1.5), so a
256-point scan reaches the tokenizer as four copies of each point: stage 1's 24 neighbours are
six distinct points. Densifying instead adds points on the segments to each point's nearest
neighbours, so the groups hold 24 distinct points over the same area. Smoothing moves every point
to the mean of itself and its neighbours (not gated); "rough" leaves the cloud as it is and
records a noise estimate per cloud, to see whether a gate could tell noisy clouds from clean.

Measured at the true up (+z, no up search), one vote, on the benchmark's seeded validation
variants; no training, nothing fitted on test.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/repair.py
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import geometry as geo
from any2point import perturb, pose, strays
from any2point.datasets import DEFAULT_MODELNET, CloudSet
from any2point.tools import robustness as R

ROWS = ("clean", "points256", "points512", "cut", "view", "jitter1", "jitter2", "outliers5", "scale")


def neighbours(p: np.ndarray, k: int) -> np.ndarray:
    """[N, k] indices of each point's k nearest other points, by (distance, index)."""
    x = torch.from_numpy(p.astype(np.float32))
    d = torch.cdist(x, x)
    d.fill_diagonal_(float("inf"))
    return torch.topk(d, k, largest=False, sorted=True).indices.numpy()


def densify(p: np.ndarray, n_in: int, along: float = 1.0 / 3.0) -> np.ndarray:
    """A cloud of fewer than n_in points grown to n_in: point i's r-th new point lies `along` of
    the way to its r-th nearest neighbour (r = 1, 2, ... rounds over all points in index order;
    a third, not a half, so the pair (i, j) and (j, i) give two points)."""
    n = len(p)
    if n >= n_in or n < 2:
        return p
    rounds = min(-(-(n_in - n) // n), n - 1)
    nb = neighbours(p, rounds)
    p64 = p.astype(np.float64)
    new = [p64 + along * (p64[nb[:, r]] - p64) for r in range(rounds)]
    out = np.concatenate([p64] + new)[:n_in]
    return out.astype(np.float32)


def roughness(p: np.ndarray, k: int = 10) -> float:
    """Median over points of (distance from the plane fitted to its k neighbours) / (mean
    neighbour distance): about 0 on a clean surface, larger when every point is jittered."""
    nb = neighbours(p, k)
    q = p.astype(np.float64)[nb]                                   # [N, k, 3]
    c = q.mean(1, keepdims=True)
    cov = np.einsum("nki,nkj->nij", q - c, q - c) / k
    w, v = np.linalg.eigh(cov)
    normal = v[:, :, 0]
    off = np.abs(((p.astype(np.float64) - c[:, 0]) * normal).sum(1))
    spread = np.linalg.norm(q - p.astype(np.float64)[:, None], axis=2).mean(1)
    return float(np.median(off / np.maximum(spread, 1e-12)))


def smooth(p: np.ndarray, k: int = 10, steps: int = 1) -> np.ndarray:
    """Each point moved to the mean of itself and its k nearest neighbours, `steps` times."""
    q = p.astype(np.float64)
    for _ in range(steps):
        nb = neighbours(q.astype(np.float32), k)
        q = (q + q[nb].sum(1)) / (k + 1)
    return q.astype(np.float32)


def prepared(name: str, clouds: np.ndarray, rows: np.ndarray, n_in: int, repair) -> tuple[np.ndarray, list]:
    out, info = [], []
    for c, r in zip(clouds, rows):
        p = strays.without_strays(perturb.apply(name, c, int(r)))[0]
        p, note = repair(p)
        info.append(note)
        out.append(geo.normalise(p, n_in))
    return np.stack(out), info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", type=Path, default=Path("checkpoints/use-lite-modelnet40/best.pt"))
    ap.add_argument("--rows", default=",".join(ROWS))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("/tmp/repair-probe.json"))
    a = ap.parse_args()
    model, cfg, _ = ckpt.load_model(a.checkpoint)
    model.eval()
    data, rows = R.split_rows("val", DEFAULT_MODELNET, a.limit)
    clouds = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    labels = data.labels[rows]
    n_in = model.spec.points
    repairs = {
        "today": lambda p: (p, None),
        "densify": lambda p: (densify(p, n_in), None),
        "rough": lambda p: (p, roughness(p)),
        "smooth": lambda p: (smooth(p), None),
    }
    results = json.loads(a.out.read_text()) if a.out.exists() else {}
    for name in a.rows.split(","):
        for how, fn in repairs.items():
            key = f"{name}/{how}"
            if key in results:
                continue
            t0 = time.time()
            x, info = prepared(name, clouds, rows, n_in, fn)
            cs = CloudSet(pose.apply_heading(x, cfg.heading), labels, [""] * len(labels), data.classes)
            idx = R.fresh_indices(x, model.spec)
            pred = R.probabilities(model, cs, idx, 64).argmax(-1)
            acc = 100 * float((pred == labels).mean())
            results[key] = {"oa": acc, "right": (pred == labels).astype(int).tolist(),
                            "info": info if info[0] is not None else None}
            a.out.write_text(json.dumps(results))
            print(f"{key:24s} {acc:6.2f}  ({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
