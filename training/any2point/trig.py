"""sin and cos of the model, exact in PyTorch and precise in the exported graph.

WebGPU implementations may evaluate WGSL `sin`/`cos` coarsely: the spec allows an absolute error
of 2^-11, and SwiftShader (Chromium's software adapter) is off by 1.9e-4. Through the position
encodings that moves the logits by more than 1e-3. So while exporting (`graph_trig()`), sin and cos
are written out as elementwise arithmetic every backend does in correctly rounded float32: a
two-constant reduction to [-pi, pi] and Taylor polynomials to x^17 / x^18 (truncation < 4e-8,
about 1e-6 all told for |x| < 1000)."""
from __future__ import annotations

import contextlib
import math
from typing import Iterator

import torch

_GRAPH = False
_TWO_PI_HI = 6.28125  # 9 significant bits: k * _TWO_PI_HI is exact for |k| < 2^15
_TWO_PI_LO = 2.0 * math.pi - 6.28125
_SIN = [(-1) ** j / math.factorial(2 * j + 1) for j in range(9)]  # r * sum_j c_j r^2j, to r^17
_COS = [(-1) ** j / math.factorial(2 * j) for j in range(10)]  # sum_j c_j r^2j, to r^18


@contextlib.contextmanager
def graph_trig() -> Iterator[None]:
    """Within it, sin_cos builds the polynomial form (for torch.onnx.export)."""
    global _GRAPH
    previous, _GRAPH = _GRAPH, True
    try:
        yield
    finally:
        _GRAPH = previous


def _horner(u: torch.Tensor, coefficients: list[float]) -> torch.Tensor:
    acc = u * coefficients[-1] + coefficients[-2]  # no full-size constant in the traced graph
    for c in reversed(coefficients[:-2]):
        acc = acc * u + c
    return acc


def sin_cos(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(sin x, cos x): torch's own, or the polynomial form inside graph_trig()."""
    if not _GRAPH:
        return torch.sin(x), torch.cos(x)
    k = torch.round(x * (1.0 / (2.0 * math.pi)))
    r = (x - k * _TWO_PI_HI) - k * _TWO_PI_LO
    u = r * r
    return r * _horner(u, _SIN), _horner(u, _COS)
