"""The learned up picker (any2point.upright, docs/pose.md "E"), fitted for one checkpoint.

    PYTHONPATH=training python3 -m any2point.tools.upright [checkpoint ...] [--limit N] [--test] [--write]

1. Validation: every validation cloud in the poses a file arrives in (POSES): as stored (z up),
   turned y-up, turned by a random heading about z, that heading then y-up (a file from the
   web), and a partial or sparse scan (the benchmark's plane cut, single viewpoint, 256 points)
   z-up and y-up; each classified under both candidate ups (z, y) at one vote, as the app does.
   The true up of each is known.
2. The penalty: 5-fold cross-validation over the clouds (all poses of a cloud stay in one fold),
   for each of upright.LAMBDAS; the one with the highest mean top-1 over the poses (of the up each
   picks) is kept, and the picker refitted on all validation clouds with it. The weights are
   rounded to 7 significant digits, and every figure is of the rounded weights.
3. Reported: per pose, top-1 and the share of true ups found by the most confident up (the
   rule without a picker) and by the picker (validation: cross-validated; `--test`: the four
   whole-shape poses of the test split, read once at the end, nothing chosen there; the
   damaged ones are the robustness benchmark's rows, `tools/robustness --up-search app`).
`--write` writes training/checkpoints/<id>/upright.json and the manifest's `upright` block
(export.py copies upright.json into a re-exported manifest when its checkpointSha256 is the
exported checkpoint's). Fit it before tools/calibrate and tools/novelty: their figures follow
the up the app picks. Outputs are cached with tools/novelty's (bench-results/novelty/).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from .. import checkpoint as ckpt
from .. import decide, perturb, upright
from .. import geometry as geo
from ..backbones.sources import sha256_of
from ..datasets import DEFAULT_MODELNET, REPO
from ..fitted import write_fitted_block
from ..decide import APP_UPS
from .novelty import cached, outputs
from .robustness import split_rows, stored_clouds, variant_clouds, zoo_checkpoints

# The poses fitted and reported, each with its true up's index in APP_UPS ("<variant>+y": the
# benchmark's variant, then turned y-up), and the ones --test reports.
POSES = {"clean": 0, "up+y": 1, "heading": 0, "heading+y": 1,
         "cut": 0, "cut+y": 1, "view": 0, "view+y": 1, "points256": 0, "points256+y": 1}
TEST_POSES = ("clean", "up+y", "heading", "heading+y")
FOLDS = 5
SIGNIFICANT = 7


def pose_clouds(pose: str, raw: np.ndarray, rows: np.ndarray, n_in: int) -> np.ndarray:
    """The clouds of one pose, normalised as the app does: the benchmark's variants, and
    "<variant>+y" (e.g. "heading+y"): the benchmark's variant of the cloud (same seed), then
    turned y-up."""
    if not pose.endswith("+y") or pose == "up+y":
        return variant_clouds(pose, raw, rows, n_in)
    return np.stack([geo.normalise(perturb.apply(pose, c, int(r)), n_in) for c, r in zip(raw, rows)])  # a turned variant


def split_outputs(mid: str, model, heading: str, split: str, limit: int, root: Path, sha: str,
                  poses: Sequence[str] = tuple(POSES), log=print) -> dict:
    """{"labels": [S], pose: {"logits": [U, S, K], "features": [U, S, D]}} for every pose."""
    data, rows = split_rows(split, root, limit)
    raw = stored_clouds(root, rows, split)
    res = {"labels": data.labels[rows]}
    for p in poses:
        res[p] = cached(mid, f"{split}{f'-{limit}' if limit else ''}-{p}", sha,
                        lambda: outputs(model, pose_clouds(p, raw, rows, model.spec.points), heading, APP_UPS), log)
    return res


def confidence(out: dict) -> np.ndarray:
    """[U, S] max softmax at temperature 1 (one vote)."""
    return decide.softmax(out["logits"]).max(-1)


def figures(out: dict, labels: np.ndarray, true_up: int, picker: Optional[dict]) -> dict:
    """Top-1 and the share of true ups found with `picker` (None: the most confident up)."""
    picks = decide.pick_up(out["logits"][:, None], out["features"], picker)
    s = np.arange(len(picks))
    pred = out["logits"][picks, s].argmax(-1)
    return {"overallAccuracy": round(float((pred == labels).mean()), 4), "upFound": round(float((picks == true_up).mean()), 4)}


def fit_on(parts: dict, mask: np.ndarray, lam: float) -> dict:
    """The picker fitted on the clouds of `mask` in every pose; weights rounded."""
    feats = np.concatenate([parts[p]["features"][:, mask] for p in POSES], 1)
    conf = np.concatenate([confidence(parts[p])[:, mask] for p in POSES], 1)
    true_up = np.concatenate([np.full(int(mask.sum()), u) for u in POSES.values()])
    w, c = upright.fit(feats, conf, true_up, lam)
    r = lambda x: float(f"{x:.{SIGNIFICANT}g}")
    return {"weights": [r(x) for x in w], "confidenceWeight": r(c)}


def sub(out: dict, mask: np.ndarray) -> dict:
    return {k: v[:, mask] for k, v in out.items()}


def folds(n: int, seed: int = 0) -> np.ndarray:
    """[n] the cross-validation fold of each cloud (all poses of a cloud in one fold)."""
    return np.random.default_rng(seed).permutation(n) % FOLDS


def fold_pickers(parts: dict, fold: np.ndarray, lam: float) -> list[dict]:
    """One picker per fold k, fitted on the clouds of the other folds."""
    return [fit_on(parts, fold != k, lam) for k in range(FOLDS)]


def held_out_picks(pickers: list[dict], fold: np.ndarray, logits: np.ndarray, features: np.ndarray) -> np.ndarray:
    """logits [U, V, S, K] and vote-0 features [U, S, D] of the validation clouds (in the order
    `fold` numbers them) -> [S] each cloud's up as picked by the picker that was NOT fitted on it."""
    picks = np.zeros(len(fold), np.int64)
    for k, picker in enumerate(pickers):
        m = fold == k
        picks[m] = decide.pick_up(logits[:, :, m], features[:, m], picker)
    return picks


