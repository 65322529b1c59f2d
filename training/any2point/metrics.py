"""Accuracy figures for the report: overall, mean class, per class, confusion matrix."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from .batches import batches
from .datasets import CloudSet
from .index_cache import Indices


def scores(labels: np.ndarray, preds: np.ndarray, classes: Sequence[str]) -> dict:
    n = len(classes)
    conf = np.zeros((n, n), np.int64)  # rows: true class, columns: predicted
    np.add.at(conf, (labels, preds), 1)
    support = conf.sum(1)
    per_class = np.where(support > 0, np.diag(conf) / np.maximum(support, 1), np.nan)
    return {
        "overallAccuracy": float((labels == preds).mean()) if len(labels) else float("nan"),
        "meanClassAccuracy": float(np.nanmean(per_class)) if (support > 0).any() else float("nan"),
        "perClassAccuracy": {c: (None if np.isnan(a) else float(a)) for c, a in zip(classes, per_class)},
        "confusion": conf.tolist(),
        "count": int(len(labels)),
    }


@torch.no_grad()
def predict(model: torch.nn.Module, cloud_set: CloudSet, idx: Indices, rows: np.ndarray, batch_size: int,
            votes: int = 1) -> np.ndarray:
    """Top-1 predictions for `rows` of `cloud_set` (model in eval mode, no augmentation). With
    `votes` > 1, the mean softmax over FPS starts 0 .. votes-1 (`idx` must hold them)."""
    if votes > 1 and idx.starts < votes:
        raise ValueError(f"{votes} votes need indices of {votes} FPS starts; these have {idx.starts or 1}")
    was = model.training
    model.eval()
    device = next(model.parameters()).device
    total = None
    for v in range(votes):
        out = [torch.softmax(model(*(t.to(device) for t in b.inputs()))[0].float(), -1).cpu().numpy()
               for b in batches(cloud_set, idx, rows, model.spec, batch_size, start=v)]
        p = np.concatenate(out) if out else np.zeros((0, 1), np.float32)
        total = p if total is None else total + p
    model.train(was)
    return total.argmax(-1).astype(np.int64) if len(rows) else np.zeros(0, np.int64)
