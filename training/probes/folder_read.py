"""How long a folder dataset takes to read (docs/training.md "Data"): N PLY files of 2,048 points
(ModelNet40 training clouds from ../shared, each point twice with 0.002 jitter) in five class
folders, read by datasets.load_folder in one process, in two, and back from the cache folder.

    cd training && PYTHONPATH=. OMP_NUM_THREADS=2 /usr/bin/python3 probes/folder_read.py --per-class 100
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from any2point.datasets import DEFAULT_MODELNET, load_folder


def write_ply(path: Path, pts: np.ndarray) -> None:
    head = f"ply\nformat binary_little_endian 1.0\nelement vertex {len(pts)}\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
    path.write_bytes(head.encode() + pts.astype("<f4").tobytes())


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--per-class", type=int, default=100)
    args = a.parse_args()
    names = (DEFAULT_MODELNET / "shape_names.txt").read_text().split()
    labels = np.fromfile(DEFAULT_MODELNET / "train_labels.u8", np.uint8)
    pts = np.memmap(DEFAULT_MODELNET / "train_points.f32", "<f4", "r").reshape(-1, 1024, 3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "train"
        for c in ("airplane", "chair", "lamp", "toilet", "table"):
            (root / c).mkdir(parents=True)
            for i, row in enumerate(np.flatnonzero(labels == names.index(c))[: args.per_class]):
                jitter = np.random.default_rng(i).normal(scale=0.002, size=(2048, 3))
                write_ply(root / c / f"{c}_{i}.ply", np.repeat(np.array(pts[row]), 2, axis=0) + jitter)
        times = {}
        sets = {}
        for label, kw in (("1 process", {"workers": 1}), ("2 processes", {"workers": 2}), ("read and kept", {"cache": Path(tmp) / "cache"}),
                          ("from the cache", {"cache": Path(tmp) / "cache"})):
            t = time.time()
            sets[label] = load_folder(root, 1024, **kw)
            times[label] = time.time() - t
        same = all(np.array_equal(s.points, sets["1 process"].points) for s in sets.values())
        print(f"{len(sets['1 process'])} files: " + ", ".join(f"{k} {v:.3f} s" for k, v in times.items()) + f"; the same clouds: {same}")


if __name__ == "__main__":
    main()
