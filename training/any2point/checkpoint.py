"""Checkpoints hold what was trained (never the frozen backbone), the optimiser, the RNG states
and where training stood, plus the config, so that a run resumes exactly and a model can be
rebuilt from the file alone."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import torch

from .config import TrainConfig
from .model import Any2Point, create_model


def trainable_state(model: Any2Point) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in model.state_dict().items() if not k.startswith("backbone.")}


def save(path: Path, model: Any2Point, cfg: TrainConfig, classes: list[str], optimizer: Optional[torch.optim.Optimizer] = None,
         progress: Optional[dict[str, Any]] = None) -> None:
    blob = {
        "config": cfg.to_dict(),
        "classes": list(classes),
        "model": trainable_state(model),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "progress": progress or {},
        "rng": {"torch": torch.get_rng_state()},
    }
    tmp = Path(str(path) + ".tmp")
    torch.save(blob, tmp)
    os.replace(tmp, path)  # a crash mid-write never leaves a broken checkpoint


def load_into(model: Any2Point, state: dict[str, torch.Tensor]) -> None:
    """Load trained weights; everything the checkpoint lacks must be the frozen backbone's."""
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith("backbone.")]
    if missing or unexpected:
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")


def load_model(path: Path, backbone_root: Optional[str] = None) -> tuple[Any2Point, TrainConfig, dict]:
    """The model a checkpoint describes, with its trained weights (frozen ones from the source)."""
    blob = torch.load(path, map_location="cpu")
    cfg = TrainConfig.from_dict(blob["config"])
    model = create_model("any2point", backbone=cfg.backbone, num_classes=len(blob["classes"]),
                         backbone_root=backbone_root, **cfg.model_kwargs())
    load_into(model, blob["model"])
    return model.eval(), cfg, blob
