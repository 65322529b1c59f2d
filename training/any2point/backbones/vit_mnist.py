"""ViT-MNIST (vision, 2D) as an Any2Point backbone, loaded from vit_mnist_gpu.pt
(researchase/vit-mnist-explorations, MIT): a PyTorch state_dict of a pre-norm ViT in the style of
lucidrains' vit-pytorch (docs/backbones.md, section ViT-MNIST):
  x = [cls_token ; Linear(4x4 patches)] + pos_embedding      1 + 7 x 7 rows, row-major grid
  per block (PRE-norm):
    x = x + to_out(attention(LN(x)))          4 heads x 64, to_qkv without bias, scale 64^-0.5
    x = x + fc2(relu(fc1(LN(x))))             64 -> 128 -> 64
  logits = Linear(LN(x[:, 0]))                mlp_head (the digit classifier)
Adapter point: after the attention residual, before the MLP's norm.

The weights load through `map_source_state_dict`, which renames the source's keys to ours,
reports what it dropped, and refuses keys it does not know; the modules then load with
strict=True, so a missing or extra tensor is an error.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .base import Adapter, Backbone, Block, FrozenSource
from .sources import SOURCES, locate

SOURCE = SOURCES["vit-mnist"]
# Not stored in the state_dict: the training script's ViT(heads=4, dim_head=64 default,
# patch_size=4, image 28, one channel) and nn.LayerNorm's default eps.
HEADS = 4
PATCH = 4
IMAGE = 28
LAYER_NORM_EPS = 1e-5
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # the training transform's Normalize

# Source key -> our key, per block i. Everything the backbone does not hold is listed in
# _DROPPED_BY_BACKBONE; any other key is an error.
_BLOCK_RENAMES = [
    (r"transformer\.layers\.(\d+)\.0\.norm\.(weight|bias)", r"blocks.\1.attn_norm.\2"),
    (r"transformer\.layers\.(\d+)\.0\.fn\.to_qkv\.weight", r"blocks.\1.to_qkv.weight"),
    (r"transformer\.layers\.(\d+)\.0\.fn\.to_out\.0\.(weight|bias)", r"blocks.\1.to_out.\2"),
    (r"transformer\.layers\.(\d+)\.1\.norm\.(weight|bias)", r"blocks.\1.mlp_norm.\2"),
    (r"transformer\.layers\.(\d+)\.1\.fn\.net\.0\.(weight|bias)", r"blocks.\1.fc1.\2"),
    (r"transformer\.layers\.(\d+)\.1\.fn\.net\.3\.(weight|bias)", r"blocks.\1.fc2.\2"),
    (r"pos_embedding", r"pos_table"),
]
# Kept by the digit classifier used for the proof, not by the backbone.
_CLASSIFIER_RENAMES = [
    (r"cls_token", r"cls_token"),
    (r"to_patch_embedding\.1\.(weight|bias)", r"patch_embed.\1"),
    (r"mlp_head\.0\.(weight|bias)", r"head_norm.\1"),
    (r"mlp_head\.1\.(weight|bias)", r"head.\1"),
]


class SourceKeyError(KeyError):
    """The state_dict holds a key this loader does not know."""


class Mapped:
    """Result of the filter: our tensors, where each came from, and what was left out."""

    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}
        self.origin: dict[str, str] = {}  # our key -> source key
        self.dropped: list[str] = []


def map_source_state_dict(
    source: dict[str, torch.Tensor],
    renames: list[tuple[str, str]],
    known_dropped: list[tuple[str, str]],
) -> Mapped:
    """Rename source keys by `renames` (full-match regexes); keys matching `known_dropped` are
    dropped and reported; any other key raises. The one layout change: pos_embedding
    [1, 50, 64] -> pos_table [50, 64] (leading 1 dropped, same bytes)."""
    out = Mapped()
    for key, value in source.items():
        for pattern, repl in renames:
            if re.fullmatch(pattern, key):
                ours = re.sub(pattern, repl, key)
                out.tensors[ours] = value[0] if ours == "pos_table" else value
                out.origin[ours] = key
                break
        else:
            if not any(re.fullmatch(p, key) for p, _ in known_dropped):
                raise SourceKeyError(f"ViT-MNIST: unknown key {key!r} in {SOURCE.file}")
            out.dropped.append(key)
    return out


def _frozen(module: nn.Module, mapped: Mapped) -> None:
    """Load with strict key matching and freeze."""
    module.load_state_dict(mapped.tensors, strict=True)
    module.requires_grad_(False)


class ViTBlock(Block):
    """One pre-norm ViT block (see the module doc)."""

    def __init__(self, width: int, heads: int, head_dim: int, mlp: int):
        super().__init__()
        self.heads, self.head_dim = heads, head_dim
        self.scale = head_dim ** -0.5
        self.adapter_width = width
        self.attn_norm = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.to_qkv = nn.Linear(width, 3 * heads * head_dim, bias=False)
        self.to_out = nn.Linear(heads * head_dim, width)
        self.mlp_norm = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.fc1 = nn.Linear(width, mlp)
        self.fc2 = nn.Linear(mlp, width)

    def forward(  # type: ignore[override]
        self, x: torch.Tensor, adapter: Optional[Adapter] = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        attended, probs = self.attention(self.attn_norm(x))
        x = x + attended
        if adapter is not None:
            x = x + adapter(x)
        x = x + self.fc2(F.relu(self.fc1(self.mlp_norm(x))))
        return x, probs

    def attention(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, n, _ = h.shape
        inner = self.heads * self.head_dim
        q, k, v = (
            t.reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
            for t in self.to_qkv(h).split(inner, dim=-1)
        )
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * self.scale, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, n, inner)
        return self.to_out(out), probs


class ViTMnist(Backbone):
    """The 6 frozen blocks and the learned 1 + 7 x 7 position table of ViT-MNIST."""

    name = "vit-mnist"
    modality = "2d"

    def __init__(self, state: dict[str, torch.Tensor], source_root: str):
        super().__init__()
        self.source_root = source_root
        rows, width = state["pos_embedding"].shape[-2:]
        self.side = int(round((rows - 1) ** 0.5))
        if self.side * self.side != rows - 1:
            raise ValueError(f"ViT-MNIST: pos_embedding has {rows} rows, not 1 + a square grid")
        depth = 1 + max(int(m.group(1)) for k in state if (m := re.match(r"transformer\.layers\.(\d+)\.", k)))
        inner = state["transformer.layers.0.0.fn.to_qkv.weight"].shape[0] // 3
        mlp = state["transformer.layers.0.1.fn.net.0.weight"].shape[0]
        if inner % HEADS:
            raise ValueError(f"ViT-MNIST: attention width {inner} does not split into {HEADS} heads")
        self.pos_table = nn.Parameter(torch.empty(rows, width), requires_grad=False)
        self.blocks = nn.ModuleList([ViTBlock(width, HEADS, inner // HEADS, mlp) for _ in range(depth)])
        self.width_in = self.width_out = width
        self.mapped = map_source_state_dict(state, _BLOCK_RENAMES, _CLASSIFIER_RENAMES)
        _frozen(self, self.mapped)

    def position_encoding(self, pos: torch.Tensor) -> torch.Tensor:
        """pos [B, M, T, 2] = (column, row) in [0, G-1] (clamped) -> [B, M, T, width]: bilinear
        interpolation of the grid rows 1.. (row-major), docs/geometry.md 5.2."""
        if pos.dim() != 4 or pos.shape[-1] != 2:
            raise ValueError(f"ViT-MNIST position_encoding: pos must be [B, M, T, 2], got {list(pos.shape)}")
        g = self.side
        table = self.pos_table[1:]
        pos = pos.to(table.dtype).clamp(0, g - 1)
        lo = torch.floor(pos)
        w = pos - lo
        x0, y0 = lo[..., 0].long(), lo[..., 1].long()
        x1, y1 = torch.clamp(x0 + 1, max=g - 1), torch.clamp(y0 + 1, max=g - 1)
        wx, wy = w[..., 0:1], w[..., 1:2]
        top = table[y0 * g + x0] * (1.0 - wx) + table[y0 * g + x1] * wx
        bottom = table[y1 * g + x0] * (1.0 - wx) + table[y1 * g + x1] * wx
        return top * (1.0 - wy) + bottom * wy

    def class_position(self) -> torch.Tensor:
        return self.pos_table[0]

    def grid(self) -> dict:
        return {"kind": "2d", "grid": self.side}

    def frozen_sources(self) -> dict[str, FrozenSource]:
        out = {}
        for ours, theirs in self.mapped.origin.items():
            transform = "identity"
            if ours == "pos_table":
                transform = "reshape:" + ",".join(str(d) for d in self.pos_table.shape)
            out[ours] = FrozenSource(SOURCE.file, theirs, transform)
        return out


class _ClassifierParts(nn.Module):
    """What the digit classifier has beyond the backbone (loaded strictly, like the backbone)."""

    def __init__(self, width: int, classes: int):
        super().__init__()
        self.cls_token = nn.Parameter(torch.empty(1, 1, width))
        self.patch_embed = nn.Linear(PATCH * PATCH, width)
        self.head_norm = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.head = nn.Linear(width, classes)


class ViTMnistClassifier(nn.Module):
    """The original digit classifier (patch embedding + ViTMnist + mlp_head), for the proof on
    the real digits. The Any2Point model uses ViTMnist alone."""

    def __init__(self, state: dict[str, torch.Tensor], backbone: ViTMnist):
        super().__init__()
        self.backbone = backbone
        self.parts = _ClassifierParts(backbone.width_in, state["mlp_head.1.weight"].shape[0])
        _frozen(self.parts, map_source_state_dict(state, _CLASSIFIER_RENAMES, _BLOCK_RENAMES))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images [B, 28, 28] uint8 grey 0..255 -> logits [B, 10]."""
        if images.dim() != 3 or tuple(images.shape[1:]) != (IMAGE, IMAGE):
            raise ValueError(f"ViT-MNIST: images must be [B, {IMAGE}, {IMAGE}], got {list(images.shape)}")
        x = (images.to(torch.float32) / 255.0 - MNIST_MEAN) / MNIST_STD
        b, g = x.shape[0], IMAGE // PATCH
        # 'b (h p1) (w p2) -> b (h w) (p1 p2)': patches row-major, pixels row-major inside.
        patches = x.reshape(b, g, PATCH, g, PATCH).permute(0, 1, 3, 2, 4).reshape(b, g * g, PATCH * PATCH)
        p = self.parts
        x = torch.cat([p.cls_token.expand(b, 1, -1), p.patch_embed(patches)], dim=1)
        x = x + self.backbone.pos_table
        for block in self.backbone.blocks:
            x, _ = block(x)
        return p.head(p.head_norm(x[:, 0]))


def load_state(root: Optional[str] = None) -> tuple[dict[str, torch.Tensor], Path]:
    path = locate(SOURCE, root)
    state = torch.load(str(path), map_location="cpu")
    if not isinstance(state, dict):
        raise ValueError(f"ViT-MNIST: {path} holds a {type(state).__name__}, expected a state_dict")
    return state, path


def load_vit_mnist(root: Optional[str] = None) -> ViTMnist:
    """The frozen ViT-MNIST backbone (source: `root`, else ../shared/backbones/vit-mnist, else
    download); `.mapped.dropped` lists the source keys it left out."""
    state, path = load_state(root)
    return ViTMnist(state, str(path.parent)).eval()


def load_vit_mnist_classifier(root: Optional[str] = None) -> ViTMnistClassifier:
    state, path = load_state(root)
    return ViTMnistClassifier(state, ViTMnist(state, str(path.parent))).eval()
