"""Makes the `any2point` package importable from training/, fixes torch's thread count, and
provides a small real folder dataset."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))

from any2point.datasets import DEFAULT_MODELNET  # noqa: E402  (needs the path above)

CLASSES = ["airplane", "chair", "lamp", "toilet"]
PER_CLASS_TRAIN, PER_CLASS_TEST = 18, 2  # 10 % validation leaves 16 x 4 = 64 training clouds


def write_ply(path: Path, pts: np.ndarray) -> None:
    head = f"ply\nformat binary_little_endian 1.0\nelement vertex {len(pts)}\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
    path.write_bytes(head.encode() + pts.astype("<f4").tobytes())


@pytest.fixture(scope="session")
def folder(tmp_path_factory) -> Path:
    """A folder dataset (train/ and test/ of class sub-folders of PLY files) of real ModelNet40 clouds."""
    root = tmp_path_factory.mktemp("folder")
    names = (DEFAULT_MODELNET / "shape_names.txt").read_text().split()
    for split, per in (("train", PER_CLASS_TRAIN), ("test", PER_CLASS_TEST)):
        labels = np.fromfile(DEFAULT_MODELNET / f"{split}_labels.u8", np.uint8)
        pts = np.memmap(DEFAULT_MODELNET / f"{split}_points.f32", "<f4", "r").reshape(-1, 1024, 3)
        for c in CLASSES:
            (root / split / c).mkdir(parents=True)
            for i, row in enumerate(np.flatnonzero(labels == names.index(c))[:per]):
                write_ply(root / split / c / f"{c}_{i}.ply", np.array(pts[row]))
    return root


