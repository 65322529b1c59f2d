"""Probe M: would answers found by the second look need a "sure" bar of their own?

calibration.json's temperature and threshold (tools/calibrate) are fitted on Auto over +z / +y;
an answer found by the picker's second look (a file on its side or upside down, docs/pose.md
"H") was not part of that fit. This probe runs the app's rule (tools/robustness --up-search app:
picker, second look, calibrated answer) on the validation clouds of the benchmark's thirteen
rows with a known up (tools/second_look.VARIANTS), pools the answers for which the second look
was taken, and fits the lowest top probability at which those are right at least 95 % of the
time (decide.score_threshold), never below the threshold; per row it prints shown as sure, right
when sure and wrong and shown as sure at the threshold and with that bar for looked answers
(RULE-look-threshold, docs/confidence.md). The picker and the second look were fitted on these
validation clouds, so looked answers are right here more often than on new files.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/look_sure.py [--answers FILE.npz]

25 minutes on two threads; the answers are kept in --answers (default
/tmp/look-sure.npz) and read from there by a later run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from any2point import checkpoint as ckpt
from any2point import decide, pose
from any2point import upright as learned
from any2point.datasets import DEFAULT_MODELNET, REPO, CloudSet
from any2point.tools import robustness as R
from any2point.tools.second_look import VARIANTS

DEFAULT_CHECKPOINT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"


def app_answers(checkpoint: Path, variants: Sequence[str] = VARIANTS, limit: int = 0, batch_size: int = 64,
                root: Path = DEFAULT_MODELNET, log=print) -> dict[str, np.ndarray]:
    """{variant + "/top", "/right", "/looked"} [S] for the validation clouds: the app's answer's top
    calibrated probability, whether it is right, whether the second look was taken."""
    model, cfg, _ = ckpt.load_model(checkpoint)
    upright = R.app_picker(checkpoint, ("+z", "+y"), log)
    calibration = json.loads((checkpoint.parent / "calibration.json").read_text())
    if not upright or "secondLook" not in upright:
        raise ValueError(f"{checkpoint}: no second look in its upright.json (run tools/second_look --write first)")
    data, rows = R.split_rows("val", root, limit)
    raw = R.stored_clouds(root, rows, "val")
    labels = data.labels[rows]
    mix = decide.answers_mixture(calibration, upright)
    t = calibration["temperature"]
    out: dict[str, np.ndarray] = {}
    for name in variants:
        clouds = R.variant_clouds(name, raw, rows, model.spec.points)
        idx = R.fresh_indices(clouds, model.spec)

        def turned(points: np.ndarray) -> CloudSet:
            return CloudSet(pose.apply_heading(points, cfg.heading), labels, [""] * len(labels), data.classes)
        outs = [R.vote_outputs(model, turned(c), idx, batch_size, 1) for c in pose.up_candidates(clouds, ("+z", "+y"))]
        logits, features = np.stack([o[0] for o in outs]), np.stack([o[1] for o in outs])
        q, _ = R.second_look(model, turned, clouds, idx, batch_size, 1, logits, features, upright, t, mix)
        look = upright["secondLook"]  # the clouds second_look classified under the other four ups
        looked = learned.needs_second_look(learned.look_trigger(features, decide.softmax(logits).mean(1).max(-1), look),
                                           look["below"])
        out[name + "/top"], out[name + "/right"], out[name + "/looked"] = q.max(-1), q.argmax(-1) == labels, looked
        if log:
            log(f"{name}: second look taken for {100 * looked.mean():.1f} %, right {100 * out[name + '/right'].mean():.1f} %")
    return out


def fit(answers: dict[str, np.ndarray], variants: Sequence[str], threshold: float, target: float = 0.95) -> dict:
    """lookThreshold and its figures from app_answers' arrays (pooled over `variants`)."""
    looked = np.concatenate([answers[v + "/looked"] for v in variants]).astype(bool)
    top = np.concatenate([answers[v + "/top"] for v in variants])[looked]
    right = np.concatenate([answers[v + "/right"] for v in variants]).astype(bool)[looked]
    t = decide.score_threshold(top, right, target)
    bar = max(threshold, 1.0 if t is None else t)
    share = lambda m: float(m.mean()) if m.size else None  # JSON has no NaN
    rows = {}
    for v in variants:
        lk = answers[v + "/looked"].astype(bool)
        tp, rt = answers[v + "/top"], answers[v + "/right"].astype(bool)
        before, after = tp >= threshold, tp >= np.where(lk, bar, threshold)
        rows[v] = {"looked": share(lk), "shownSureBefore": share(before), "shownSureAfter": share(after),
                   "rightWhenSureBefore": share(rt[before]), "rightWhenSureAfter": share(rt[after]),
                   "wrongShownSureBefore": share(before & ~rt), "wrongShownSureAfter": share(after & ~rt)}
    return {"lookThreshold": round(bar, 4), "looked": int(looked.sum()),
            "lookedRightWhenSureAtThreshold": share(right[top >= threshold]),
            "lookedShownSureAtThreshold": share(top >= threshold), "lookedShownSureAtLookThreshold": share(top >= bar),
            "rows": rows}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", nargs="?", type=Path, default=DEFAULT_CHECKPOINT)
    ap.add_argument("--answers", type=Path, default=Path("/tmp/look-sure.npz"))
    ap.add_argument("--limit", type=int, default=0, help="this many validation clouds (default all)")
    a = ap.parse_args(argv)
    calibration = json.loads((a.checkpoint.parent / "calibration.json").read_text())
    if a.answers.exists():
        answers = dict(np.load(a.answers))
    else:
        answers = app_answers(a.checkpoint, limit=a.limit)
        np.savez(a.answers, **answers)
    block = fit(answers, VARIANTS, calibration["threshold"], calibration.get("targetAccuracy", 0.95))
    print(f"looked answers: {block['looked']}; at the threshold {calibration['threshold']} shown as sure "
          f"{100 * block['lookedShownSureAtThreshold']:.1f} %, right {100 * block['lookedRightWhenSureAtThreshold']:.1f} %; "
          f"bar for 95 %: {block['lookThreshold']}, shown as sure {100 * block['lookedShownSureAtLookThreshold']:.1f} %")
    print(f"{'row':10s} {'looked':>7s} {'sure':>13s} {'right | sure':>13s} {'wrong & sure':>13s}")
    for v, r in block["rows"].items():
        pct = lambda x: "  -  " if x is None else f"{100 * x:5.1f}"
        pair = lambda k: f"{pct(r[k + 'Before'])}->{pct(r[k + 'After'])}"
        print(f"{v:10s} {100 * r['looked']:6.1f}% {pair('shownSure'):>13s} {pair('rightWhenSure'):>13s} {pair('wrongShownSure'):>13s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
