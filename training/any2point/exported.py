"""An exported model (public/models/<id>/) rebuilt in PyTorch, and a raw cloud run through it.

The model is rebuilt from what the export wrote, not from a checkpoint: the training settings
from report.json ("config"), the trained weights from model.onnx's initializers (their names are
the PyTorch parameter names; the export keeps them), the frozen backbone from its own source, as
in training. Used by evaluate --model-dir and the tools that measure an exported model.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import checkpoint as ckpt
from . import geometry as geo
from .config import TrainConfig
from .model import Any2Point


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
    model = ckpt.build_model(cfg, len(manifest["classes"]), backbone_root)
    if model.spec.to_manifest() != manifest["geometry"]:
        raise ValueError(f"{model_dir}: the geometry the config builds differs from the manifest's")
    weights = trained_initializers(model_dir / manifest["onnx"]["file"])
    state = {k: v for k, v in weights.items() if not ckpt.is_frozen(k)}
    ckpt.load_into(model, state)  # raises when a trained weight is missing or does not fit
    return model.eval(), cfg, manifest


def network_inputs(spec: geo.GeometrySpec, points: np.ndarray) -> tuple[torch.Tensor, ...]:
    """A raw cloud -> the network's inputs at batch 1 (normalise, hierarchy, projection)."""
    x = torch.from_numpy(geo.normalise(points, spec.points, spec.up))[None]
    fps, knn, centres = geo.hierarchy(x, spec.stages)
    pos, cell_mask, voxel_mask = geo.project(spec, centres)
    return (x, *[t for pair in zip(fps, knn) for t in pair], pos, cell_mask, voxel_mask)


@torch.no_grad()
def classify(model: Any2Point, points: np.ndarray) -> torch.Tensor:
    """The logits of one raw cloud, through the whole per-cloud pipeline the browser runs."""
    return model(*network_inputs(model.spec, points))[0][0]
