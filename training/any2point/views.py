"""The default virtual cameras (2D) and lines (1D) of docs/geometry.md section 5.

These numbers are data: the export writes them into the manifest and the browser reads them from
there, so this file is the only place they are written down in code.
"""
from __future__ import annotations

import math

import numpy as np


def _f32(x: float) -> float:
    return float(np.float32(x))


# Four side views around the z axis (azimuth 0, 90, 180, 270 degrees), then top and bottom.
# Side view a: rows [cos a, sin a, 0], [0, 0, 1], [-sin a, cos a, 0] with exact 0 / 1 / -1.
DEFAULT_VIEWS: tuple[tuple[float, ...], ...] = (
    (1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0),
    (0.0, 1.0, 0.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.0),
    (-1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, 0.0),
    (0.0, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0),
    (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, -1.0),
    (1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0),
)

_S2 = _f32(1.0 / math.sqrt(2.0))
_S3 = _f32(1.0 / math.sqrt(3.0))

# The three axes and three diagonals, float32-rounded unit directions.
DEFAULT_LINES: tuple[tuple[float, float, float], ...] = (
    (1.0, 0.0, 0.0),
    (0.0, 1.0, 0.0),
    (0.0, 0.0, 1.0),
    (_S2, _S2, 0.0),
    (_S2, -_S2, 0.0),
    (_S3, _S3, _S3),
)
