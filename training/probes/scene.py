"""Probe: several objects on one floor, as a room scan or a phone capture of a corner keeps them
(src/io/objects.ts; docs/io.md "Several objects on a floor").

Each scene is a validation cloud (the subject) with other validation clouds of other classes
standing beside it on its floor (scaled to 0.6-1.2 x its width, 0.05-0.5 x its width apart, at
even angles around it), on a floor patch (20 % of the points) 1.5 x their footprint, written as XYZ
and classified by the app's CLI with --objects. Reported for each case: how often the subject's
class is the answer for the whole file (right; wrong but shown as sure), how often the loaders
found the objects, and how often the subject's own object (the one whose centre is nearest the
subject's) is right when classified alone. `--fires` loads the validation clouds of the benchmark
rows as XYZ (the loaders only, no model) and counts the clouds taken for several objects.

    cd training && PYTHONPATH=. /usr/bin/python3 probes/scene.py [--cli 100] [--fires 985]
        [--app <another checkout>/bin/any2point.mjs] [--only "y down"]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from any2point import perturb
from any2point.dataset_splits import validation_rows
from any2point.datasets import load_modelnet40

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "bin" / "any2point.mjs"


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


floored = _module("floor_probe", Path(__file__).with_name("floor.py")).floored
with_walls = _module("test_room", REPO / "training" / "tests" / "test_room.py").with_walls

CASES = {  # name: (neighbours, gap range in widths, floor share, wall share, saved with this up)
    "alone, floor": (0, (0.15, 0.5), 0.2, 0.0, "z"),
    "one beside, floor": (1, (0.15, 0.5), 0.2, 0.0, "z"),
    "two beside, floor": (2, (0.15, 0.5), 0.2, 0.0, "z"),
    "three close, floor": (3, (0.05, 0.15), 0.2, 0.0, "z"),
    "two beside, floor and wall": (2, (0.15, 0.5), 0.2, 0.15, "z"),
    "two beside, floor, y down": (2, (0.15, 0.5), 0.2, 0.0, "-y"),
    "two beside, no floor": (2, (0.15, 0.5), 0.0, 0.0, "z"),
}
VARIANTS = ("clean", "up+y", "heading", "cut", "view", "points256", "jitter2", "outliers5", "scale", "strays3", "up-y")


def scene(train, rows: np.ndarray, r: int, case: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(the scene's points, the subject's centre), both in the file's axes."""
    k, gap, floor, wall, up = CASES[case]
    p = train.points[r].astype(np.float64)
    lo, hi = p.min(0), p.max(0)
    width = float((hi - lo)[:2].max())
    reach = 0.5 * float(np.linalg.norm((hi - lo)[:2]))
    others = rng.choice(rows[train.labels[rows] != train.labels[r]], k, replace=False) if k else []
    parts, start = [p], rng.uniform(0, 2 * np.pi)
    for i, o in enumerate(others):
        q = train.points[o].astype(np.float64)
        ql, qh = q.min(0), q.max(0)
        q = (q - (ql + qh) / 2) * width * rng.uniform(0.6, 1.2) / float((qh - ql)[:2].max())
        ql, qh = q.min(0), q.max(0)
        angle = start + 2 * np.pi * i / len(others) + rng.uniform(-0.3, 0.3)
        far = reach + 0.5 * float(np.linalg.norm((qh - ql)[:2])) + rng.uniform(*gap) * width
        centre = (lo + hi) / 2 + far * np.array([np.cos(angle), np.sin(angle), 0])
        parts.append(q + np.array([centre[0], centre[1], lo[2] - ql[2]]))
    objects = np.vstack(parts)
    out = floored(objects, floor, rng, size=1.5)[0].astype(np.float64) if floor else objects
    if wall:
        out = with_walls(out, len(objects), wall, rng)[0]
    turn = perturb.UP_ROTATIONS[up].T if up != "z" else np.eye(3)
    return (out @ turn).astype(np.float32), p.mean(0) @ turn


