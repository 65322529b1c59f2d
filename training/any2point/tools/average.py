"""Average the trained weights of several checkpoints (stochastic weight averaging within a run;
a "model soup" of runs fine-tuned from one checkpoint).

    PYTHONPATH=training /usr/bin/python3 -m any2point.tools.average run/ep44.pt run/ep45.pt ... --out run/swa.pt

Checkpoints taken late in a cosine schedule sit around the same minimum; their mean often
generalises better than any one of them. The model has LayerNorm only (no running statistics), so
the averaged weights need no recalibration pass. The result is an ordinary checkpoint (no
optimiser state: it is for evaluating and exporting, not resuming); its progress is the newest
input's, with the averaged epochs recorded under "averaged". Evaluate it on the validation part
like any other checkpoint and keep it only if validation says so.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path
from typing import Optional, Sequence

import torch

from ..config import RENAMED_KEYS, ModelConfig


def average(paths: Sequence[Path]) -> dict:
    """One checkpoint blob whose trained tensors are the mean of the inputs'."""
    if len(paths) < 2:
        raise ValueError("averaging needs at least two checkpoints")
    blobs = [torch.load(p, map_location="cpu") for p in paths]
    first = blobs[0]
    for p, b in zip(paths[1:], blobs[1:]):
        if _arch(b["config"]) != _arch(first["config"]):
            raise ValueError(f"{p} was trained with a different model config than {paths[0]}")
        if b["classes"] != first["classes"]:
            raise ValueError(f"{p} has different classes than {paths[0]}")
        if set(b["model"]) != set(first["model"]):
            raise ValueError(f"{p} holds different tensors than {paths[0]}")
    state = {}
    for k, v in first["model"].items():
        if v.is_floating_point():
            state[k] = torch.stack([b["model"][k].double() for b in blobs]).mean(0).to(v.dtype)
        else:
            state[k] = v.clone()
    newest = max(blobs, key=lambda b: b["progress"].get("global_step", 0))
    progress = dict(newest["progress"])
    progress["averaged"] = [b["progress"].get("epoch") for b in blobs]
    return {"config": newest["config"], "classes": first["classes"], "model": state, "optimizer": None,
            "progress": progress, "rng": newest["rng"]}


def _arch(cfg: dict) -> dict:
    """The parts of a config that decide the model and what it is given: the model settings
    (ModelConfig's fields), the backbone, the data set (its classes) and the heading handling.
    The training recipe (learning rate, seed, augmentation and damage, run length, paths) may
    differ: runs fine-tuned from one checkpoint with different recipes sit in one basin too (a
    "model soup"), and their mean is as much a model of this architecture as one run's epochs."""
    cfg = {RENAMED_KEYS.get(k, k): v for k, v in cfg.items()}
    keys = {f.name for f in fields(ModelConfig)} | {"backbone", "dataset", "heading"}
    return {k: cfg.get(k) for k in sorted(keys)}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.average", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    try:
        blob = average(a.checkpoints)
    except (ValueError, FileNotFoundError, KeyError) as e:
        print(f"any2point.tools.average: {e}", file=sys.stderr)
        return 1
    torch.save(blob, a.out)
    print(f"{a.out}: mean of {len(blob['progress']['averaged'])} checkpoints (epochs {blob['progress']['averaged']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
