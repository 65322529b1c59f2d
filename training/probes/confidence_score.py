"""Probe for docs/confidence.md "A learned confidence score?": would a score learned to predict
"this answer is right" say "not sure" better than the calibrated top probability the app uses?

Reads the validation logits and features that tools/calibrate keeps for the checkpoint
(bench-results/calibration/<id>-val.npz; run `any2point.tools.calibrate <ckpt> --votes 1` first,
its default variants are the nine read here), picks each cloud's up as calibrate does (the
learned picker, held out by fold), applies the calibrated temperature of calibration.json, and
compares, at the threshold where 95 % of the kept answers are right (the nine variants pooled,
every score 5-fold cross-validated over the clouds, all variants of a cloud in one fold):
- the top probability (the app's rule);
- a logistic regression on four numbers of the answer (log top probability, log top / second,
  entropy, feature norm);
- the same plus the network's features (1024 values), at two L2 penalties.
Printed per score: pooled share answered, and per variant "answered % / right when answered %".

    PYTHONPATH=training python3 training/probes/confidence_score.py training/checkpoints/use-lite-modelnet40/best.pt
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import decide
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET
from any2point.decide import APP_UPS
from any2point.tools import calibrate as C
from any2point.tools.robustness import app_picker, parse_variants
from any2point.tools.upright import folds


def answer_inputs(q: np.ndarray, features: np.ndarray) -> np.ndarray:
    """[S, 4 + D]: log top probability, log(top / second), entropy, feature norm, then the features."""
    srt = np.sort(q, -1)
    top, second = srt[:, -1], srt[:, -2]
    entropy = -(q * np.log(q + 1e-12)).sum(-1)
    scalars = np.stack([np.log(top), np.log(top) - np.log(second + 1e-12), entropy, np.linalg.norm(features, axis=1)], 1)
    return np.concatenate([scalars, features], 1)


def fit_logistic(x: np.ndarray, right: np.ndarray, lam: float):
    """A standardised L2 logistic regression (LBFGS); returns the scoring function."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    a = torch.tensor((x - mu) / sd, dtype=torch.float64)
    b = torch.tensor(right, dtype=torch.float64)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    c = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, c], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(a @ w + c, b) + lam * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return lambda xt: (torch.tensor((xt - mu) / sd) @ w + c).detach().numpy()


def kept_at(score: np.ndarray, right: np.ndarray, accuracy: float = C.TARGET_ACCURACY) -> np.ndarray:
    """The answers kept at the lowest score whose kept answers are right >= `accuracy` (the app's
    threshold rule, decide.score_threshold, on any score)."""
    t = decide.score_threshold(score, right, accuracy)
    return score >= t if t is not None else np.zeros(len(score), bool)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--variants", default=C.USER_VARIANTS)
    a = ap.parse_args(argv)
    variants = parse_variants(a.variants)
    mid = a.checkpoint.parent.name
    model, cfg, _ = ckpt.load_model(a.checkpoint)
    sha = sha256_of(a.checkpoint)
    cal = json.loads((a.checkpoint.parent / "calibration.json").read_text())
    picker = app_picker(a.checkpoint, APP_UPS)
    val = C.cached_logits(mid, model, cfg.heading, "val", variants, 0, 1, 64, DEFAULT_MODELNET, sha)
    held = C.held_out_picks(mid, model, cfg.heading, val, variants, 0, DEFAULT_MODELNET, sha, picker, log=None)
    labels = val["labels"]
    n = len(labels)
    x, right, top, which = [], [], [], []
    for i, v in enumerate(variants):
        q, picks = decide.answer(val[v], cal["temperature"], val[v + C.FEATURES], picker, held[v] if held else None)
        x.append(answer_inputs(q, val[v + C.FEATURES][picks, np.arange(n)]))
        right.append(q.argmax(-1) == labels)
        top.append(q.max(-1))
        which.append(np.full(n, i))
    x, right, top, which = np.concatenate(x), np.concatenate(right), np.concatenate(top), np.concatenate(which)
    fold = np.tile(folds(n), len(variants))
    print(f"{mid}: T {cal['temperature']} (fitted on {','.join(cal['fittedOn']['variants'])}), {n} validation clouds x {len(variants)} variants")
    scores = {"top probability (the app)": top}
    for name, cols, lam in (("4 numbers of the answer", 4, 1e-4), ("+ features, L2 1e-2", x.shape[1], 1e-2),
                            ("+ features, L2 1e-3", x.shape[1], 1e-3)):
        s = np.zeros(len(right))
        for k in np.unique(fold):
            s[fold == k] = fit_logistic(x[fold != k, :cols], right[fold != k], lam)(x[fold == k, :cols])
        scores[name] = s
    for name, s in scores.items():
        keep = kept_at(s, right)
        rows = " ".join(f"{v} {keep[which == i].mean() * 100:.0f}/{right[(which == i) & keep].mean() * 100:.1f}"
                        for i, v in enumerate(variants))
        print(f"{name}: answered {keep.mean() * 100:.1f} %, right {right[keep].mean() * 100:.1f} % | {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
