"""Probe for docs/pose.md "F" (votes over headings instead of point orders): is averaging the
softmax over quarter turns about the up axis better than averaging over FPS starts?

Validation clouds of each variant, turned back to their true up (so every variant is read
upright), FPS / k-NN computed once for 4 FPS starts: a turn about the up axis keeps every
distance, so the same indices serve every heading. The quarter turns are exact (cos, sin in
{0, 1, -1}). Printed per variant, OA %: 1 vote; 4 FPS starts (what a vote is now); 4 headings
(one start each); headings 0 and 180 x 2 starts; 4 headings x 2 starts.

    PYTHONPATH=training python3 training/probes/heading_votes.py CKPT --limit 500
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import decide, pose
from any2point.datasets import DEFAULT_MODELNET, CloudSet
from any2point.perturb import turn
from any2point.tools.robustness import fresh_indices, split_rows, stored_clouds, true_up, variant_clouds, vote_outputs

VARIANTS = ("clean", "heading", "cut", "points256")
QUARTER_TURNS = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))  # (cos, sin) of 0, 90, 180, 270 degrees
STARTS = 4


def heading_softmax(model, clouds: np.ndarray, labels: np.ndarray, classes: list[str], batch_size: int) -> np.ndarray:
    """[4 headings, STARTS, S, K]: softmax per quarter turn and FPS start (starts beyond 2 only for
    heading 0, the others' are left at zero: no rule reads them)."""
    idx = fresh_indices(clouds, model.spec, STARTS)
    out = np.zeros((len(QUARTER_TURNS), STARTS, len(clouds), len(classes)))
    for k, cs in enumerate(QUARTER_TURNS):
        turned = pose.rotate_heading(clouds, np.broadcast_to(np.array(cs), (len(clouds), 2)))
        votes = STARTS if k == 0 else 2
        logits, _ = vote_outputs(model, CloudSet(turned, labels, [""] * len(labels), classes), idx, batch_size, votes)
        out[k, :votes] = decide.softmax(logits)
    return out


def rules(p: np.ndarray) -> dict[str, np.ndarray]:
    """Softmax [4, STARTS, S, K] -> {rule: averaged softmax [S, K]}."""
    return {"1 vote": p[0, 0], "4 FPS starts": p[0].mean(0), "4 headings": p[:, 0].mean(0),
            "headings 0, 180 x 2 starts": p[[0, 2]][:, :2].mean((0, 1)), "4 headings x 2 starts": p[:, :2].mean((0, 1))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path, help="the model (docs F: the D2 model, see training/probes/README.md)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=0, help="N validation clouds spread over the split (0: all 985)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET, help="the ModelNet40 folder")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    if "so3" in variants:
        ap.error("so3 has no true up to turn back to")

    torch.set_num_threads(args.threads)
    model, cfg, _ = ckpt.load_model(args.checkpoint)
    if cfg.heading != "none":
        ap.error(f"the model turns clouds into a canonical heading ({cfg.heading}): votes over headings are all one")
    data, rows = split_rows("val", args.data, args.limit)
    raw = stored_clouds(args.data, rows, "val")
    labels = data.labels[rows]
    for v in variants:
        t = time.time()
        clouds = turn(variant_clouds(v, raw, rows, model.spec.points), pose.up_rotation(true_up(v)))
        p = heading_softmax(model, clouds, labels, data.classes, args.batch_size)
        cells = "  ".join(f"{name} {100 * float((q.argmax(-1) == labels).mean()):.1f}" for name, q in rules(p).items())
        print(f"{v} ({len(rows)} clouds, {time.time() - t:.0f} s): {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
