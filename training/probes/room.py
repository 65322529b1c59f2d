"""Probe: walls behind a scanned shape, found and left out with the floor by the loaders
(any2point/room.py, src/io/room.ts; docs/io.md "Walls behind the shape").

Measures on the validation clouds as the loaders see them (strays left out first): how often a
wall is taken on every benchmark row (it should not be), how often it is found in synthetic rooms
(a floor patch and a wall behind the shape, or two walls in a corner, y up and y down too), how many of the
shape's own points go with it, and (`--cli N`) what the app's CLI answers for N of them.

    cd training && PYTHONPATH=. /usr/bin/python3 probes/room.py [--limit 985] [--cli 100]
        [--app <another checkout>/bin/any2point.mjs] [--only "y down"]
"""
from __future__ import annotations

import argparse
import importlib.util
import tempfile
from pathlib import Path

import numpy as np

from any2point import perturb, room, strays
from any2point.dataset_splits import validation_rows
from any2point.datasets import load_modelnet40



def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The floor probe's floor patches, and test_room's walls (a wall behind the shape, or a corner; the
# floor behind a wall cut away, as a scan sees it).
_floor_probe = _module("floor_probe", Path(__file__).with_name("floor.py"))
floored, through_cli = _floor_probe.floored, _floor_probe.cli_answers
with_walls = _module("test_room", Path(__file__).resolve().parents[1] / "tests" / "test_room.py").with_walls

VARIANTS = ("clean", "up+y", "heading", "cut", "view", "points256", "points512", "jitter1", "jitter2",
            "outliers5", "scale", "strays3", "up-y", "up+x", "up-x", "up-z")


CASES = {  # name: (floor share, wall share, corner, saved with this up, floor size, wall height)
    "floor 15 % + wall 15 %": (0.15, 0.15, False, "z", 1.5, 1.3),
    "floor 15 % + wall 30 %, tall": (0.15, 0.3, False, "z", 1.5, 2.0),
    "corner: floor 15 % + walls 30 %": (0.15, 0.3, True, "z", 1.5, 1.3),
    "room: floor 3x 40 % + wall 30 %": (0.4, 0.3, False, "z", 3.0, 2.0),
    "floor 15 % + wall 15 %, y up": (0.15, 0.15, False, "+y", 1.5, 1.3),
    "floor 15 % + wall 15 %, y down": (0.15, 0.15, False, "-y", 1.5, 1.3),
}


def scene(p: np.ndarray, case: str, rng: np.random.Generator) -> np.ndarray:
    fshare, wshare, corner, up, fsize, height = CASES[case]
    q = with_walls(floored(p, fshare, rng, size=fsize)[0].astype(np.float64), len(p), wshare, rng, corner, height=height)[0]
    return (q @ perturb.UP_ROTATIONS[up].T if up != "z" else q).astype(np.float32)


def through_the_app(train, rows: np.ndarray, cases=("none", *CASES)) -> None:
    truth = {f"{j:03d}": train.classes[train.labels[r]] for j, r in enumerate(rows)}
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            rng = np.random.default_rng(5)
            folder = Path(tmp) / case.replace(" ", "_").replace("%", "pc").replace(":", "").replace(",", "")
            folder.mkdir()
            for j, r in enumerate(rows):
                p = train.points[r].astype(np.float64)
                np.savetxt(folder / f"{j:03d}.xyz", p if case == "none" else scene(p, case, rng), fmt="%.5f")
            right, sure_wrong = through_cli(folder, truth)
            print(f"through the app, {case}: {right} of {len(rows)} right, {sure_wrong} wrong but shown as sure", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=985)
    ap.add_argument("--cli", type=int, default=0, help="also classify this many clouds in rooms through the app's CLI")
    ap.add_argument("--app", type=Path, default=None, help="another checkout's bin/any2point.mjs for --cli (before / after)")
    ap.add_argument("--only", default="", help="with --cli, only the cases whose name contains this")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    train = load_modelnet40("train")
    rows = validation_rows(train)[: args.limit]
    if args.app is not None:
        _floor_probe.CLI = args.app.resolve()
    if args.cli:
        cases = [c for c in ("none", *CASES) if args.only in c]
        through_the_app(train, np.random.default_rng(1).choice(validation_rows(train), args.cli, replace=False), cases)
    for case in CASES:
        rng = np.random.default_rng(5)
        found = lost = 0
        left = []
        for r in rows:
            p = train.points[r]
            q = scene(p.astype(np.float64), case, rng)
            floor, wall, _, walls = room.room_mask(q)
            found += walls > 0
            lost += int((floor | wall)[: len(p)].sum())
            left.append(int((~(floor | wall))[len(p):].sum()))
        print(f"{case}: walls found in {found} of {len(rows)}; shape points left out {lost / len(rows):.1f} a cloud "
              f"(of 1,024), added points left in (median) {np.median(left):.0f}", flush=True)
    print(f"{len(rows)} validation clouds, strays left out first; walls taken on:", flush=True)
    for name in args.variants.split(","):
        fired = [int(r) for r in rows if room.room_mask(strays.without_strays(perturb.apply(name, train.points[r], int(r)))[0])[3]]
        print(f"{name:>10}: {len(fired)} ({', '.join(sorted({train.classes[train.labels[r]] for r in fired}))})", flush=True)


if __name__ == "__main__":
    main()
