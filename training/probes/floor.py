"""Probe: the floor a scan was standing on, found and left out by the loaders (any2point/floor.py,
src/io/floor.ts; docs/io.md "A floor under the shape").

Phone and depth-camera scans keep a patch of the floor around the object, and the model read it as
part of the shape. This probe measures the rule on the 985 validation clouds as the loaders see
them (strays left out first): how often it fires on every benchmark row (it should not: each
firing changes what the model sees), how much of an added floor it finds (floor points left out,
and object points left out with them: a shape's own bottom touching the floor goes with it) for
floors of several kinds, and (`--cli N`) what the app's CLI answers for N of them with a floor.

    cd training && PYTHONPATH=. /usr/bin/python3 probes/floor.py [--limit 985] [--cli 100]
        [--app <another checkout>/bin/any2point.mjs] [--only "y down"]

Session 56, before the rule: 100 validation clouds through the CLI, 86 right without a floor, 60
with 15 % of the points on a floor patch 1.5 x their footprint, 43 with 30 % (wrong but shown as
sure 6, 10, 15); a slab-at-the-extreme rule (no plane fit, any of the six sides) fired on 26-77
clean clouds. Session 57's rule and its figures: docs/io.md.
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from any2point import floor, perturb, strays
from any2point.dataset_splits import validation_rows
from any2point.datasets import load_modelnet40

VARIANTS = ("clean", "up+y", "heading", "cut", "view", "points256", "points512", "jitter1", "jitter2",
            "outliers5", "scale", "strays3", "up-y", "up+x", "up-x", "up-z")
CLI = Path(__file__).resolve().parents[2] / "bin" / "any2point.mjs"
KINDS = {  # floor kinds: patch size x the footprint, noise x the shape's size, tilt in degrees,
    # seen from one side (the floor behind the shape, +y of it, hidden), saved y up or y down
    "1.5x": dict(size=1.5), "2.5x": dict(size=2.5), "1.2x": dict(size=1.2),
    "noisy 1 %": dict(noise=0.01), "tilted 3 deg": dict(tilt=3.0), "one side 2x": dict(size=2.0, one_side=True),
    "room 5x": dict(size=5.0), "y up": dict(up="+y"), "y down": dict(up="-y"),
}


def floored(p: np.ndarray, share: float, rng: np.random.Generator, size: float = 1.5, noise: float = 0.003,
            tilt: float = 0.0, up: str = "z", one_side: bool = False) -> tuple[np.ndarray, int]:
    """The cloud (z up) with a square floor patch `size` x its footprint under it, at its lowest
    point, holding `share` of the points (appended last): Gaussian height noise `noise` x its
    largest side, tilted by `tilt` degrees about y; with `one_side`, the part of the patch behind
    the shape (beyond its largest y) left out, as a camera in front of it sees it; turned to `up`
    ("+y", "-y") after."""
    n = int(round(share * len(p) / (1 - share)))
    lo, hi = p.min(0), p.max(0)
    centre, half = (lo + hi) / 2, size / 2 * float((hi - lo)[:2].max())
    x, y = rng.uniform(-half, half, n), rng.uniform(-half, half, n)
    if one_side:
        x, y = x[centre[1] + y <= hi[1]], y[centre[1] + y <= hi[1]]
        n = len(x)
    z = lo[2] + rng.normal(0, noise * float((hi - lo).max()), n) + np.tan(np.radians(tilt)) * x
    out = np.vstack([p, np.column_stack([centre[0] + x, centre[1] + y, z])])
    return (out @ perturb.UP_ROTATIONS[up].T if up != "z" else out).astype(np.float32), n


def cli_answers(folder: Path, truth: dict[str, str]) -> tuple[int, int]:
    """The app's CLI (default model, Auto up, wasm) on a folder of clouds named by `truth`'s keys:
    how many are right, and how many wrong but shown as sure."""
    out = folder.with_suffix(".csv")
    # Exit 1 is "some files failed" (an older checkout refusing a format): those count as wrong.
    done = subprocess.run(["node", str(CLI), "classify", str(folder), "--device", "cpu", "--csv", str(out)],
                          stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    if done.returncode == 2 and not out.exists():
        return 0, 0  # an older checkout that reads none of these files (it skips them as unknown)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{CLI} classify {folder}: exit {done.returncode}")
    got = {Path(x["file"]).stem: x for x in csv.DictReader(out.open())}
    right = sum(got[k]["top1"] == t for k, t in truth.items())
    return right, sum(got[k]["top1"] != t and got[k]["sure"] == "yes" for k, t in truth.items())


def through_the_app(train, rows: np.ndarray, cases: list[tuple[str, float]]) -> None:
    """Each (kind, share)'s floored clouds written as XYZ and classified by the app's CLI (default
    model, Auto up, wasm): right, wrong but shown as sure, and floors the loaders reported."""
    truth = {f"{j:03d}": train.classes[train.labels[r]] for j, r in enumerate(rows)}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, share in cases:
            rng = np.random.default_rng(5)
            folder = Path(tmp) / f"floor-{kind}-{share}".replace(" ", "_")
            folder.mkdir()
            for j, r in enumerate(rows):
                p = train.points[r].astype(np.float64)
                np.savetxt(folder / f"{j:03d}.xyz", floored(p, share, rng, **KINDS[kind])[0] if share else p, fmt="%.5f")
            right, sure_wrong = cli_answers(folder, truth)
            label = f"floor {kind}, {share:.0%} of the points" if share else "no floor"
            print(f"through the app, {label}: {right} of {len(rows)} right, {sure_wrong} wrong but shown as sure", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=985)
    ap.add_argument("--cli", type=int, default=0, help="also classify this many floored clouds through the app's CLI")
    ap.add_argument("--app", type=Path, default=None, help="another checkout's bin/any2point.mjs for --cli (before / after)")
    ap.add_argument("--only", default="", help="with --cli, only the floor kinds whose name contains this")
    args = ap.parse_args()
    train = load_modelnet40("train")
    rows = validation_rows(train)[: args.limit]
    if args.app is not None:
        global CLI
        CLI = args.app.resolve()
    if args.cli:
        picked = np.random.default_rng(1).choice(rows, args.cli, replace=False)
        cases = [("1.5x", 0.0), ("1.5x", 0.15), ("1.5x", 0.3), ("2.5x", 0.3), ("noisy 1 %", 0.15), ("tilted 3 deg", 0.15),
                 ("one side 2x", 0.3), ("room 5x", 0.9), ("y up", 0.15), ("y down", 0.15)]
        through_the_app(train, picked, [c for c in cases if args.only in c[0]])
    print(f"{len(rows)} validation clouds, strays left out first; the rule fires on:", flush=True)
    for name in VARIANTS:
        fired = [int(r) for r in rows
                 if floor.floor_mask(strays.without_strays(perturb.apply(name, train.points[r], int(r)))[0])[1] is not None]
        classes = sorted({train.classes[train.labels[r]] for r in fired})
        print(f"{name:>10}: {len(fired)} ({', '.join(classes)})", flush=True)
    for kind in KINDS:
        rng = np.random.default_rng(5)
        for share in (0.05, 0.15, 0.3) if kind != "room 5x" else (0.6, 0.9):
            found = object_out = hit = 0
            for r in rows:
                p, n = floored(train.points[r].astype(np.float64), share, rng, **KINDS[kind])
                drop, axis = floor.floor_mask(p)
                if axis is None:
                    continue
                hit += 1
                found += drop[-n:].mean()
                object_out += int(drop[:-n].sum())
            print(f"floor {kind:>12}, {share:.0%} of the points: found in {hit} of {len(rows)}; floor points left out "
                  f"{100 * found / len(rows):.1f} %; object points left out with them {object_out / max(hit, 1):.1f} a cloud", flush=True)


if __name__ == "__main__":
    main()
