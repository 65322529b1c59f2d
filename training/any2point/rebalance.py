"""Correct a trained model for the class frequencies of its training data (post-hoc logit adjustment).

    PYTHONPATH=training python3 -m any2point.rebalance run/best.pt --out run/balanced.pt

A classifier trained with cross-entropy learns p(class | shape) under the training split's class
mix. ModelNet40's is far from even (889 chairs, 64 bowls), and neither the test split nor the
shapes a user drops follow it. Subtracting tau * log(prior) from the logits, with prior the
training part's class frequencies, moves the decision towards equal priors (tau = 1 is the full
correction, 0 none). tau is picked on the validation part alone: the value of TAUS with the
highest validation mean class accuracy (the figure that does not depend on the class mix; ties go
to the smaller tau). The correction is folded into the bias of the head's last layer, so the
result is an ordinary checkpoint that evaluates, exports and runs in the browser unchanged;
`progress["prior_correction"]` records tau, the prior and the validation figures of every tau.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import torch

from . import checkpoint as ckpt
from . import data as D

TAUS = (0.0, 0.25, 0.5, 0.75, 1.0)


@torch.no_grad()
def validation_logits(model, splits: "D.Splits", batch_size: int = 64) -> np.ndarray:
    model.eval()
    out = [model(*b.inputs())[0].float().numpy()
           for b in D.batches(splits.train, splits.train_idx, splits.val_rows, model.spec, batch_size)]
    return np.concatenate(out)


def training_prior(labels: np.ndarray, classes: int) -> np.ndarray:
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    if (counts == 0).any():
        raise ValueError(f"classes {np.flatnonzero(counts == 0).tolist()} have no training shapes: no prior to correct for")
    return counts / counts.sum()


def accuracies(logits: np.ndarray, labels: np.ndarray, classes: int) -> tuple[float, float]:
    """(overall, mean class) accuracy; classes absent from `labels` are left out of the mean."""
    pred = logits.argmax(1)
    per = [(pred[labels == c] == c).mean() for c in range(classes) if (labels == c).any()]
    return float((pred == labels).mean()), float(np.mean(per))


def choose_tau(logits: np.ndarray, labels: np.ndarray, prior: np.ndarray, taus=TAUS) -> tuple[float, list[dict]]:
    table = []
    for tau in taus:
        oa, mca = accuracies(logits - tau * np.log(prior), labels, len(prior))
        table.append({"tau": tau, "valOverallAccuracy": oa, "valMeanClassAccuracy": mca})
    best = max(table, key=lambda r: (r["valMeanClassAccuracy"], -r["tau"]))
    return best["tau"], table


def head_bias_key(state: dict) -> str:
    keys = sorted(k for k in state if k.startswith("head.") and k.endswith(".bias"))
    if not keys:
        raise ValueError("checkpoint has no head bias")
    return max(keys, key=lambda k: int(k.split(".")[1]))  # the last layer of the head


def rebalance(path: Path, taus=TAUS, log=print) -> dict:
    """The checkpoint at `path` with the prior correction chosen on validation folded in."""
    model, cfg, blob = ckpt.load_model(path)
    if "prior_correction" in blob["progress"]:
        raise ValueError(f"{path} is already prior-corrected (tau {blob['progress']['prior_correction']['tau']})")
    splits = D.load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=None)
    classes = len(splits.train.classes)
    prior = training_prior(splits.train.labels[splits.train_rows], classes)
    logits = validation_logits(model, splits)
    tau, table = choose_tau(logits, splits.train.labels[splits.val_rows], prior, taus)
    for r in table:
        log(f"tau {r['tau']:.2f}: val OA {r['valOverallAccuracy']:.4f}, val mean class {r['valMeanClassAccuracy']:.4f}")
    log(f"chosen tau {tau} (highest validation mean class accuracy)")
    state = dict(blob["model"])
    key = head_bias_key(state)
    state[key] = (state[key].double() - tau * torch.from_numpy(np.log(prior))).to(state[key].dtype)
    progress = dict(blob["progress"])
    progress["prior_correction"] = {"tau": tau, "prior": prior.tolist(), "source": str(path), "validation": table}
    return {**blob, "model": state, "optimizer": None, "progress": progress}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    try:
        blob = rebalance(a.checkpoint)
    except (ValueError, FileNotFoundError, KeyError) as e:
        print(f"rebalance: {e}", file=sys.stderr)
        return 1
    torch.save(blob, a.out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
