"""Where each tensor's bytes lie inside a PyTorch state_dict file (torch.save's zip format), so
that the browser's assembly step can copy frozen weights out of the original file by byte range,
with no pickle parser. Reads data.pkl with an unpickler that only records storage references
(nothing from the file is executed) and the zip's local headers for the data offsets.
"""
from __future__ import annotations

import collections
import pickle
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

_ITEMSIZE = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "LongStorage": 8, "IntStorage": 4}


@dataclass(frozen=True)
class ByteRange:
    offset: int  # in the .pt file
    nbytes: int
    shape: tuple[int, ...]
    storage_type: str  # e.g. 'FloatStorage' (float32, little-endian per the file's byteorder)


@dataclass(frozen=True)
class _Tensor:
    storage: dict
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild(storage, storage_offset, size, stride, *_rest):
    return _Tensor(storage, int(storage_offset), tuple(size), tuple(stride))


class _RecordingUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in _ITEMSIZE:
            return name
        raise pickle.UnpicklingError(f"state_dict file: unexpected object {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', storage type, key = file name under data/, location, element count)
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"state_dict file: unexpected persistent id {pid!r}")
        return {"type": pid[1], "key": str(pid[2])}


def _data_offset(f, info: zipfile.ZipInfo) -> int:
    f.seek(info.header_offset)
    header = f.read(30)
    if header[:4] != b"PK\x03\x04":
        raise ValueError(f"state_dict file: bad local header for {info.filename}")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    return info.header_offset + 30 + name_len + extra_len


def byte_ranges(path: str | Path) -> dict[str, ByteRange]:
    """state_dict key -> where its (row-major, contiguous) bytes are in the file."""
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        pkl = [n for n in z.namelist() if n.endswith("/data.pkl")]
        if len(pkl) != 1:
            raise ValueError(f"{path}: not a torch.save zip (no single data.pkl)")
        prefix = pkl[0][: -len("data.pkl")]
        state = _RecordingUnpickler(z.open(pkl[0])).load()
        if not isinstance(state, dict):
            raise ValueError(f"{path}: holds a {type(state).__name__}, expected a state_dict")
        out = {}
        for key, t in state.items():
            itemsize = _ITEMSIZE[t.storage["type"]]
            expected, step = [], 1
            for d in reversed(t.shape):
                expected.insert(0, step)
                step *= d
            if list(t.stride) != expected and step > 1:
                raise ValueError(f"{path}: tensor {key} is not contiguous (stride {t.stride})")
            info = z.getinfo(prefix + "data/" + t.storage["key"])
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{path}: storage of {key} is compressed")
            start = _data_offset(f, info) + t.offset * itemsize
            out[key] = ByteRange(start, step * itemsize, t.shape, t.storage["type"])
        return out
