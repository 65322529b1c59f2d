"""A probe, validation only: does a nearest-neighbour memory of training features beat the head?

    PYTHONPATH=training python3 -m any2point.feature_knn training/checkpoints/use-lite-modelnet40/best.pt --votes 4

The memory is the training part (validation excluded), point order 0: per cloud, the head's input
(class token + max-pooled tokens, "input") and its hidden layer after the GELU ("hidden"). A
validation cloud's neighbour score is the sum of exp((cos - 1) / tau) over its k most similar
memory clouds, per class, normalised to 1. The command prints validation clouds right for the
model alone, the memory alone and their blend, softmax + lam * score, averaged over `votes` point
orders, for every setting of GRID; then the head's last layer refitted on the memory's hidden
features (multinomial logistic regression, L2 weight in REFIT_L2), scored the same way. No test
cloud is classified (docs/training.md, "Tried and not kept: a memory of training features").
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

import numpy as np
import torch

from . import checkpoint as ckpt
from . import data as D
from . import metrics

GRID = {"feature": ("input", "hidden"), "k": (5, 10, 20, 40), "tau": (0.05, 0.1), "lam": (0.25, 0.5, 1.0, 2.0)}
REFIT_L2 = (1e-4, 1e-3, 1e-2)


@torch.no_grad()
def features(model, cloud_set: "D.CloudSet", idx: "D.Indices", rows: np.ndarray, variant: int,
             batch_size: int = 64) -> dict[str, np.ndarray]:
    """Logits and the head's input / hidden features of `rows` in point order `variant`."""
    seen: dict[str, torch.Tensor] = {}
    hooks = [model.head[0].register_forward_hook(lambda m, i, o: seen.__setitem__("input", i[0])),
             model.head[1].register_forward_hook(lambda m, i, o: seen.__setitem__("hidden", o))]
    out: dict[str, list] = {"logits": [], "input": [], "hidden": []}
    try:
        model.eval()
        for b in D.batches(cloud_set, idx, rows, model.spec, batch_size, variant=variant):
            out["logits"].append(model(*b.inputs())[0].float().numpy())
            for name in ("input", "hidden"):
                out[name].append(seen[name].float().numpy())
    finally:
        for h in hooks:
            h.remove()
    return {k: np.concatenate(v) for k, v in out.items()}


def neighbour_scores(query: np.ndarray, memory: np.ndarray, memory_labels: np.ndarray, classes: int,
                     k: int, tau: float) -> np.ndarray:
    """[Q, classes]: per class, the sum of exp((cos - 1) / tau) over the k most similar memory rows, normalised."""
    if not 1 <= k <= len(memory):
        raise ValueError(f"k = {k} must lie in 1 .. {len(memory)} (the memory's size)")
    q = query / np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-12)
    m = memory / np.maximum(np.linalg.norm(memory, axis=1, keepdims=True), 1e-12)
    cos = q @ m.T
    top = np.argpartition(-cos, k - 1, axis=1)[:, :k]
    weight = np.exp((np.take_along_axis(cos, top, 1) - 1.0) / tau)
    scores = np.zeros((len(q), classes))
    np.add.at(scores, (np.repeat(np.arange(len(q)), k), memory_labels[top].ravel()), weight.ravel())
    return scores / scores.sum(1, keepdims=True)


def refit_last_layer(hidden: np.ndarray, labels: np.ndarray, classes: int, l2: float) -> torch.nn.Linear:
    """A new last layer: cross-entropy (no label smoothing, no dropout) + l2 * |W|^2 by L-BFGS."""
    torch.manual_seed(0)
    x, y = torch.from_numpy(hidden).float(), torch.from_numpy(labels).long()
    layer = torch.nn.Linear(x.shape[1], classes)
    opt = torch.optim.LBFGS(layer.parameters(), max_iter=500, history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(layer(x), y) + l2 * (layer.weight ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return layer


def mean_class(class_scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean over the classes present in `labels` of the share of their clouds ranked first."""
    return metrics.scores(labels, class_scores.argmax(1), range(class_scores.shape[1]))["meanClassAccuracy"]


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def probe(path: Path, votes: int = 4, batch_size: int = 64, log=print) -> list[dict]:
    model, cfg, blob = ckpt.load_model(path)
    if blob.get("members"):
        raise ValueError(f"{path} is an ensemble (any2point.ensemble); the probe reads one model's head")
    s = D.load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=None,
                      fps_variants=votes)
    classes = len(blob["classes"])
    memory = features(model, s.train, s.train_idx, s.train_rows, 0, batch_size)
    memory_labels, labels = s.train.labels[s.train_rows], s.train.labels[s.val_rows]
    val = [features(model, s.train, s.train_idx, s.val_rows, v, batch_size) for v in range(votes)]
    probs = [softmax(f["logits"]) for f in val]
    right = lambda p: int((p.argmax(1) == labels).sum())  # noqa: E731
    log(f"{path} ({votes} votes): model alone {right(sum(probs))} of {len(labels)} validation clouds, "
        f"mean class accuracy {mean_class(sum(probs), labels):.4f}")
    table = []
    for feature, k, tau in itertools.product(GRID["feature"], GRID["k"], GRID["tau"]):
        nb = [neighbour_scores(f[feature], memory[feature], memory_labels, classes, k, tau) for f in val]
        row = {"feature": feature, "k": k, "tau": tau, "memory": right(sum(nb)), "memory mean class": round(mean_class(sum(nb), labels), 4)}
        row.update({f"lam={lam}": right(sum(p + lam * n for p, n in zip(probs, nb))) for lam in GRID["lam"]})
        log("  ".join(f"{key} {value}" for key, value in row.items()))
        table.append(row)
    for l2 in REFIT_L2:
        layer = refit_last_layer(memory["hidden"], memory_labels, classes, l2)
        with torch.no_grad():
            refit = right(sum(softmax(layer(torch.from_numpy(f["hidden"])).numpy()) for f in val))
        log(f"last layer refitted, l2 {l2}: {refit}")
        table.append({"refit_l2": l2, "right": refit})
    return table


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.feature_knn", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--votes", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=64)
    a = ap.parse_args(argv)
    if a.votes < 1:
        ap.error(f"--votes must be at least 1, got {a.votes}")
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    if not a.checkpoint.is_file():
        ap.error(f"{a.checkpoint}: no such checkpoint file")
    try:
        probe(a.checkpoint, a.votes, a.batch_size)
    except ValueError as e:
        raise SystemExit(f"feature_knn: {e}")


if __name__ == "__main__":
    main(sys.argv[1:])
