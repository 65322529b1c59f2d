"""Blocks a tool fits on a checkpoint (calibration.json, novelty.json, upright.json) and the manifest keeps.

Both sides of one rule: a tool writes its block beside the checkpoint (with the checkpoint's
sha256 inside) and into the exported manifest; export copies it into a re-exported manifest only
when it was fitted on that very checkpoint file."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional

from .backbones.sources import sha256_of
from .datasets import REPO


def write_fitted_block(checkpoint: Path, name: str, key: str, block: dict, to_manifest: Callable[[dict], dict],
                       model_id: str, repo: Path = REPO) -> None:
    """`block` to `name` beside the checkpoint, and to_manifest(block) as the manifest's `key`
    (public/models/<model_id>/manifest.json, when it exists; the rest of the manifest kept)."""
    (checkpoint.parent / name).write_text(json.dumps(block, indent=1) + "\n")
    manifest = repo / "public" / "models" / model_id / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())  # read now: it may have been re-exported meanwhile
        m[key] = to_manifest(block)
        manifest.write_text(json.dumps(m, indent=2) + "\n")


def fitted_block(checkpoint: Path, name: str, to_manifest: Callable[[dict], dict], tool: str, log=print) -> Optional[dict]:
    """The manifest block from `name` (a tool's output beside the checkpoint: calibration.json,
    novelty.json, upright.json), only when it was fitted on this very checkpoint file (its checkpointSha256):
    another checkpoint's figures would mislabel the new model's answers as sure or not sure."""
    path = checkpoint.parent / name
    if not path.exists():
        return None
    block = json.loads(path.read_text())
    fitted_on, exported = block.get("checkpointSha256"), sha256_of(checkpoint)
    if fitted_on != exported:
        log(f"warning: {path} was fitted on checkpoint sha256 {fitted_on or '(not recorded)'}, not on "
            f"{checkpoint} ({exported}): left out of the manifest; run {tool} --write again")
        return None
    return to_manifest(block)
