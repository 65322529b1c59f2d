"""Per-cloud latency of an exported model in PyTorch on this CPU, for comparison with the browser.

    PYTHONPATH=training python3 -m any2point.latency --model-dir public/models/<id> [--json] [--runs N] [--threads T]

The model is rebuilt from what the export wrote, not from a checkpoint: the training settings
from report.json ("config"), the trained weights from model.onnx's initializers (their names are
the PyTorch parameter names; the export keeps them), the frozen backbone from its own source, as
in training. Each run classifies one 1024-point ModelNet40 test cloud at batch 1 with the whole
per-cloud pipeline the browser runs: normalise -> FPS / k-NN -> projection, cells, voxels ->
network. One warm-up run, then the median of --runs.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Optional

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import checkpoint as ckpt
from . import data as D
from . import geometry as geo
from .config import TrainConfig
from .model import Any2Point

DEFAULT_CLOUD = "chair_0890"  # the cloud scripts/bench-e2e.ts times in the browser


def trained_initializers(onnx_path: Path) -> dict[str, torch.Tensor]:
    """The initializers stored inside model.onnx (the trained weights; the frozen ones are external)."""
    m = onnx.load(str(onnx_path), load_external_data=False)
    return {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
            for i in m.graph.initializer if i.data_location != onnx.TensorProto.EXTERNAL}


def load_exported(model_dir: Path, backbone_root: Optional[str] = None) -> tuple[Any2Point, TrainConfig, dict]:
    """(model in eval mode, its training config, manifest) from public/models/<id>/."""
    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / "manifest.json").read_text())
    report_name = (manifest.get("metrics") or {}).get("report") or "report.json"
    report_path = model_dir / report_name
    if not report_path.exists():
        raise FileNotFoundError(f"{report_path}: the export's report.json holds the model settings; re-export with --report")
    report = json.loads(report_path.read_text())
    cfg = TrainConfig.from_dict(report["config"])
    model = ckpt.build_model(cfg, len(manifest["classes"]), report.get("memberConfigs"), backbone_root)
    if model.spec.to_manifest() != manifest["geometry"]:
        raise ValueError(f"{model_dir}: the geometry the config builds differs from the manifest's")
    weights = trained_initializers(model_dir / manifest["onnx"]["file"])
    state = {k: v for k, v in weights.items() if not ckpt.is_frozen(k)}
    ckpt.load_into(model, state)  # raises when a trained weight is missing or does not fit
    return model.eval(), cfg, manifest


def test_cloud(cloud_id: str, root: Path = D.DEFAULT_MODELNET) -> np.ndarray:
    """The dataset's 1024 x 3 points of one test cloud, as stored (before normalise)."""
    ids = (Path(root) / "test_ids.txt").read_text().split()
    row = ids.index(cloud_id)
    pts = np.memmap(Path(root) / "test_points.f32", "<f4", "r", offset=row * 1024 * 12, shape=(1024, 3))
    return np.array(pts)


def network_inputs(spec: geo.GeometrySpec, points: np.ndarray) -> tuple[torch.Tensor, ...]:
    """A raw cloud -> the network's inputs at batch 1 (normalise, hierarchy, projection)."""
    x = torch.from_numpy(geo.normalise(points, spec.points, spec.up))[None]
    fps, knn, centres = geo.hierarchy(x, spec.stages)
    pos, cell_mask, voxel_mask = geo.project(spec, centres)
    return (x, *[t for pair in zip(fps, knn) for t in pair], pos, cell_mask, voxel_mask)


@torch.no_grad()
def classify(model: Any2Point, points: np.ndarray) -> torch.Tensor:
    return model(*network_inputs(model.spec, points))[0][0]


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


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.latency", description=__doc__.split("\n\n")[0])
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
