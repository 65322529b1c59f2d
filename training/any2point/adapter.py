"""The any-to-3D guided adapter (Any2Point section 3.3), one per frozen block.

Per view m, tokens that fall into the same cell of the virtual image / segment of the line
attend to each other (cell_mask), the result is mean + max pooled within the cell and broadcast
back; the M views are then ensembled with weights from their cosine similarity to a
non-parametric 3D branch (the mean of the tokens in the same voxel). Everything is per cloud.
"""
from __future__ import annotations

import math

import torch
from torch import nn

NEG = -1e4  # masked logits / max-pool fill; exp underflows to exactly 0 in float32


class GuidedAdapter(nn.Module):
    def __init__(self, width: int, bottleneck: int = 32, temperature: float = 10.0):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.down = nn.Linear(width, bottleneck)
        self.qk = nn.Linear(bottleneck, 2 * bottleneck)
        self.up = nn.Linear(bottleneck, width)
        self.log_temp = nn.Parameter(torch.tensor(math.log(temperature)))
        self.scale = bottleneck ** -0.5
        # Starts as the identity: the frozen backbone sees exactly its own stream at step 0.
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor, cell_mask: torch.Tensor, voxel_mask: torch.Tensor) -> torch.Tensor:
        """x [B, T, W], cell_mask [B, M, T, T], voxel_mask [B, T, T] -> delta [B, T, W]."""
        h = self.down(self.norm(x))  # [B, T, r]
        q, k = self.qk(h).chunk(2, dim=-1)
        logits = (q @ k.transpose(1, 2)) * self.scale  # [B, T, T], shared by the views
        outside = (1.0 - cell_mask) * NEG  # [B, M, T, T]: 0 inside the cell, NEG outside
        logits = logits[:, None] + outside  # attend only inside the cell
        local = torch.softmax(logits, dim=-1) @ h[:, None]  # [B, M, T, r]
        count = cell_mask.sum(-1, keepdim=True)
        mean = (cell_mask / count) @ local  # mean over the cell, broadcast back
        # The same values unsqueezed after the product: onnxruntime-web multiplies a [.., T, 1]
        # tensor ~20x slower per element than a [.., T] one.
        fill = outside[..., None]  # [B, M, T, T, 1]
        mx = (local[:, :, None] + fill).max(dim=3).values  # max over the cell
        views = mean + mx  # [B, M, T, r]
        ref = (voxel_mask / voxel_mask.sum(-1, keepdim=True)) @ h  # 3D branch [B, T, r]
        cos = nn.functional.cosine_similarity(views, ref[:, None], dim=-1, eps=1e-6)  # [B, M, T]
        w = torch.softmax(cos * self.log_temp.exp(), dim=1)
        fused = (w[..., None] * views).sum(1)  # [B, T, r]
        return self.up(nn.functional.gelu(fused))
