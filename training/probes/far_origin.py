"""Probe: does a shape keep its answer when its file puts it at map coordinates? (docs/io.md,
"Far from zero")

Writes `--shapes` seeded validation clouds (the held-out rows of ModelNet40's training split),
scaled to 1 unit across and written as XYZ text to the millimetre, twice: near zero, and moved to
(512345.678, 5401234.321, 250.5), where a survey's easting, northing and height would put a 1 m
object. Classifies both folders with the app's own
CLI (the default model, Auto up, onnxruntime wasm) and prints how many are right in each, and in
how many files the two answers differ.

    cd training && PYTHONPATH=. /usr/bin/python3 probes/far_origin.py [--shapes 40] [--seed 0]

`--shapes 100` (2026-12-06, 26 s): near 90 of 100 right, map 90 of 100, no answer differs; with
src/io as it was before origin.ts (`git checkout d42c671 -- src/io`): near 90, map 6 of 100, 92
answers differ.
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from any2point.dataset_splits import validation_rows
from any2point.datasets import load_modelnet40

REPO = Path(__file__).resolve().parents[2]
MAP = (512345.678, 5401234.321, 250.5)


def classify(folder: Path) -> dict[str, str]:
    out = folder.with_suffix(".csv")
    subprocess.run(["node", str(REPO / "bin" / "any2point.mjs"), "classify", str(folder), "--device", "cpu", "--csv", str(out)],
                   check=True, stderr=subprocess.DEVNULL)
    return {Path(r["file"]).stem: r["top1"] for r in csv.DictReader(out.open())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    clouds = load_modelnet40("train")
    val = validation_rows(clouds)
    rows = np.random.default_rng(args.seed).choice(val, args.shapes, replace=False)
    with tempfile.TemporaryDirectory() as tmp:
        answers = {}
        for tag, origin in (("near", (0.0, 0.0, 0.0)), ("map", MAP)):
            folder = Path(tmp) / tag
            folder.mkdir()
            for j, i in enumerate(rows):
                p = clouds.points[i].astype(np.float64)
                p = p / np.abs(p).max() * 0.5 + np.array(origin)
                np.savetxt(folder / f"{j:03d}.xyz", p, fmt="%.3f")
            answers[tag] = classify(folder)
    truth = {f"{j:03d}": clouds.classes[clouds.labels[i]] for j, i in enumerate(rows)}
    for tag, got in answers.items():
        print(f"{tag}: {sum(got[k] == truth[k] for k in truth)} of {len(truth)} right")
    print(f"answers that differ between the two: {sum(answers['near'][k] != answers['map'][k] for k in truth)}")


if __name__ == "__main__":
    main()
