"""Several trained Any2Point models over ONE frozen backbone, run as one network.

    PYTHONPATH=training python3 -m any2point.ensemble runA/best.pt runB/best.pt --out ens.pt

Members must share the backbone, the geometry (so one set of FPS / k-NN / projection inputs
serves all) and the classes; each keeps its own tokenizer, adapters and head. The ensemble's
`logits` are log(mean of the members' softmax) and its `attention` the members' mean, so the
app, the votes and the export treat it exactly like a single model: same ONNX inputs and outputs,
the frozen weights once in the graph, the trained ones of every member inside model.onnx.

The output file is an ordinary checkpoint whose blob has "members" (their count) and the trained
tensors of member i under "members.<i>."; `checkpoint.load_model` rebuilds it, so evaluate,
export and latency take it as they take any checkpoint. It holds no optimiser: it is for
evaluating and exporting, not for training.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Sequence

import torch
from torch import nn

from .checkpoint import combine_main
from .model import Any2Point


class Ensemble(nn.Module):
    def __init__(self, members: Sequence[Any2Point]):
        super().__init__()
        if len(members) < 2:
            raise ValueError(f"an ensemble needs at least two members, got {len(members)}")
        first = members[0]
        for i, m in enumerate(members[1:], 1):
            if m.backbone.name != first.backbone.name:
                raise ValueError(f"ensemble member {i} has backbone {m.backbone.name}, member 0 {first.backbone.name}")
            if m.spec != first.spec:
                raise ValueError(f"ensemble member {i} has other geometry (stages, projection) than member 0")
            if m.head[-1].out_features != first.head[-1].out_features:
                raise ValueError(f"ensemble member {i} has {m.head[-1].out_features} classes, member 0 {first.head[-1].out_features}")
        # Registered first, so the shared frozen tensors are named "backbone.*" once, in the
        # ONNX graph as in a single model (frozen_split moves them out by that prefix).
        self.backbone = first.backbone
        for m in members:
            m.backbone = first.backbone
        self.members = nn.ModuleList(members)
        self.spec = first.spec
        self.cfg = first.cfg

    def train(self, mode: bool = True) -> "Ensemble":
        super().train(mode)
        self.backbone.eval()
        return self

    def input_names(self) -> list[str]:
        return self.members[0].input_names()

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outs = [m(*inputs) for m in self.members]
        log_probs = torch.stack([torch.log_softmax(logits, -1) for logits, _ in outs])
        logits = torch.logsumexp(log_probs, 0) - math.log(len(outs))  # log of the mean softmax
        attention = torch.stack([a for _, a in outs]).mean(0)
        return logits, attention


def combine(paths: Sequence[Path]) -> dict:
    """One checkpoint blob holding the trained tensors of every member."""
    if len(paths) < 2:
        raise ValueError("an ensemble needs at least two checkpoints")
    blobs = [torch.load(p, map_location="cpu") for p in paths]
    first = blobs[0]
    for p, b in zip(paths[1:], blobs[1:]):
        if b.get("members"):
            raise ValueError(f"{p} is itself an ensemble; give the members' checkpoints")
        if b["classes"] != first["classes"]:
            raise ValueError(f"{p} has different classes than {paths[0]}")
        for key in ("backbone", "stages", "cell", "voxels", "dataset"):
            if b["config"].get(key) != first["config"].get(key):
                raise ValueError(f"{p} differs from {paths[0]} in {key}: the members must share backbone, geometry and data")
    if first.get("members"):
        raise ValueError(f"{paths[0]} is itself an ensemble; give the members' checkpoints")
    state = {f"members.{i}.{k}": v for i, b in enumerate(blobs) for k, v in b["model"].items()}
    return {"config": first["config"], "memberConfigs": [b["config"] for b in blobs], "classes": first["classes"],
            "members": len(blobs), "model": state, "optimizer": None,
            "progress": {"members": [{"checkpoint": str(p), **b["progress"]} for p, b in zip(paths, blobs)],
                         "epoch": first["progress"].get("epoch"), "best_epoch": first["progress"].get("best_epoch"),
                         "train_seconds": sum(b["progress"].get("train_seconds", 0.0) for b in blobs)},
            "rng": first["rng"]}


def main(argv=None) -> int:
    return combine_main("any2point.ensemble", argv, __doc__, combine,
                        lambda b: f"ensemble of {b['members']} checkpoints ({', '.join(m['checkpoint'] for m in b['progress']['members'])})")


if __name__ == "__main__":
    sys.exit(main())
