"""Backbone registry: name -> loader. Loaders are imported lazily so that one backbone's
dependencies (a source file, a reader) never stop another from building."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Optional

import torch

from .base import Backbone

# name -> (module in this package, loader taking an optional source root)
BACKBONES: dict[str, tuple[str, str]] = {
    "use-lite": ("use_lite", "load_use_lite"),
    "kwt1": ("kwt1", "load_kwt1"),
    "vit-mnist": ("vit_mnist", "load_vit_mnist"),
    "none": ("none", "load_none"),
}


def load_backbone(name: str, root: Optional[str] = None) -> Backbone:
    """The frozen backbone `name`, its weights read from `root` (default: its usual source).

    A `root` ending in .pt is the backbone saved whole (`torch.save(module)`, as
    any2point.tools.carry writes it for a machine that has neither node_modules nor ../shared)."""
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; registered: {', '.join(sorted(BACKBONES))}")
    if root and Path(root).suffix == ".pt":
        backbone = torch.load(root, map_location="cpu", weights_only=False)
        if not isinstance(backbone, Backbone) or backbone.name != name:
            raise ValueError(f"{root} does not hold the backbone {name!r} saved whole")
    else:
        module, fn = BACKBONES[name]
        loader: Callable[..., Backbone] = getattr(importlib.import_module(f".{module}", __package__), fn)
        backbone = loader(root) if root else loader()
    for p in backbone.parameters():
        p.requires_grad_(False)
    return backbone.eval()