def through_the_app(train, rows: np.ndarray, picked: np.ndarray, cases) -> None:
    for case in cases:
        rng = np.random.default_rng(5)
        truth, centres = {}, {}
        with tempfile.TemporaryDirectory() as tmp:
            for j, r in enumerate(picked):
                q, centres[f"{j:03d}"] = scene(train, rows, int(r), case, rng)
                truth[f"{j:03d}"] = train.classes[train.labels[r]]
                np.savetxt(Path(tmp) / f"{j:03d}.xyz", q, fmt="%.5f")
            out = Path(tmp) / "out.json"
            # An older checkout's CLI has no --objects (it reports the file's answer alone).
            usage = subprocess.run(["node", str(CLI), "--help"], capture_output=True, text=True).stdout
            flags = ["--objects"] if "--objects" in usage else []
            with out.open("w") as f:
                done = subprocess.run(["node", str(CLI), "classify", tmp, "--device", "cpu", *flags], stdout=f, stderr=subprocess.DEVNULL)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"{CLI} classify: exit {done.returncode}")
            files = {Path(x["file"]).stem: x for x in json.loads(out.read_text())["files"] if x.get("top")}
        right = sure_wrong = found = alone = alone_sure_wrong = 0
        for key, label in truth.items():
            x = files.get(key)
            if x is None:
                continue
            top, sure = x["top"][0]["label"], x.get("notSure") is False
            right += top == label
            sure_wrong += top != label and sure
            objects = x.get("objects") or []
            found += bool(objects)
            if objects:
                mine = min(objects, key=lambda o: float(np.linalg.norm(np.asarray(o["centre"]) - centres[key])))
                alone += mine["top"][0]["label"] == label
                alone_sure_wrong += mine["top"][0]["label"] != label and not mine["notSure"]
        n = len(truth)
        print(f"{case}: the file's answer {right} of {n} right, {sure_wrong} wrong but shown as sure; objects found in "
              f"{found}; the subject alone {alone} right, {alone_sure_wrong} wrong but shown as sure", flush=True)


FIRES = """
const { runnerImport } = await import('vite');
const { readdirSync, readFileSync } = await import('node:fs');
const { module: io } = await runnerImport(process.argv[1] + '/src/io/index.ts', { configFile: false, logLevel: 'warn' });
for (const name of readdirSync(process.argv[2]).sort()) {
  const r = io.loadFile(name, new Uint8Array(readFileSync(process.argv[2] + '/' + name)), {});
  if (r.objects) console.log(name, r.objects.sizes.join(' '));
}
"""


def fires(train, rows: np.ndarray, variants) -> None:
    """How many of `rows` (as each variant makes them) the loaders take for several objects."""
    for name in variants:
        with tempfile.TemporaryDirectory() as tmp:
            for r in rows:
                np.savetxt(Path(tmp) / f"{int(r):05d}.xyz", perturb.apply(name, train.points[r], int(r)), fmt="%.5f")
            got = subprocess.run(["node", "--input-type=module", "-e", FIRES, str(REPO), tmp], capture_output=True, text=True, cwd=REPO, check=True)
        hit = [line.split()[0] for line in got.stdout.splitlines() if line.strip()]
        classes = sorted({train.classes[train.labels[int(h[:5])]] for h in hit})
        print(f"{name:>10}: several objects in {len(hit)} of {len(rows)} ({', '.join(classes)})", flush=True)


def main() -> None:
    global CLI
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", type=int, default=100, help="scenes per case classified through the app's CLI")
    ap.add_argument("--fires", type=int, default=0, help="also count several-objects fires on this many validation clouds a variant")
    ap.add_argument("--app", type=Path, default=None, help="another checkout's bin/any2point.mjs (before / after)")
    ap.add_argument("--only", default="", help="only the cases whose name contains this")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    if args.app is not None:
        CLI = args.app.resolve()
    train = load_modelnet40("train")
    rows = validation_rows(train)
    if args.cli:
        picked = np.random.default_rng(1).choice(rows, args.cli, replace=False)
        through_the_app(train, rows, picked, [c for c in CASES if args.only in c])
    if args.fires:
        fires(train, rows[: args.fires], args.variants.split(","))


if __name__ == "__main__":
    main()
