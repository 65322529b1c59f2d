"""Probe: does the learned up picker (docs/pose.md "E") gain from more clouds in its fit?

The picker is fitted on the 985 validation clouds only (ten poses each, 1,024 + 1 weights). Two
questions, both answered on validation held out (5 folds over the validation clouds, as
tools/upright; a fold's clouds are never in its picker's fit):
  1. the learning curve: fitted on half of the other folds' clouds instead of all of them;
  2. training-split clouds added to every fold's fit (`--per-class` clouds of every class of the
     training rows that are not validation rows, the same ten poses and seeded variants), which
     the network was trained on, so their features may not be what it gives a new file.
Per pose: top-1 of the up picked, of the mixture over the two ups (the app's answer, decide.py
step 3) and the share of true ups found; the penalty of each setting chosen as tools/upright
does (highest mean top-1 over the poses).

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/picker_data.py [--per-class 50] [--outputs-only]

Outputs are cached with tools/novelty's (bench-results/novelty/<id>-trainfit-<n>-<pose>.npz).
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import decide, upright
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET, REPO, load_modelnet40
from any2point.decide import APP_UPS
from any2point.tools.novelty import cached, outputs, reference_rows
from any2point.tools.robustness import stored_clouds
from any2point.tools.upright import POSES, confidence, folds, pose_clouds, split_outputs

DEFAULT = REPO / "training/checkpoints/use-lite-modelnet40/best.pt"


def train_outputs(mid, model, heading, root, sha, per_class, log=print) -> dict:
    """The picker's poses of `per_class` training clouds of every class (validation rows left out)."""
    data = load_modelnet40("train", root)
    rows = reference_rows(data, per_class, seed=1)
    raw = stored_clouds(root, rows, "val")
    res = {"labels": data.labels[rows]}
    for p in POSES:
        res[p] = cached(mid, f"trainfit-{per_class}-{p}", sha,
                        lambda: outputs(model, pose_clouds(p, raw, rows, model.spec.points), heading, APP_UPS), log)
    return res


def fit_pool(pool: list[tuple[dict, np.ndarray]], lam: float) -> dict:
    """The picker fitted on the clouds of every (parts, mask) in `pool`, in every pose."""
    feats, conf, true_up = [], [], []
    for parts, mask in pool:
        for p, u in POSES.items():
            feats.append(parts[p]["features"][:, mask])
            conf.append(confidence(parts[p])[:, mask])
            true_up.append(np.full(int(mask.sum()), u))
    w, c = upright.fit(np.concatenate(feats, 1), np.concatenate(conf, 1), np.concatenate(true_up), lam)
    return {"weights": w, "confidenceWeight": c}


def held_out(val: dict, fold: np.ndarray, extra: list[tuple[dict, np.ndarray]], half: bool, lam: float) -> dict:
    """{pose: (picked OA, mixed OA, up found)} of the validation clouds, each from a picker not fitted on it."""
    labels, n = val["labels"], len(val["labels"])
    rng = np.random.default_rng(5)
    keep = rng.random(n) < 0.5 if half else np.ones(n, bool)
    res = {p: [np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)] for p in POSES}
    for k in range(fold.max() + 1):
        picker = fit_pool([(val, (fold != k) & keep)] + extra, lam)
        m = fold == k
        for p, u in POSES.items():
            lo, fe = val[p]["logits"][:, None, m], val[p]["features"][:, m]
            picks = decide.pick_up(lo, fe, picker)
            w = decide.up_weights(lo, fe, picker)
            mixed = decide.mixed(lo, w).argmax(-1)
            picked = val[p]["logits"][picks, np.nonzero(m)[0]].argmax(-1)
            res[p][0][m], res[p][1][m], res[p][2][m] = picked == labels[m], mixed == labels[m], picks == u
    return {p: [round(100 * float(x.mean()), 2) for x in v] for p, v in res.items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--per-class", type=int, default=50)
    ap.add_argument("--outputs-only", action="store_true")
    ap.add_argument("--lambdas", default=",".join(str(x) for x in upright.LAMBDAS))
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    mid, sha = a.checkpoint.parent.name, sha256_of(a.checkpoint)
    model, cfg, _ = ckpt.load_model(a.checkpoint)
    val = split_outputs(mid, model, cfg.heading, "val", 0, DEFAULT_MODELNET, sha)
    train = train_outputs(mid, model, cfg.heading, DEFAULT_MODELNET, sha, a.per_class)
    if a.outputs_only:
        return 0
    fold = folds(len(val["labels"]))
    extra = [(train, np.ones(len(train["labels"]), bool))]
    settings = {"validation": ([], False), "half of validation": ([], True), "validation + training": (extra, False)}
    report = {}
    for name, (ex, half) in settings.items():
        for lam in [float(x) for x in a.lambdas.split(",")]:
            t0 = time.time()
            r = held_out(val, fold, ex, half, lam)
            means = [round(float(np.mean([v[i] for v in r.values()])), 2) for i in range(3)]
            report[f"{name} @ {lam:g}"] = {"mean": means, **r}
            print(f"{name} @ {lam:g}: mean picked / mixed / up found {means} ({time.time() - t0:.0f} s)", flush=True)
    print(json.dumps(report, indent=1))
    if a.out:
        a.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
