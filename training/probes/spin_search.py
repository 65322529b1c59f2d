"""Probe L: spin every candidate about its own up before the app's up search reads it.

ModelNet's clouds, and most CAD files, sit axis-aligned. Turned to the wrong candidate up, such a
shape lies flat on one of its faces, a pose its own class can have upright (a shelf, a box), and
the picker takes it for upright more often than it does for a shape in a random heading (test:
true up found for 94.2 % of the clean clouds, 98.0 % of the randomly headed ones;
robustness-test-auto-h.json). The network has been trained on every heading, so a spin about
the candidate's up should cost the right candidate nothing. This probe spins each candidate by
a fixed angle (after its up turn, before the network) and runs the app's rule as
tools/robustness does, on validation only.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/spin_search.py --degrees 30 --variants clean,up+y
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from any2point import perturb, pose
from any2point.tools import robustness as R


def spun(turn_all, degrees: float):
    """pose.up_candidates, each candidate then turned by `degrees` about its (new) up, z."""
    r = perturb.rotation_z(math.radians(degrees)).astype(np.float64)

    def candidates(points: np.ndarray, ups=pose.UP_CANDIDATES) -> np.ndarray:
        c = turn_all(points, ups)
        return np.einsum("...j,ij->...i", c.astype(np.float64), r).astype(np.float32)
    return candidates


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--degrees", type=float, required=True)
    ap.add_argument("--variants", default="clean,up+y,heading")
    ap.add_argument("--checkpoint", default="checkpoints/use-lite-modelnet40/best.pt")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    pose.up_candidates = spun(pose.up_candidates, a.degrees)
    return R.main([a.checkpoint, "--split", "val", "--up-search", "app", "--variants", a.variants, "--out", str(a.out)])


if __name__ == "__main__":
    sys.exit(main())
