"""Probe for docs/pose.md "A" (the up search with a model trained upright): the softmax of every
(variant, candidate up) on validation clouds, computed once, and every selection rule
evaluated from the same numbers.

Each cloud of each variant (the benchmark's seeded ones, any2point.perturb) is normalised, its
FPS / k-NN computed as given, then turned upright for each of the six candidate ups
(pose.UP_CANDIDATES; the points only) with the model's heading handling, and classified (one
vote by default). Rules, each a list of candidates and max softmax ("max") or lowest entropy:
no search (+z), all six, +z / +y (the two file conventions), +z / +y / -y, the five but -z;
all six with +z favoured by a margin d (its max softmax + d, --margins); the true up (an oracle).
Printed: OA % per variant and, in brackets, how often the true up was picked; the mean over the
six up variants (clean is up +z). --out keeps the softmax in an npz, --from re-reads one
instead of running the network.

    PYTHONPATH=training python3 training/probes/up_search.py CKPT --limit 300 --out up-search.npz
    PYTHONPATH=training python3 training/probes/up_search.py --from up-search.npz
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import pose
from any2point.datasets import DEFAULT_MODELNET, CloudSet
from any2point.tools.robustness import fresh_indices, probabilities, split_rows, stored_clouds, true_up, variant_clouds

VARIANTS = ("clean", "up+y", "up-y", "up+x", "up-x", "up-z", "heading")
SIX = pose.UP_CANDIDATES
RULES = {  # name -> (candidates, pose.pick_up rule)
    "no search (+z as given)": (("+z",), "max"),
    "max-softmax over the 6 ups": (SIX, "max"),
    "lowest entropy over the 6 ups": (SIX, "entropy"),
    "max-softmax over +z, +y": (("+z", "+y"), "max"),
    "max-softmax over +z, +y, -y": (("+z", "+y", "-y"), "max"),
    "max-softmax over the 5 ups but -z": (("+z", "+y", "-y", "+x", "-x"), "max"),
}


def key(variant: str) -> str:
    """The npz key of a variant ("up+y" -> "uppy")."""
    return variant.replace("+", "p").replace("-", "m")


def softmax_per_up(model, cfg, raw: np.ndarray, rows: np.ndarray, labels: np.ndarray, classes: list[str],
                   variant: str, batch_size: int, votes: int) -> np.ndarray:
    """[6, S, K] the softmax (summed over `votes` FPS starts) of every cloud under every candidate up."""
    clouds = variant_clouds(variant, raw, rows, model.spec.points)
    idx = fresh_indices(clouds, model.spec, votes)
    return np.stack([probabilities(model, CloudSet(pose.apply_heading(c, cfg.heading), labels, [""] * len(labels), classes),
                                   idx, batch_size, votes) / votes
                     for c in pose.up_candidates(clouds)])


def figures(probs: dict[str, np.ndarray], labels: np.ndarray, margins: list[float]) -> dict:
    """{rule: {variant: {"OA", "upFound"}}} in %; upFound is None when the true up is not a candidate."""
    rules = {name: (cands, how, 0.0) for name, (cands, how) in RULES.items()}
    rules.update({f"max-softmax over the 6 ups, +z favoured by {d:g}": (SIX, "max", d) for d in margins})
    out = {}
    for name, (cands, how, margin) in rules.items():
        ks = [SIX.index(c) for c in cands]
        out[name] = {}
        for v, p in probs.items():
            p = p[ks]
            if margin:
                score = p.max(-1)
                score[0] += margin  # +z is candidate 0 of SIX
                picks = np.argmax(score, 0)
            else:
                picks = pose.pick_up(p, how)
            pred = pose.searched(p, picks=picks).argmax(-1)
            want = true_up(v)
            out[name][v] = {"OA": round(100 * float((pred == labels).mean()), 4),
                            "upFound": round(100 * float(np.mean([cands[k] == want for k in picks])), 4)
                            if want in cands else None}
    out["the true up (oracle)"] = {v: {"OA": round(100 * float((p[SIX.index(true_up(v))].argmax(-1) == labels).mean()), 4),
                                       "upFound": 100.0} for v, p in probs.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path, nargs="?", help="the model (docs A: the default before D)")
    ap.add_argument("--from", dest="source", type=Path, default=None, help="an npz this probe wrote: no network")
    ap.add_argument("--out", type=Path, default=None, help="write the softmax to this npz (and figures beside as .json)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=0, help="N validation clouds spread over the split (0: all 985)")
    ap.add_argument("--votes", type=int, default=1, help="FPS starts averaged per candidate")
    ap.add_argument("--margins", default="0.1,0.2", help="+z margins to try (comma-separated, empty for none)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET, help="the ModelNet40 folder")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    if "so3" in variants:
        ap.error("so3 has no true up to find")
    margins = [float(m) for m in args.margins.split(",") if m]

    if args.source:
        d = np.load(args.source)
        labels = d["labels"]
        probs = {v: d[key(v)] for v in variants}
    elif args.checkpoint:
        torch.set_num_threads(args.threads)
        model, cfg, _ = ckpt.load_model(args.checkpoint)
        data, rows = split_rows("val", args.data, args.limit)
        raw = stored_clouds(args.data, rows, "val")
        labels = data.labels[rows]
        probs = {}
        for v in variants:
            t = time.time()
            probs[v] = softmax_per_up(model, cfg, raw, rows, labels, data.classes, v, args.batch_size, args.votes)
            print(f"{v}: {len(rows)} clouds x 6 ups, {time.time() - t:.0f} s", flush=True)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(args.out, rows=rows, labels=labels, **{key(v): p for v, p in probs.items()})
    else:
        ap.error("give a checkpoint or --from NPZ")

    report = figures(probs, labels, margins)
    ups = [v for v in variants if v == "clean" or v.startswith("up")]
    for rule, per in report.items():
        cells = " ".join(f"{v} {f['OA']:.1f}" + (f" ({f['upFound']:.0f})" if f["upFound"] is not None else "")
                         for v, f in per.items())
        mean = f"; mean over {len(ups)} ups {np.mean([per[v]['OA'] for v in ups]):.1f}" if ups else ""
        print(f"{rule}: {cells}{mean}", flush=True)
    if args.out and not args.source:
        args.out.with_suffix(".json").write_text(json.dumps({"checkpoint": str(args.checkpoint), "clouds": int(len(labels)),
                                                             "votes": args.votes, "rules": report}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
