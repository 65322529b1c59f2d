"""The NO-backbone baseline: tokens go straight to the head. It has no blocks (so no adapters)
and a 1D sinusoidal position encoding, so that the comparison with a frozen backbone changes
only what the backbone adds."""
from __future__ import annotations

import math

import torch
from torch import nn

from ..trig import sin_cos
from .base import Backbone, FrozenSource


def sinusoid(pos: torch.Tensor, width: int) -> torch.Tensor:
    """Transformer sin/cos encoding at fractional positions: [...] -> [..., width]."""
    half = width // 2
    freq = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
    a = pos[..., None] * freq
    return torch.cat(sin_cos(a), dim=-1)


class NoBackbone(Backbone):
    name = "none"
    modality = "1d"

    def __init__(self, width: int = 256, length: int = 128):
        super().__init__()
        self.width_in = self.width_out = width
        self.length = length
        self.blocks = nn.ModuleList()
        self.source_root = ""

    def position_encoding(self, pos: torch.Tensor) -> torch.Tensor:
        return sinusoid(pos, self.width_in)

    def class_position(self) -> torch.Tensor:
        return torch.zeros(self.width_in)

    def grid(self) -> dict:
        return {"kind": "1d", "length": self.length}

    def frozen_sources(self) -> dict[str, FrozenSource]:
        return {}


def load_none(root: str | None = None) -> NoBackbone:
    """The baseline has no source; `root` is accepted for the registry's uniform call."""
    return NoBackbone()
