"""Every registered backbone builds, loads its weights, trains two steps on 64 clouds and
exports (ONNX + frozen split + onnxruntime-web parity) through the one Any2Point code path."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from any2point import checkpoint as ckpt
from any2point.backbones.registry import BACKBONES, load_backbone
from any2point.config import TrainConfig
from any2point.export import export
from any2point.model import count_parameters
from any2point.train import train

REPO = Path(__file__).resolve().parents[2]
CLASSES = ["airplane", "chair", "lamp", "toilet"]  # the `folder` fixture (conftest.py)


@pytest.mark.parametrize("name", sorted(BACKBONES))
def test_backbone_builds_trains_two_steps_and_exports(name, folder, tmp_path):
    backbone = load_backbone(name)
    assert all(not p.requires_grad for p in backbone.parameters())
    assert backbone.modality in ("1d", "2d")
    assert set(backbone.frozen_sources()) <= set(backbone.state_dict())

    cfg = TrainConfig(backbone=name, dataset=str(folder), cache_dir=str(tmp_path / "cache"),
                      stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=32,
                      epochs=1, max_steps=2, log_every=1, run_dir=str(tmp_path / "run"), warmup_epochs=0.5)
    progress = train(cfg, log=lambda s: None)
    assert progress["global_step"] == 2
    model, _, blob = ckpt.load_model(tmp_path / "run" / "last.pt")
    assert blob["classes"] == CLASSES
    trainable, total = count_parameters(model)
    assert 0 < trainable < 1_000_000 and total > trainable or name == "none"
    # The checkpoint holds only what was trained.
    assert not any(k.startswith("backbone.") for k in blob["model"])
    # Two steps changed the trained weights, not the frozen ones.
    fresh = load_backbone(name)
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, model.backbone.state_dict()[k]), k

    report = None
    if name == "none":  # once: a report measured with votes makes the app vote the same way
        from any2point.evaluate import evaluate

        report = tmp_path / "report.json"
        report.write_text(json.dumps(evaluate(tmp_path / "run" / "last.pt", log=lambda s: None, votes=2)))
    m = export(tmp_path / "run" / "last.pt", f"test-{name}", tmp_path / "models", report, parity_clouds=4,
               fixtures=tmp_path / "fixtures", log=lambda s: None)
    assert m.get("votes") == (2 if report else None)
    assert m["parity"]["sameTop1"] == 4 and m["parity"]["maxLogitDiff"] < 1e-4
    assert m["onnx"]["inputs"][:5] == ["points", "fps_1", "knn_1", "fps_2", "knn_2"]
    assert m["geometry"]["stages"] == [{"centers": 64, "k": 16}, {"centers": 16, "k": 8}]
    out = tmp_path / "models" / f"test-{name}"
    if m["frozen"]:
        # The committed part holds no frozen weights; the recipe rebuilds them byte for byte.
        assert (out / "model.onnx").stat().st_size < m["frozen"]["bytes"]
        original = (out / "frozen.bin").read_bytes()
        (out / "frozen.bin").unlink()
        res = subprocess.run(["node", str(REPO / "scripts" / "assemble-model.mjs"), str(out)], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        assert (out / "frozen.bin").read_bytes() == original
    golden = json.loads((tmp_path / "fixtures" / f"test-{name}.json").read_text())
    assert len(golden["clouds"]) == 2 and len(golden["clouds"][0]["logits"]) == len(CLASSES)


def test_a_backbone_saved_whole_is_read_back_from_its_file(folder, tmp_path, monkeypatch):
    """What tools.carry writes for a machine without the sources (node_modules, ../shared):
    train(backbone_root=<file>.pt) reads the frozen module from that file, not from the registry."""
    saved = load_backbone("kwt1")
    with torch.no_grad():
        next(saved.parameters()).add_(1.0)  # tell the saved copy from the source's
    torch.save(saved, tmp_path / "kwt1.pt")
    back = load_backbone("kwt1", str(tmp_path / "kwt1.pt"))
    assert all(not p.requires_grad for p in back.parameters())
    assert all(torch.equal(v, saved.state_dict()[k]) for k, v in back.state_dict().items())
    cfg = TrainConfig(backbone="kwt1", dataset=str(folder), cache_dir=str(tmp_path / "cache"),
                      stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=32,
                      epochs=1, max_steps=1, log_every=1, run_dir=str(tmp_path / "run"), warmup_epochs=0.5)
    seen = []
    original = torch.load

    def spy(path, *args, **kwargs):
        seen.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    train(cfg, log=lambda s: None, backbone_root=str(tmp_path / "kwt1.pt"))
    assert seen.count(str(tmp_path / "kwt1.pt")) == 2  # the geometry spec's and the model's backbone
    with pytest.raises(ValueError, match="does not hold the backbone 'vit-mnist'"):
        load_backbone("vit-mnist", str(tmp_path / "kwt1.pt"))
