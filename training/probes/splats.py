"""Probe: Gaussian-splat captures through the app's CLI (src/io/splats.ts and its readers; docs/io.md
"Gaussian splats"). Validation shapes become splat scenes as a phone capture gives them: every
point of the shape `--copies` times with a little jitter (opaque splats, random colours), a floor
patch under it (floor.py's probe: 15 % of the points), nearly transparent floaters around it (20 %
as many as the shape's splats, opacity 0.005 to 0.09), saved y down as 3D Gaussian Splatting's PLY
(COLMAP's camera axes), as SuperSplat's compressed PLY, and as SPZ (y up); and the shape alone as
3DGS PLY, z up. Prints, per case, how many the CLI gets right and how many wrong but shown as sure.

    cd training && PYTHONPATH=. /usr/bin/python3 probes/splats.py [--shapes 100] [--copies 4]
        [--app <another checkout>/bin/any2point.mjs]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from any2point import perturb
from any2point.dataset_splits import validation_rows
from any2point.datasets import load_modelnet40
from any2point.tools import loader_fixtures as lf


# Run as a script, this folder is on sys.path: the floor probe's patches and its CLI pass.
import floor as _floor_probe  # noqa: E402

WRITERS = {
    "3DGS PLY, shape alone, z up": ("ply", lf.gaussian_ply),
    "3DGS PLY, floor + floaters, y down": ("ply", lambda xyz, rgb, a: lf.gaussian_ply(xyz @ perturb.UP_ROTATIONS["-y"].T, rgb, a)),
    "compressed PLY, floor + floaters, y down": ("ply", lambda xyz, rgb, a: lf.compressed_ply(xyz @ perturb.UP_ROTATIONS["-y"].T, rgb, a)),
    "SPZ, floor + floaters, y up": ("spz", lambda xyz, rgb, a: lf.spz(xyz @ perturb.UP_ROTATIONS["+y"].T, rgb, a, 3)),
}


def scene(p: np.ndarray, copies: int, rng: np.random.Generator, alone: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, colours and opacities of one capture of shape `p` (z up)."""
    size = float((p.max(0) - p.min(0)).max())
    shape = (p[None] + rng.normal(0, 0.002 * size, (copies, len(p), 3))).reshape(-1, 3)
    n = len(shape)
    if alone:
        return shape, rng.uniform(0.2, 0.8, (n, 3)), rng.uniform(0.5, 0.99, n)
    with_floor = _floor_probe.floored(shape, 0.15, rng)[0].astype(np.float64)
    lo, hi = p.min(0), p.max(0)
    floaters = (lo + hi) / 2 + rng.uniform(-1, 1, (n // 5, 3)) * (hi - lo) * 1.5
    xyz = np.concatenate([with_floor, floaters])
    alpha = np.concatenate([rng.uniform(0.5, 0.99, len(with_floor)), rng.uniform(0.005, 0.09, len(floaters))])
    return xyz, rng.uniform(0.2, 0.8, (len(xyz), 3)), alpha


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", type=int, default=100)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--app", type=Path, default=None, help="another checkout's bin/any2point.mjs (before / after)")
    args = ap.parse_args()
    if args.app is not None:
        _floor_probe.CLI = args.app.resolve()
    train = load_modelnet40("train")
    rows = validation_rows(train)
    rows = rows[np.linspace(0, len(rows) - 1, args.shapes).astype(int)]
    truth = {f"{j:03d}": train.classes[train.labels[r]] for j, r in enumerate(rows)}
    with tempfile.TemporaryDirectory() as tmp:
        for case, (ext, write) in WRITERS.items():
            folder = Path(tmp) / case.split(",")[0].replace(" ", "-")
            folder.mkdir(exist_ok=True)
            for f in folder.iterdir():
                f.unlink()
            rng = np.random.default_rng(3)
            for j, r in enumerate(rows):
                xyz, rgb, alpha = scene(train.points[r].astype(np.float64), args.copies, rng, "alone" in case)
                (folder / f"{j:03d}.{ext}").write_bytes(write(xyz, rgb, alpha))
            right, sure_wrong = _floor_probe.cli_answers(folder, truth)
            print(f"{case}: {right} of {len(rows)} right, {sure_wrong} wrong but shown as sure", flush=True)


if __name__ == "__main__":
    main()
