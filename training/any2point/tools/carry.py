"""What a bare GPU machine needs to train, small enough to carry there (the device tool sends at
most 64 MiB): the ModelNet40 training split, normalised, at 11 bits a coordinate (41.6 MB; the
largest error is 2^-11 of the unit sphere's radius, below float16's), and the frozen backbone
module (USE-Lite: 18.7 MB), so that neither ../shared nor node_modules has to travel.

    PYTHONPATH=training /usr/bin/python3 -m any2point.tools.carry [--out .gpu] [--backbone use-lite]

any2point.tools.sweep reads the folder back (docs/training.md, "Training on a lent GPU machine").
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

BITS = 11
LEVELS = (1 << BITS) - 1
POINTS = "train_points.q11"


def quantise(points: np.ndarray) -> bytes:
    """Coordinates in [-1, 1] -> BITS-bit codes, packed into bytes."""
    if points.size and (not np.isfinite(points).all() or np.abs(points).max() > 1.0 + 1e-6):
        raise ValueError("carry: points must be finite and normalised into [-1, 1]")
    q = np.clip(np.round((points.astype(np.float64).reshape(-1) + 1.0) / 2.0 * LEVELS), 0, LEVELS).astype(np.uint16)
    bits = (q[:, None] >> np.arange(BITS, dtype=np.uint16)) & 1
    return np.packbits(bits.astype(np.uint8).reshape(-1)).tobytes()


def dequantise(blob: bytes, count: int) -> np.ndarray:
    """The first `count` coordinates of a quantise() blob, as float32."""
    bits = np.unpackbits(np.frombuffer(blob, np.uint8))
    if bits.size < count * BITS:
        raise ValueError(f"carry: {POINTS} holds {bits.size // BITS} coordinates, expected {count}")
    q = (bits[: count * BITS].reshape(count, BITS).astype(np.uint32) << np.arange(BITS, dtype=np.uint32)).sum(1)
    return q.astype(np.float32) / np.float32(LEVELS) * np.float32(2.0) - np.float32(1.0)


def write(out: Path, backbone: str = "use-lite") -> None:
    import torch

    from ..backbones.registry import load_backbone
    from ..datasets import load_modelnet40

    out.mkdir(parents=True, exist_ok=True)
    train = load_modelnet40("train")
    (out / POINTS).write_bytes(quantise(train.points))
    train.labels.astype(np.uint8).tofile(out / "train_labels.u8")
    (out / "train_ids.txt").write_text("\n".join(train.ids) + "\n")
    (out / "shape_names.txt").write_text("\n".join(train.classes) + "\n")
    torch.save(load_backbone(backbone), out / f"{backbone}.pt")  # load_backbone(name, root=<this file>) reads it back
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"wrote {out}: {len(train)} training clouds and the frozen {backbone}, {size / 2**20:.1f} MiB")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.tools.carry", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=".gpu")
    ap.add_argument("--backbone", default="use-lite")
    a = ap.parse_args(argv)
    write(Path(a.out), a.backbone)


if __name__ == "__main__":
    main(sys.argv[1:])
