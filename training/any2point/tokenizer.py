"""Point-PN-style tokenizer: hierarchical FPS + k-NN local aggregation with non-parametric
trigonometric embeddings and small linear layers.

The FPS / k-NN indices come in as inputs (the browser's kernels compute them), so the network
only gathers. Neighbourhoods are normalised per group (never with batch statistics).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from .trig import sin_cos


def gather_rows(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """x [B, N, C], idx [B, ...] (int) -> [B, ..., C].

    Whole rows of the flattened [B * N, C] (index_select, an ONNX Gather on axis 0): the same
    values as torch.gather with the index broadcast over C, without the [B, M, C] int64 index that
    Expand + GatherElements build in the exported graph (~2 ms a cloud in onnxruntime-web)."""
    b, n, c = x.shape
    rows = idx.reshape(b, -1).long() + torch.arange(b, device=x.device)[:, None] * n
    return x.reshape(b * n, c).index_select(0, rows.reshape(-1)).reshape(*idx.shape, c)


class TrigEmbed(nn.Module):
    """Non-parametric sin/cos embedding of xyz (Point-NN's PosE): per axis, `dim / 3`
    channels of sin(beta * x / alpha^(j / f)) and cos(...)."""

    def __init__(self, dim: int, alpha: float = 100.0, beta: float = 1.0):
        super().__init__()
        self.dim = dim
        per_axis = math.ceil(dim / 6)  # frequencies per axis
        freq = beta / alpha ** (torch.arange(per_axis, dtype=torch.float32) / per_axis)
        self.register_buffer("freq", freq, persistent=False)

    def forward(self, xyz: torch.Tensor) -> torch.Tensor:
        a = xyz[..., None] * self.freq  # [..., 3, F]
        e = torch.cat(sin_cos(a), dim=-1)  # [..., 3, 2F]
        return e.flatten(-2)[..., : self.dim]


class LocalAggregation(nn.Module):
    """One tokenizer stage: features of each centre's k neighbours (a linear layer on the
    neighbour and the centre feature), modulated by the trig embedding of the neighbour's
    relative position (normalised by the group's own RMS radius), max + mean pooled, then a
    small residual MLP on the pooled token."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.nbr = nn.Linear(c_in, c_out)
        self.ctr = nn.Linear(c_in, c_out, bias=False)
        self.pe = TrigEmbed(c_out, beta=3.0)  # relative coords have RMS radius 1
        self.norm = nn.LayerNorm(c_out)
        self.mlp = nn.Sequential(nn.Linear(c_out, c_out), nn.GELU(), nn.Linear(c_out, c_out))

    def forward(self, xyz: torch.Tensor, feat: torch.Tensor, fps: torch.Tensor, knn: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        centres = gather_rows(xyz, fps)  # [B, S, 3]
        rel = gather_rows(xyz, knn) - centres[:, :, None]  # [B, S, k, 3]
        rms = torch.sqrt((rel * rel).sum(-1).mean(-1) + 1e-8)[..., None, None]  # per group
        pe = self.pe(rel / rms)
        # Linear(concat(f_nbr - f_ctr, f_ctr)) computed per point before gathering (cheaper).
        h = gather_rows(self.nbr(feat), knn) + gather_rows(self.ctr(feat), fps)[:, :, None]
        h = (h + pe) * pe
        tok = h.max(dim=2).values + h.mean(dim=2)
        tok = tok + self.mlp(self.norm(tok))
        return centres, tok


class PointTokenizer(nn.Module):
    """Points [B, N, 3] + per-stage indices -> tokens [B, T, width] at the last stage's centres."""

    def __init__(self, widths: Sequence[int], embed_dim: int = 36):
        super().__init__()
        self.embed = TrigEmbed(embed_dim, beta=10.0)  # absolute coords lie in [-1, 1]
        dims = [embed_dim, *widths]
        self.stages = nn.ModuleList(LocalAggregation(a, b) for a, b in zip(dims[:-1], dims[1:]))

    def forward(self, points: torch.Tensor, fps: Sequence[torch.Tensor], knn: Sequence[torch.Tensor]) -> torch.Tensor:
        xyz, feat = points, self.embed(points)
        for stage, f, k in zip(self.stages, fps, knn):
            xyz, feat = stage(xyz, feat, f, k)
        return feat
