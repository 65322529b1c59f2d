"""Probe for docs/pose.md "G" (searching all six ups), step 1 of 2: the network's outputs under
every candidate up, saved for six_ups_rules.py.

The validation clouds (true up +z) of each variant are classified, one vote, turned upright for
each of the six axis-aligned candidate ups (pose.UP_CANDIDATES, +z first; the points turned, FPS /
k-NN of the cloud as given: any2point.tools.novelty.outputs, as the picker's fitting does).
Written to an npz: labels, rows, ups, checkpoint and its sha256, and per variant
`<v>_logits` [6, S, K], `<v>_features` [6, S, D] (the head's input, what the learned up picker
reads), `<v>_clouds` [S, N, 3] (normalised, as given: the height features' input) and
`<v>_trueUp` (the index of the candidate that turns the variant's clouds upright: 0 for every
variant but the up+y .. up-z ones, which cascade_ups.py reads).

    PYTHONPATH=training python3 training/probes/six_ups_outputs.py CKPT --out six.npz
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import pose
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools.novelty import outputs
from any2point.tools.robustness import split_rows, stored_clouds, true_up, variant_clouds

VARIANTS = ("clean", "heading", "cut", "points256")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path, help="the model (docs G: the D2 model, see training/probes/README.md)")
    ap.add_argument("--out", type=Path, required=True, help="the npz to write")
    ap.add_argument("--variants", default=",".join(VARIANTS),
                    help="comma-separated benchmark variants with a true up (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=0, help="N validation clouds spread over the split (0: all 985)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET, help="the ModelNet40 folder")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        if true_up(v) is None:
            ap.error(f"variant {v!r} has no true up (a random rotation): no rule can be scored on it")

    torch.set_num_threads(args.threads)
    model, cfg, _ = ckpt.load_model(args.checkpoint)
    data, rows = split_rows("val", args.data, args.limit)
    raw = stored_clouds(args.data, rows, "val")
    res = {"labels": data.labels[rows], "rows": rows, "ups": np.array(pose.UP_CANDIDATES),
           "checkpoint": np.array(str(args.checkpoint)), "checkpoint_sha256": np.array(sha256_of(args.checkpoint))}
    for v in variants:
        t = time.time()
        clouds = variant_clouds(v, raw, rows, model.spec.points)
        o = outputs(model, clouds, cfg.heading, pose.UP_CANDIDATES, args.batch_size)
        res[f"{v}_logits"], res[f"{v}_features"], res[f"{v}_clouds"] = o["logits"], o["features"], clouds
        res[f"{v}_trueUp"] = np.array(pose.UP_CANDIDATES.index(true_up(v)))
        print(f"{v}: {len(rows)} clouds x {len(pose.UP_CANDIDATES)} ups, {time.time() - t:.0f} s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **res)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
