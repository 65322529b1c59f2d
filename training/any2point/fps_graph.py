"""geometry.fps replayed as one CUDA graph: training's fresh geometry on a GPU.

FPS is sequential in its samples: 512 iterations of a few small kernels each. Launched one by one
(eager), a batch of damaged clouds took about 105 ms on an idle H200, most of a training step;
captured once and replayed as a CUDA graph, 14 ms, with identical indices (the same kernels in
the same order; `training/probes/fps_cuda_graph.py`, docs/training.md). A graph has fixed shapes,
so a batch is padded up to a bucket of `BUCKET` clouds (padding rows are whatever the graph's
input held last: valid clouds whose indices are dropped) and one graph is kept per (bucket, N, S,
device). Elsewhere than on CUDA it is geometry.fps itself.
"""
from __future__ import annotations

import torch

from . import geometry as geo

BUCKET = 32
_graphs: dict[tuple, tuple[torch.Tensor, "torch.cuda.CUDAGraph", torch.Tensor]] = {}


def padded_rows(b: int) -> int:
    """The bucket a batch of `b` clouds is padded to."""
    return max(BUCKET, -(-b // BUCKET) * BUCKET)


def _capture(rows: int, n: int, s: int, device: torch.device):
    static_x = torch.rand(rows, n, 3, generator=torch.Generator().manual_seed(0)).to(device)
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):  # warm-up outside the capture, as CUDA graphs ask
        geo.fps(static_x, s)
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        out = geo.fps(static_x, s)
    return static_x, graph, out


def fps(points: torch.Tensor, s: int) -> torch.Tensor:
    """geometry.fps of `points` [B, N, 3]; on CUDA through a cached graph (same indices)."""
    if points.device.type != "cuda" or points.dim() != 3:
        return geo.fps(points, s)
    b, n, _ = points.shape
    key = (padded_rows(b), n, s, points.device)
    if key not in _graphs:
        _graphs[key] = _capture(key[0], n, s, points.device)
    static_x, graph, out = _graphs[key]
    static_x[:b].copy_(points)
    graph.replay()
    return out[:b].clone()
