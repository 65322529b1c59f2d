"""Evaluate a checkpoint on the validation part and the test split; writes report.json.

    PYTHONPATH=training /usr/bin/python3 -m any2point.evaluate /work/runs/<run>/best.pt [--out report.json] [--predictions p.json]
    PYTHONPATH=training /usr/bin/python3 -m any2point.evaluate --model-dir public/models/<id> --predictions p.json
    PYTHONPATH=training /usr/bin/python3 -m any2point.evaluate --val-only /work/runs/*/best.pt   (no test)
    ... --votes 4: every cloud classified as the mean softmax of 4 FPS starts (point orders)

The report holds validation and test overall accuracy, mean class accuracy, per-class accuracy,
the test confusion matrix (rows: true class), trainable / total parameters, epochs trained,
training wall time and the machine it ran on. --predictions also writes every test cloud's top-1
(ids, labels, predictions; class indices); with --model-dir (an exported model, rebuilt by
any2point.exported) it writes only those (scripts/bench-accuracy.ts compares the browser's).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoint as ckpt
from .dataset_splits import Splits, load_splits
from .metrics import predict, scores
from .model import count_parameters
from .pose import require_as_given


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo ("" where it cannot be read)."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    return {"platform": platform.platform(), "cpu": cpu_name() or platform.processor(), "cpuCount": os.cpu_count(),
            "torchThreads": torch.get_num_threads(), "torch": torch.__version__,
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}


def _splits(model, cfg, votes: int) -> Splits:
    require_as_given(cfg.heading, "evaluate")
    return load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=None,
                       fps_starts=votes, test_starts=votes)


def evaluate(path: Path, batch_size: int = 64, log=print, votes: int = 1) -> dict:
    t0 = time.time()
    model, cfg, blob = ckpt.load_model(path)
    s = _splits(model, cfg, votes)
    val_pred = predict(model, s.train, s.train_idx, s.val_rows, batch_size, votes)
    test_rows = np.arange(len(s.test))
    test_pred = predict(model, s.test, s.test_idx, test_rows, batch_size, votes)
    val = scores(s.train.labels[s.val_rows], val_pred, s.train.classes)
    val.pop("confusion")
    test = scores(s.test.labels, test_pred, s.test.classes)
    trainable, total = count_parameters(model)
    progress = blob["progress"]
    report = {
        "checkpoint": str(path),
        "backbone": cfg.backbone,
        "dataset": cfg.dataset,
        "votes": votes,
        "classes": s.train.classes,
        "val": val,
        "test": test,
        "parameters": {"trainable": trainable, "total": total},
        "epochs": progress.get("epoch"),
        "bestEpoch": progress.get("best_epoch"),
        "history": progress.get("history", []),
        "trainSeconds": round(progress.get("train_seconds", 0.0), 1),
        "evalSeconds": round(time.time() - t0, 1),
        "machine": machine(),
        "config": cfg.to_dict(),
    }
    log(f"{path}{f' ({votes} votes)' if votes > 1 else ''}: val OA {val['overallAccuracy']:.4f}, test OA {test['overallAccuracy']:.4f}, "
        f"test mean class acc {test['meanClassAccuracy']:.4f}, trainable {trainable:,} / total {total:,}")
    return report


def validation_only(path: Path, batch_size: int = 64, votes: int = 1) -> tuple[int, int]:
    """(correct, total) on the validation part; the test split is not evaluated. Used to apply a
    replacement rule before test is looked at (docs/training.md)."""
    model, cfg, _ = ckpt.load_model(path)
    require_as_given(cfg.heading, "evaluate")
    s = load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=None, fps_starts=votes)
    pred = predict(model, s.train, s.train_idx, s.val_rows, batch_size, votes)
    return int((pred == s.train.labels[s.val_rows]).sum()), len(s.val_rows)


def test_predictions(model, cfg, batch_size: int = 64, votes: int = 1) -> dict:
    """Top-1 of every test cloud, in split order."""
    s = _splits(model, cfg, votes)
    pred = predict(model, s.test, s.test_idx, np.arange(len(s.test)), batch_size, votes)
    return {"classes": s.test.classes, "ids": list(s.test.ids), "labels": s.test.labels.tolist(),
            "predictions": pred.tolist(), "overallAccuracy": float((pred == s.test.labels).mean())}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.evaluate")
    ap.add_argument("checkpoint", type=Path, nargs="?")
    ap.add_argument("--out", type=Path, help="default: report.json beside the checkpoint")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--predictions", type=Path, help="also write every test cloud's top-1 here (JSON)")
    ap.add_argument("--model-dir", type=Path, help="an exported model (public/models/<id>) instead of a checkpoint; needs --predictions")
    ap.add_argument("--val-only", type=Path, nargs="+", metavar="CHECKPOINT",
                    help="print only the validation OA of each checkpoint (test is not evaluated)")
    ap.add_argument("--votes", type=int, default=1,
                    help="mean softmax over this many FPS starts (point orders) of every cloud; default 1")
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    if a.votes < 1:
        ap.error(f"--votes must be at least 1, got {a.votes}")
    if a.val_only:
        for path in a.val_only:
            right, total = validation_only(path, a.batch_size, a.votes)
            print(f"{path}: val OA {right / total:.4f} ({right}/{total})", flush=True)
        return
    if a.model_dir:
        if a.checkpoint or not a.predictions:
            ap.error("--model-dir takes no checkpoint and needs --predictions")
        from .exported import load_exported

        model, cfg, manifest = load_exported(a.model_dir)
        preds = {"model": manifest["id"], "votes": a.votes, **test_predictions(model, cfg, a.batch_size, a.votes)}
        a.predictions.parent.mkdir(parents=True, exist_ok=True)
        a.predictions.write_text(json.dumps(preds) + "\n")
        print(f"{manifest['id']}: test OA {preds['overallAccuracy']:.4f}; wrote {a.predictions}")
        return
    if not a.checkpoint:
        ap.error("give a checkpoint (or --model-dir with --predictions)")
    report = evaluate(a.checkpoint, a.batch_size, votes=a.votes)
    if a.predictions:
        model, cfg, _ = ckpt.load_model(a.checkpoint)
        a.predictions.write_text(json.dumps({"votes": a.votes, **test_predictions(model, cfg, a.batch_size, a.votes)}) + "\n")
        print(f"wrote {a.predictions}")
    out = a.out or a.checkpoint.with_name("report.json")
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
