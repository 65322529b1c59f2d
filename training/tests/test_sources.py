"""Backbone source files: found in ../shared (or an override) and checked by sha256; otherwise
downloaded from their address and checked; a missing or wrong file is an error that names the
address and the expected checksum. Downloads are exercised with file:// addresses (no network)."""
from __future__ import annotations

import hashlib
import os
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
from any2point.backbones.sources import SOURCES, SourceError, SourceFile, locate, sha256_of


def test_shared_files_are_found_and_match():
    for name, source in SOURCES.items():
        path = locate(name, allow_download=False)
        assert path.name == source.file and path.parent.name == name
        assert sha256_of(path) == source.sha256
        assert source.url.startswith("https://") and source.url.endswith("/" + source.file)


def test_env_override_is_searched_first(tmp_path, monkeypatch):
    real = locate("kwt1", allow_download=False)
    folder = tmp_path / "backbones" / "kwt1"
    folder.mkdir(parents=True)
    (folder / "non_stream.tflite").symlink_to(real)
    monkeypatch.setenv("ANY2POINT_SHARED", str(tmp_path))
    assert locate("kwt1", allow_download=False) == folder / "non_stream.tflite"


def test_missing_file_names_address_and_checksum(tmp_path):
    with pytest.raises(SourceError) as err:
        locate("kwt1", root=str(tmp_path), allow_download=False)
    message = str(err.value)
    assert SOURCES["kwt1"].url in message and SOURCES["kwt1"].sha256 in message
    assert str(tmp_path / "non_stream.tflite") in message


def test_wrong_file_names_address_and_checksums(tmp_path):
    (tmp_path / "vit_mnist_gpu.pt").write_bytes(b"not the weights")
    with pytest.raises(SourceError) as err:
        locate("vit-mnist", root=str(tmp_path))
    message = str(err.value)
    source = SOURCES["vit-mnist"]
    assert source.url in message and source.sha256 in message
    assert hashlib.sha256(b"not the weights").hexdigest() in message


def served(tmp_path, content: bytes, sha: str | None = None) -> SourceFile:
    origin = tmp_path / "origin" / "weights.bin"
    origin.parent.mkdir()
    origin.write_bytes(content)
    return SourceFile("demo", "weights.bin", origin.as_uri(), sha or hashlib.sha256(content).hexdigest(), "MIT")


def test_download_checks_and_keeps_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ANY2POINT_CACHE", str(tmp_path / "cache"))
    source = served(tmp_path, b"\x00\x01frozen weights" * 1000)
    path = locate(source)
    assert path == tmp_path / "cache" / "backbones" / "demo" / "weights.bin"
    assert path.read_bytes() == b"\x00\x01frozen weights" * 1000
    # found in the cache the second time, even with the origin gone
    (tmp_path / "origin" / "weights.bin").unlink()
    assert locate(source) == path


def test_download_with_wrong_checksum_leaves_nothing(tmp_path):
    source = served(tmp_path, b"tampered", sha="0" * 64)
    dest = tmp_path / "dest"
    with pytest.raises(SourceError) as err:
        locate(source, root=str(dest))
    assert source.url in str(err.value) and "0" * 64 in str(err.value)
    assert list(dest.iterdir()) == []


def test_download_of_lfs_pointer_says_so(tmp_path):
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
    source = served(tmp_path, pointer, sha="1" * 64)
    with pytest.raises(SourceError, match="Git LFS pointer"):
        locate(source, root=str(tmp_path / "dest"))


def test_unreachable_address_names_address_and_checksum(tmp_path):
    source = SourceFile("demo", "weights.bin", (tmp_path / "nowhere.bin").as_uri(), "2" * 64, "MIT")
    with pytest.raises(SourceError) as err:
        locate(source, root=str(tmp_path / "dest"))
    message = str(err.value)
    assert "downloading failed" in message and source.url in message and "2" * 64 in message


def test_unknown_backbone_lists_the_known_ones():
    with pytest.raises(SourceError, match="kwt1"):
        locate("dinov2")
