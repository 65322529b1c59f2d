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


def is_frozen(key: str) -> bool:
    """A state_dict key of the frozen backbone."""
    return key.startswith("backbone.")


def trainable_state(model: Any2Point) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in model.state_dict().items() if not is_frozen(k)}


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
    missing = [k for k in missing if not is_frozen(k)]
    if missing or unexpected:
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")


def init_from(model: Any2Point, cfg: TrainConfig, path: Path) -> list[str]:
    """Start `model` (built from `cfg`) from the trained tensors of a checkpoint: fine-tuning.

    The checkpoint must be a single model of the same backbone and tokenizer. Tensors of the head
    whose shape differs (another number of classes) keep their fresh initialisation; their names
    are returned. Anything else that does not fit is an error naming the tensors."""
    blob = torch.load(path, map_location="cpu")
    if "config" not in blob or "model" not in blob:
        raise ValueError(f"--init {path}: not a training checkpoint (no config / model)")
    theirs = TrainConfig.from_dict(blob["config"])
    if theirs.backbone != cfg.backbone:
        raise ValueError(f"--init {path}: trained with backbone {theirs.backbone!r}, this run uses {cfg.backbone!r}")
    own = model.state_dict()
    state, fresh, misfit = {}, [], []
    for key, value in blob["model"].items():
        if key not in own:
            misfit.append(f"{key} (not in this model)")
        elif own[key].shape == value.shape:
            state[key] = value
        elif key.startswith("head."):
            fresh.append(key)
        else:
            misfit.append(f"{key} {tuple(value.shape)} -> {tuple(own[key].shape)}")
    lacking = [k for k in own if k not in blob["model"] and not is_frozen(k)]
    if misfit or lacking:
        mine = cfg.model_kwargs()
        diff = {k: (v, mine[k]) for k, v in theirs.model_kwargs().items() if v != mine[k]}
        raise ValueError(f"--init {path}: the checkpoint's model differs from this run's (options {diff}): "
                         f"{', '.join(misfit + [f'{k} (not in the checkpoint)' for k in lacking])}")
    model.load_state_dict(state, strict=False)
    return fresh


def build_model(cfg: TrainConfig, num_classes: int, backbone_root: Optional[str] = None) -> Any2Point:
    """The untrained model of a config (frozen weights read from `backbone_root`, default their source)."""
    return create_model("any2point", backbone=cfg.backbone, num_classes=num_classes,
                        backbone_root=backbone_root, **cfg.model_kwargs())


def load_model(path: Path, backbone_root: Optional[str] = None) -> tuple[Any2Point, TrainConfig, dict]:
    """The model a checkpoint describes, with its trained weights (frozen ones from the source)."""
    blob = torch.load(path, map_location="cpu")
    cfg = TrainConfig.from_dict(blob["config"])
    model = build_model(cfg, len(blob["classes"]), backbone_root)
    load_into(model, blob["model"])
    return model.eval(), cfg, blob
