"""Where a backbone's frozen source file comes from, checked by sha256.

Third-party weights are never committed. A source file is looked for in
the folder the caller names (`root`), and only there; or, without one, in order, in
  1. $ANY2POINT_SHARED/backbones/<name>/   (env override of the shared folder),
  2. <repo>/../shared/backbones/<name>/    (this environment and CI: shared/ beside the clone),
  3. the download cache ($ANY2POINT_CACHE, default ~/.cache/any2point)/backbones/<name>/.
When it is not there, it is downloaded from its public address (into `root`, or the cache). Whatever is found or
downloaded must match the recorded sha256; anything else is an error that names the address and
the expected checksum, so a user can fetch and check the file by hand.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO_ROOT = Path(__file__).resolve().parents[3]
DOWNLOAD_TIMEOUT_S = 60


@dataclass(frozen=True)
class SourceFile:
    name: str  # backbone name, also the folder name under shared/backbones
    file: str  # file name inside that folder
    url: str  # public address of exactly that file (pinned commit)
    sha256: str
    license: str


SOURCES: dict[str, SourceFile] = {
    "kwt1": SourceFile(
        "kwt1",
        "non_stream.tflite",
        "https://raw.githubusercontent.com/ARM-software/keyword-transformer/"
        "237e4097afd4f6851e0b82f0a8d65c2dfe8eae30/models_data_v2_12_labels/kwt1/"
        "tflite_non_stream/non_stream.tflite",
        "b7dc15b422494adbdd1b721c4a0f073af36a4d93331e96299512eb1561278327",
        "Apache-2.0",
    ),
    "vit-mnist": SourceFile(
        "vit-mnist",
        "vit_mnist_gpu.pt",
        "https://raw.githubusercontent.com/researchase/vit-mnist-explorations/"
        "325a984b578d1641e20ce015afd4a44cbabc1781/vit_mnist_gpu.pt",
        "f742611b57b99a601fb33fbb50f262131988a2bbca0bc2d3ae8544d25cd89b2c",
        "MIT",
    ),
}


class SourceError(RuntimeError):
    """A backbone source file is missing, cannot be downloaded, or has the wrong checksum."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def search_dirs(source: SourceFile, root: Optional[str] = None) -> list[Path]:
    """The folders looked in, in order (see the module doc)."""
    if root:
        return [Path(root)]
    dirs = []
    if os.environ.get("ANY2POINT_SHARED"):
        dirs.append(Path(os.environ["ANY2POINT_SHARED"]) / "backbones" / source.name)
    dirs.append(REPO_ROOT.parent / "shared" / "backbones" / source.name)
    dirs.append(cache_dir(source))
    return dirs


def cache_dir(source: SourceFile) -> Path:
    base = os.environ.get("ANY2POINT_CACHE") or os.path.join(Path.home(), ".cache", "any2point")
    return Path(base) / "backbones" / source.name


def _wrong_checksum(source: SourceFile, path: Path, actual: str) -> SourceError:
    return SourceError(
        f"{source.name}: {path} has sha256 {actual}, expected {source.sha256}. "
        f"Replace it with the file from {source.url}"
    )


def _missing(source: SourceFile, looked: list[Path], why: str) -> SourceError:
    places = ", ".join(str(d / source.file) for d in looked)
    return SourceError(
        f"{source.name}: {source.file} not found (looked in {places}) and {why}. "
        f"Download it from {source.url} (sha256 {source.sha256}) into one of those folders."
    )


def download(source: SourceFile, dest_dir: Path) -> Path:
    """Fetch source.url into dest_dir/source.file; the file appears only once its sha256 matches."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=source.file + ".", suffix=".part", dir=dest_dir)
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(
            source.url, timeout=DOWNLOAD_TIMEOUT_S
        ) as response:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                h.update(chunk)
                out.write(chunk)
        actual = h.hexdigest()
        if actual != source.sha256:
            hint = ""
            with open(tmp, "rb") as f:
                if f.read(40).startswith(b"version https://git-lfs"):
                    hint = " (the address served a Git LFS pointer, not the file)"
            raise SourceError(
                f"{source.name}: downloaded {source.url} has sha256 {actual}, expected "
                f"{source.sha256}{hint}"
            )
        final = dest_dir / source.file
        os.replace(tmp, final)
        return final
    finally:
        if tmp.exists():
            tmp.unlink()


def locate(source: SourceFile | str, root: Optional[str] = None, allow_download: bool = True) -> Path:
    """Path of the checked source file (see the module doc for the search order)."""
    if isinstance(source, str):
        if source not in SOURCES:
            raise SourceError(f"unknown backbone source {source!r}; known: {sorted(SOURCES)}")
        source = SOURCES[source]
    looked = search_dirs(source, root)
    for d in looked:
        path = d / source.file
        if path.is_file():
            actual = sha256_of(path)
            if actual != source.sha256:
                raise _wrong_checksum(source, path, actual)
            return path
    if not allow_download:
        raise _missing(source, looked, "downloading is off")
    try:
        return download(source, Path(root) if root else cache_dir(source))
    except SourceError:
        raise
    except (OSError, ValueError) as e:  # URLError is an OSError
        raise _missing(source, looked, f"downloading failed ({e})") from e
