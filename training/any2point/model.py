"""The Any2Point model, one code path for every backbone:

points + geometry indices -> point tokenizer -> + the backbone's own positional encoding at the
tokens' virtual positions (averaged over M views / lines) -> class token + frozen blocks, each
with a trainable guided adapter -> head on [class token, max-pooled tokens].

forward() takes exactly the ONNX inputs of docs/geometry.md and returns (logits, attention,
features): features are the head's input, which a head taught in the app is trained on.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from . import geometry as geo
from .adapter import GuidedAdapter
from .backbones.base import Backbone
from .config import ModelConfig
from .tokenizer import PointTokenizer


class Any2Point(nn.Module):
    def __init__(self, backbone: Backbone, num_classes: int, cfg: ModelConfig = ModelConfig()):
        super().__init__()
        if len(cfg.stage_widths) != len(cfg.stages) - 1:
            raise ValueError(f"stage_widths needs {len(cfg.stages) - 1} entries (one per stage but the last), got {cfg.stage_widths}")
        self.cfg = cfg
        self.spec = geo.make_spec(backbone.grid(), cfg.points, cfg.stages, cfg.cell or default_cell(backbone.grid()), cfg.voxels)
        self.backbone = backbone
        for p in backbone.parameters():
            p.requires_grad_(False)
        self.tokenizer = PointTokenizer([*cfg.stage_widths, backbone.width_in])
        self.cls = nn.Parameter(torch.zeros(backbone.width_in))
        nn.init.normal_(self.cls, std=0.02)
        self.adapters = nn.ModuleList(GuidedAdapter(b.adapter_width, cfg.adapter_bottleneck) for b in backbone.blocks)
        self.out_norm = nn.LayerNorm(backbone.width_out)
        self.head = nn.Sequential(
            nn.Linear(2 * backbone.width_out, cfg.head_hidden), nn.GELU(), nn.Dropout(cfg.dropout),
            nn.Linear(cfg.head_hidden, num_classes),
        )
        self.backbone.eval()

    def train(self, mode: bool = True) -> "Any2Point":
        super().train(mode)
        self.backbone.eval()  # frozen: no dropout, fixed statistics
        return self

    def input_names(self) -> list[str]:
        stage = [n for t in range(1, len(self.cfg.stages) + 1) for n in (f"fps_{t}", f"knn_{t}")]
        return ["points", *stage, "pos", "cell_mask", "voxel_mask"]

    def forward(self, points: torch.Tensor, *rest: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        n = len(self.cfg.stages)
        if len(rest) != 2 * n + 3:
            raise ValueError(f"Any2Point.forward: expected {2 * n + 4} inputs ({', '.join(self.input_names())}), got {len(rest) + 1}")
        fps, knn = rest[0:2 * n:2], rest[1:2 * n:2]
        pos, cell_mask, voxel_mask = rest[2 * n:]
        tokens = self.tokenizer(points, fps, knn)  # [B, T, width_in]
        tokens = tokens + self.backbone.position_encoding(pos).mean(dim=1)
        b = tokens.shape[0]
        cls = (self.cls + self.backbone.class_position()).expand(b, 1, -1)
        x = torch.cat([cls, tokens], dim=1)  # [B, 1 + T, width_in]
        attn = []
        for block, adapter in zip(self.backbone.blocks, self.adapters):
            def adapt(s: torch.Tensor, adapter: GuidedAdapter = adapter) -> torch.Tensor:
                delta = adapter(s[:, 1:], cell_mask, voxel_mask)
                return torch.cat([torch.zeros_like(s[:, :1]), delta], dim=1)  # class token untouched

            x, probs = block(x, adapt)
            attn.append(probs[:, :, 0, 1:])  # class token -> every token
        x = self.out_norm(x)
        pooled = x[:, 1:].max(dim=1).values
        features = torch.cat([x[:, 0], pooled], dim=-1)  # [B, 2 * width_out]
        logits = self.head(features)
        if attn:
            attention = torch.stack(attn, dim=1)  # [B, layers, heads, T]
        else:
            # No blocks: which tokens win the max pool, as a share of channels (one "layer").
            wins = (x[:, 1:] == pooled[:, None]).float().mean(-1)
            attention = (wins / wins.sum(-1, keepdim=True))[:, None, None]
        return logits, attention, features


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(trainable, total)."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total


def default_cell(grid: dict) -> int:
    """Cells of about 1/8 of the line (1D) or 1/4 of the image side (2D)."""
    size = grid["length"] if grid["kind"] == "1d" else grid["grid"]
    return max(1, -(-size // (8 if grid["kind"] == "1d" else 4)))


MODELS = {"any2point": Any2Point}


def create_model(name: str = "any2point", backbone: str = "use-lite", num_classes: int = 40,
                 backbone_root: Optional[str] = None, **cfg) -> Any2Point:
    """create_model('any2point', backbone='use-lite', num_classes=40, **ModelConfig fields)."""
    from .backbones.registry import load_backbone

    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; registered: {', '.join(MODELS)}")
    known = set(ModelConfig.__dataclass_fields__)
    unknown = set(cfg) - known
    if unknown:
        raise ValueError(f"unknown model settings {sorted(unknown)}; known: {sorted(known)}")
    cfg = {k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v for k, v in cfg.items()}
    return MODELS[name](load_backbone(backbone, backbone_root), num_classes, ModelConfig(**cfg))