def held_out_weights(pickers: list[dict], fold: np.ndarray, logits: np.ndarray, features: np.ndarray) -> np.ndarray:
    """As held_out_picks, but [U, S] each cloud's up probabilities (decide.up_weights, the mixture
    of docs/pose.md "I") by the picker that was NOT fitted on it."""
    weights = np.zeros(logits.shape[:1] + (len(fold),))
    for k, picker in enumerate(pickers):
        m = fold == k
        weights[:, m] = decide.up_weights(logits[:, :, m], features[:, m], picker)
    return weights


def cross_validate(parts: dict, lambdas: Sequence[float], seed: int = 0) -> dict:
    """{lam: {pose: figures of the held-out folds pooled}}."""
    labels = parts["labels"]
    fold = folds(len(labels), seed)
    res = {}
    for lam in lambdas:
        pickers = fold_pickers(parts, fold, lam)
        res[lam] = {}
        for p, u in POSES.items():
            picks = held_out_picks(pickers, fold, parts[p]["logits"][:, None], parts[p]["features"])
            pred = parts[p]["logits"][picks, np.arange(len(labels))].argmax(-1)
            res[lam][p] = {"overallAccuracy": round(float((pred == labels).mean()), 4),
                           "upFound": round(float((picks == u).mean()), 4)}
    return res


def validation_held_out(mid: str, model, heading: str, limit: int, root: Path, sha: str, lam: float,
                        log=print) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """(labels, fold, pickers) of the validation clouds: what held_out_picks needs to pick each
    validation cloud's up out of sample, as the picker (fitted on all of them) picks a user's
    cloud. For tools/calibrate: a threshold fitted on in-sample picks is too lenient, since the
    picker finds the true up of its own fitting clouds more often than of new ones."""
    val = split_outputs(mid, model, heading, "val", limit, root, sha, log=log)
    fold = folds(len(val["labels"]))
    return val["labels"], fold, fold_pickers(val, fold, lam)


def mean_oa(per_pose: dict) -> float:
    return float(np.mean([per_pose[p]["overallAccuracy"] for p in POSES]))


def evaluate(mid: str, path: Path, limit: int, test: bool, root: Path, log=print) -> dict:
    model, cfg, _ = ckpt.load_model(path)
    sha = sha256_of(path)
    log(f"{mid}:")
    val = split_outputs(mid, model, cfg.heading, "val", limit, root, sha, log=log)
    cv = cross_validate(val, upright.LAMBDAS)
    lam = max(upright.LAMBDAS, key=lambda x: (mean_oa(cv[x]), x))  # equal means: the larger penalty
    picker = fit_on(val, np.ones(len(val["labels"]), bool), lam)
    block = {
        "checkpointSha256": sha, "rule": "docs/pose.md", "score": upright.SCORE, "ups": list(APP_UPS),
        **picker, "lambda": lam,
        "fittedOn": {"split": "validation", "clouds": int(len(val["labels"])), "poses": dict(POSES), "votes": 1},
        "validation": {p: {"maxSoftmax": figures(val[p], val["labels"], u, None), "learnedCrossValidated": cv[lam][p]}
                       for p, u in POSES.items()},
        "crossValidation": {str(x): {"meanOverallAccuracy": round(mean_oa(cv[x]), 4)} for x in upright.LAMBDAS},
    }
    if test:
        t = split_outputs(mid, model, cfg.heading, "test", 0, root, sha, TEST_POSES, log)
        block["test"] = {p: {"maxSoftmax": figures(t[p], t["labels"], POSES[p], None),
                             "learned": figures(t[p], t["labels"], POSES[p], picker)} for p in TEST_POSES}
        block["test"]["clouds"] = int(len(t["labels"]))
    return block


def write(mid: str, checkpoint: Path, block: dict, repo: Path = REPO) -> None:
    write_fitted_block(checkpoint, "upright.json", "upright", block, upright.manifest_block, mid, repo)


def summary(block: dict) -> str:
    """The figures without the weights, for the terminal."""
    return json.dumps({k: v for k, v in block.items() if k != "weights"}, indent=1)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.upright", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="*", type=Path, help="default: every zoo model's training/checkpoints/<id>/best.pt")
    ap.add_argument("--limit", type=int, default=0, help="this many validation clouds (default all)")
    ap.add_argument("--test", action="store_true", help="also report the test split with the fitted picker")
    ap.add_argument("--write", action="store_true", help="write upright.json and the manifest's upright block")
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    checkpoints = [(p.parent.name, p) for p in a.checkpoints] if a.checkpoints else zoo_checkpoints()
    for mid, path in checkpoints:
        block = evaluate(mid, path, a.limit, a.test, a.data_root)
        print(summary(block))
        if a.write:
            write(mid, path, block)
            print(f"wrote {path.parent / 'upright.json'} and public/models/{mid}/manifest.json's upright")
    return 0


if __name__ == "__main__":
    sys.exit(main())
