"""Backbone registry: name -> loader. Loaders are imported lazily so that one backbone's
dependencies (a source file, a reader) never stop another from building."""
from __future__ import annotations

import importlib
from typing import Callable, Optional

from .base import Backbone

# name -> (module in this package, loader taking an optional source root)
BACKBONES: dict[str, tuple[str, str]] = {
    "use-lite": ("use_lite", "load_use_lite"),
    "kwt1": ("kwt1", "load_kwt1"),
    "vit-mnist": ("vit_mnist", "load_vit_mnist"),
    "none": ("none", "load_none"),
}


def load_backbone(name: str, root: Optional[str] = None) -> Backbone:
    """The frozen backbone `name`, its weights read from `root` (default: its usual source)."""
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; registered: {', '.join(sorted(BACKBONES))}")
    module, fn = BACKBONES[name]
    loader: Callable[..., Backbone] = getattr(importlib.import_module(f".{module}", __package__), fn)
    backbone = loader(root) if root else loader()
    for p in backbone.parameters():
        p.requires_grad_(False)
    return backbone.eval()
