"""Per-cloud latency of an exported model in PyTorch on this CPU, for comparison with the browser.

    PYTHONPATH=training /usr/bin/python3 -m any2point.tools.latency --model-dir public/models/<id> [--json] [--runs N] [--threads T]

The model is rebuilt from what the export wrote, not from a checkpoint (any2point.exported). Each
run classifies one 1024-point ModelNet40 test cloud at batch 1 with the whole per-cloud pipeline
the browser runs: normalise -> FPS / k-NN -> projection, cells, voxels -> network. One warm-up
run, then the median of --runs.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from ..datasets import DEFAULT_MODELNET
from ..evaluate import cpu_name
from ..exported import classify, load_exported, network_inputs
from ..model import Any2Point

DEFAULT_CLOUD = "chair_0890"  # the cloud scripts/bench-e2e.ts times in the browser


def test_cloud(cloud_id: str, root: Path = DEFAULT_MODELNET) -> np.ndarray:
    """The dataset's 1024 x 3 points of one test cloud, as stored (before normalise)."""
    ids = (Path(root) / "test_ids.txt").read_text().split()
    row = ids.index(cloud_id)
    pts = np.memmap(Path(root) / "test_points.f32", "<f4", "r", offset=row * 1024 * 12, shape=(1024, 3))
    return np.array(pts)


@torch.no_grad()
def golden_logits(model: Any2Point, fixture: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """(PyTorch logits now, the fixture's logits) for every golden cloud of the export's fixture,
    run on the fixture's own network inputs."""
    names = model.input_names()
    pairs = []
    for c in fixture["clouds"]:
        given = c["inputs"]
        # The export drops graph inputs the network never reads (the baseline without a backbone
        # has no adapters, so no cell/voxel masks); PyTorch's forward still takes them: compute
        # those from the cloud's own points (their values cannot change the logits).
        missing = [n for n in names if n not in given]
        if missing:
            p = given["points"]
            own = network_inputs(model.spec, np.asarray(p["data"], np.float32).reshape(p["dims"])[0])
        inputs = []
        for j, n in enumerate(names):
            if n not in given:
                inputs.append(own[j])
                continue
            t = given[n]
            a = np.asarray(t["data"], np.int64 if t["type"] == "int32" else np.float32).reshape(t["dims"])
            inputs.append(torch.from_numpy(a))
        pairs.append((model(*inputs)[0][0].numpy(), np.asarray(c["logits"], np.float32)))
    return pairs


def measure(model: Any2Point, points: np.ndarray, runs: int) -> list[float]:
    """Milliseconds per cloud of `runs` runs after one warm-up run."""
    classify(model, points)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        classify(model, points)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.tools.latency", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, type=Path, help="public/models/<id>")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")))
    ap.add_argument("--cloud", default=DEFAULT_CLOUD, help="ModelNet40 test cloud id")
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    a = ap.parse_args(argv)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    torch.set_num_threads(a.threads)
    model, _, manifest = load_exported(a.model_dir)
    points = test_cloud(a.cloud)
    times = measure(model, points, a.runs)
    top1 = manifest["classes"][int(classify(model, points).argmax())]
    result = {"model": manifest["id"], "medianMs": statistics.median(times), "minMs": min(times), "maxMs": max(times),
              "runs": a.runs, "threads": torch.get_num_threads(), "cloud": a.cloud, "top1": top1,
              "torch": torch.__version__, "cpu": cpu_name()}
    if a.json:
        print(json.dumps(result))
    else:
        print(f"{result['model']}: {result['medianMs']:.1f} ms per cloud in PyTorch (median of {a.runs}, "
              f"min {result['minMs']:.1f}, max {result['maxMs']:.1f}; batch 1, {a.cloud} -> {top1}; "
              f"geometry included; {result['threads']} threads, {result['cpu']})")


if __name__ == "__main__":
    main(sys.argv[1:])
