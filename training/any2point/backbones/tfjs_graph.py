"""Reader for a TensorFlow.js graph model on disk (model.json + binary weight shards).

The converter writes the graph as a TF GraphDef in JSON (`modelTopology.node`) and every
constant tensor into `weightsManifest`: groups of shard files whose bytes, concatenated in order,
hold the group's tensors back to back in manifest order (little-endian). A tensor may straddle
two shards. Weights may be quantized (uint8 / uint16 affine, or float16); `tensor()` returns them
dequantized to float32, as TF.js does when it loads them.

`byte_ranges()` tells where a tensor's stored bytes lie in the shard files, so that an assembler
(the export, or the browser) can copy frozen weights straight from the original package.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

# bytes per element and numpy type for the dtypes the TF.js converter writes
_DTYPES: dict[str, tuple[int, Any]] = {
    "float32": (4, np.dtype("<f4")),
    "int32": (4, np.dtype("<i4")),
    "bool": (1, np.dtype("u1")),
    "uint8": (1, np.dtype("u1")),
    "uint16": (2, np.dtype("<u2")),
    "float16": (2, np.dtype("<f2")),
}


@dataclass(frozen=True)
class WeightEntry:
    """One tensor of the weights manifest."""

    name: str
    shape: tuple[int, ...]
    dtype: str  # the tensor's dtype once loaded
    group: int  # index of the manifest group holding it
    offset: int  # byte offset inside the group's concatenated shards
    nbytes: int  # stored bytes (after quantization, if any)
    quantization: Optional[dict]  # {'dtype', 'scale', 'min'} or {'dtype': 'float16'}; None if raw

    @property
    def stored_dtype(self) -> str:
        return self.quantization["dtype"] if self.quantization else self.dtype


class TfjsGraph:
    """A TF.js graph model: its nodes by name and its weights by name."""

    def __init__(self, model_json_path: str) -> None:
        if not os.path.isfile(model_json_path):
            raise FileNotFoundError(f"TF.js graph model: no model.json at {model_json_path}")
        with open(model_json_path, "r", encoding="utf-8") as f:
            model = json.load(f)
        for key in ("modelTopology", "weightsManifest"):
            if key not in model:
                raise ValueError(f"TF.js graph model {model_json_path}: missing '{key}'")
        self.model_json_path = model_json_path
        self.root = os.path.dirname(os.path.abspath(model_json_path))
        self.nodes: dict[str, dict] = {n["name"]: n for n in model["modelTopology"].get("node", [])}
        self.groups: list[list[str]] = []  # shard paths (relative to root) per group
        self.weights: dict[str, WeightEntry] = {}
        for g, group in enumerate(model["weightsManifest"]):
            self.groups.append(list(group["paths"]))
            offset = 0
            for w in group["weights"]:
                entry = _entry(w, g, offset, model_json_path)
                self.weights[entry.name] = entry
                offset += entry.nbytes
            size = sum(self._shard_size(p) for p in group["paths"])
            if offset > size:
                raise ValueError(
                    f"TF.js graph model {model_json_path}: group {g} declares {offset} bytes of "
                    f"weights, its shards hold {size}"
                )
        self._group_bytes: dict[int, bytes] = {}

    def _shard_size(self, rel: str) -> int:
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"TF.js graph model: weight shard {rel} missing in {self.root}")
        return os.path.getsize(path)

    def node(self, name: str) -> dict:
        if name not in self.nodes:
            raise KeyError(f"TF.js graph: no node named '{name}'")
        return self.nodes[name]

    def byte_ranges(self, name: str) -> list[tuple[str, int, int]]:
        """Where the tensor's stored bytes lie: [(shard path relative to root, start, stop)],
        in order (more than one when the tensor straddles shards)."""
        entry = self._entry(name)
        start, stop = entry.offset, entry.offset + entry.nbytes
        ranges = []
        base = 0
        for rel in self.groups[entry.group]:
            size = self._shard_size(rel)
            lo, hi = max(start, base), min(stop, base + size)
            if lo < hi:
                ranges.append((rel, lo - base, hi - base))
            base += size
        return ranges

    def raw_bytes(self, name: str) -> bytes:
        """The tensor's stored bytes, exactly as in the shards."""
        out = bytearray()
        for rel, lo, hi in self.byte_ranges(name):
            with open(os.path.join(self.root, rel), "rb") as f:
                f.seek(lo)
                chunk = f.read(hi - lo)
            if len(chunk) != hi - lo:
                raise ValueError(f"TF.js graph: shard {rel} ends before the bytes of '{name}'")
            out += chunk
        return bytes(out)

    def tensor(self, name: str) -> np.ndarray:
        """The tensor as TF.js loads it (dequantized), with its manifest shape."""
        entry = self._entry(name)
        _, stored = _DTYPES[entry.stored_dtype]
        data = np.frombuffer(self.raw_bytes(name), dtype=stored)
        q = entry.quantization
        if q is None:
            values = data.astype(_DTYPES[entry.dtype][1], copy=True)
        elif q["dtype"] == "float16":
            values = data.astype(np.float32)
        else:  # affine uint8 / uint16
            values = (data.astype(np.float32) * np.float32(q["scale"]) + np.float32(q["min"]))
            values = values.astype(_DTYPES[entry.dtype][1])
        if entry.dtype == "bool":
            values = values.astype(bool)
        return values.reshape(entry.shape)

    def scalar(self, name: str) -> float:
        value = self.tensor(name)
        if value.size != 1:
            raise ValueError(f"TF.js graph: '{name}' has shape {value.shape}, expected a scalar")
        return float(value.reshape(()))

    def _entry(self, name: str) -> WeightEntry:
        if name not in self.weights:
            raise KeyError(f"TF.js graph {self.model_json_path}: no weight named '{name}'")
        return self.weights[name]


def _entry(w: dict, group: int, offset: int, where: str) -> WeightEntry:
    name, dtype = w.get("name"), w.get("dtype")
    if dtype not in _DTYPES:
        raise ValueError(f"TF.js graph model {where}: weight '{name}' has unsupported dtype {dtype!r}")
    q = w.get("quantization")
    if q is not None and q.get("dtype") not in ("uint8", "uint16", "float16"):
        raise ValueError(f"TF.js graph model {where}: weight '{name}' has unsupported quantization {q}")
    shape = tuple(int(d) for d in w.get("shape", []))
    count = int(np.prod(shape)) if shape else 1
    stored = q["dtype"] if q else dtype
    return WeightEntry(name, shape, dtype, group, offset, count * _DTYPES[stored][0], q)
