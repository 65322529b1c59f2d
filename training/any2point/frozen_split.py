"""Keeps third-party weights out of the committed model: the frozen initializers of an exported
ONNX model move to external data (`frozen.bin`, never committed), and a recipe says where each
tensor's bytes lie in the backbone's original source files, so that scripts/assemble-model.mjs
rebuilds frozen.bin byte for byte from node_modules or ../shared and checks its sha256.

Every backbone keeps its frozen tensors in the source's own layout ('identity' or 'reshape:'
transforms), so a tensor's bytes appear verbatim in its source file; the recipe records where.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import onnx
from onnx import numpy_helper

from .backbones.base import Backbone, FrozenSource

REPO = Path(__file__).resolve().parents[2]


@dataclass
class SourceContainer:
    """The bytes a FrozenSource file stands for: the file itself, or for a TF.js model.json the
    concatenation of its weight shards (a tensor may span two shards)."""

    parts: list[tuple[str, bytes]]  # (file relative to the source base, contents)

    def __post_init__(self) -> None:
        self.blob = b"".join(p for _, p in self.parts)

    def chunks(self, offset: int, length: int) -> list[dict]:
        """Global byte range -> [{file, offset, bytes}] per part."""
        out, start = [], 0
        for name, data in self.parts:
            end = start + len(data)
            lo, hi = max(offset, start), min(offset + length, end)
            if lo < hi:
                out.append({"file": name, "offset": lo - start, "bytes": hi - lo})
            start = end
        return out


def source_info(backbone: Backbone) -> tuple[dict, Path, Path]:
    """(manifest backbone.source, the folder recipe paths are relative to, the backbone's
    source_root). npm packages: relative to the package folder; files from ../shared: the file's
    own folder."""
    root = Path(backbone.source_root).resolve()
    parts = root.parts
    if "node_modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("node_modules")
        depth = 2 if parts[i + 1].startswith("@") else 1
        pkg_dir = Path(*parts[: i + 1 + depth])
        pkg = json.loads((pkg_dir / "package.json").read_text())
        return ({"kind": "npm", "package": pkg["name"], "version": pkg["version"], "license": pkg.get("license", "")},
                pkg_dir, root)
    from .backbones.sources import SOURCES  # url sources (../shared/backbones/<name>)

    if backbone.name not in SOURCES:
        raise ValueError(f"backbone {backbone.name}: source_root {root} is neither an npm package nor a known url source")
    s = SOURCES[backbone.name]
    return ({"kind": "url", "url": s.url, "sha256": s.sha256, "file": s.file, "license": s.license}, root, root)


def container(src_root: Path, base: Path, file: str) -> SourceContainer:
    path = src_root / file
    if not path.is_file():
        raise FileNotFoundError(f"frozen source {path} not found")
    rel = lambda p: os.path.relpath(p, base).replace(os.sep, "/")
    if path.name == "model.json":
        manifest = json.loads(path.read_text())
        shards = [path.parent / p for group in manifest.get("weightsManifest", []) for p in group["paths"]]
        if not shards:
            raise ValueError(f"{path}: TF.js model.json without weightsManifest paths")
        return SourceContainer([(rel(p), p.read_bytes()) for p in shards])
    return SourceContainer([(rel(path), path.read_bytes())])


def split_frozen(onnx_path: Path, backbone: Backbone, prefix: str = "backbone.", frozen_file: str = "frozen.bin") -> dict:
    """Moves the backbone's initializers of `onnx_path` into `frozen_file` beside it (rewrites
    the model in place) and returns the manifest's `frozen` entry (recipe, bytes, sha256)."""
    model = onnx.load(str(onnx_path))
    sources = {prefix + k: v for k, v in backbone.frozen_sources().items()}
    _, base, src_root = source_info(backbone) if sources else (None, Path("."), Path("."))
    containers: dict[str, SourceContainer] = {}
    blob, recipe = bytearray(), []
    seen = set()
    for init in model.graph.initializer:
        if init.name not in sources:
            if init.name.startswith(prefix):
                raise ValueError(f"frozen initializer {init.name} has no entry in {backbone.name}.frozen_sources()")
            continue
        seen.add(init.name)
        fs: FrozenSource = sources[init.name]
        arr = numpy_helper.to_array(init)
        if arr.dtype != np.float32:
            raise ValueError(f"frozen initializer {init.name}: dtype {arr.dtype}, only float32 is split")
        data = np.ascontiguousarray(arr).tobytes()
        if fs.file not in containers:
            containers[fs.file] = container(src_root, base, fs.file)
        c = containers[fs.file]
        at = c.blob.find(data)
        if at < 0:
            raise ValueError(f"frozen initializer {init.name}: its bytes do not appear in {fs.file} "
                             f"(tensor {fs.tensor}, transform {fs.transform}); only byte-identical sources can be rebuilt")
        recipe.append({"name": init.name, "offset": len(blob), "bytes": len(data), "dims": list(arr.shape),
                       "file": fs.file, "tensor": fs.tensor, "transform": fs.transform,
                       "from": c.chunks(at, len(data))})
        # External data: the initializer keeps name/dims/type; its bytes live in frozen_file.
        init.ClearField("raw_data")
        init.ClearField("float_data")
        init.data_location = onnx.TensorProto.EXTERNAL
        del init.external_data[:]
        for k, v in (("location", frozen_file), ("offset", str(len(blob))), ("length", str(len(data)))):
            e = init.external_data.add()
            e.key, e.value = k, v
        blob += data
    # Frozen tensors the Any2Point graph does not use (say a backbone's own classifier) are
    # simply not exported; nothing is needed to rebuild them.
    onnx.save(model, str(onnx_path))
    (onnx_path.parent / frozen_file).write_bytes(bytes(blob))
    return {"file": frozen_file, "bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest(), "recipe": recipe}
