"""Writes tests/fixtures/loaders/: NumPy files as NumPy itself writes them (np.save, np.savez,
np.savez_compressed, format versions 1 and 2, Fortran order, big-endian, structured and object
arrays) and LAS files in the layouts of the ASPRS spec (1.2 formats 0 and 3, 1.4 format 7 with
the 64-bit count, extra bytes a record, withheld points, map coordinates, LAZ's flag). Both the
app's readers (tests/io/npy.test.ts, las.test.ts) and the training package's (test_meshio.py)
read these same files and compare what they read with `spiral()`, which both sides compute.

    cd training && PYTHONPATH=. python3 -m any2point.tools.loader_fixtures
"""
from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "loaders"
N = 100
# Where the map-coordinate fixtures sit (a UTM easting / northing in metres).
FAR = (512345.0, 5401234.0, 100.0)


def spiral(n: int = N) -> np.ndarray:
    """The fixtures' points: a rising spiral, [n, 3] float64 (tests/io/loaderFixtures.ts has the same)."""
    i = np.arange(n, dtype=np.float64)
    r = 1 + i / 50
    return np.stack([np.cos(0.3 * i) * r, np.sin(0.3 * i) * r, i / 25], 1)


def unit_normals(p: np.ndarray) -> np.ndarray:
    return p / np.linalg.norm(p, axis=1, keepdims=True)


def _save(name: str, a: np.ndarray, version=None) -> None:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=version, allow_pickle=True)
    (OUT / name).write_bytes(buf.getvalue())


def write_npy() -> None:
    p = spiral()
    _save("rows-f4.npy", p.astype("<f4"))
    _save("rows-f8-fortran-v2.npy", np.asfortranarray(p), version=(2, 0))
    _save("channels-first-f4.npy", np.ascontiguousarray(p.T.astype("<f4")))
    _save("batch-of-one-normals.npy", np.concatenate([p, unit_normals(p)], 1)[None].astype("<f4"))
    _save("big-endian-f8.npy", p.astype(">f8"))
    _save("far-f8.npy", p + np.array(FAR))
    _save("int16-mm.npy", np.round(p * 1000).astype("<i2"))
    _save("batch.npy", np.stack([p, p]).astype("<f4"))
    _save("flat.npy", p.reshape(-1).astype("<f4"))
    _save("structured.npy", np.array([tuple(r) for r in p], dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4")]))
    _save("objects.npy", np.array([p, "a label"], dtype=object))
    np.savez(OUT / "named.npz", labels=np.arange(N), points=p.astype("<f4"))
    np.savez_compressed(OUT / "compressed.npz", p.astype("<f4"))
    np.savez(OUT / "unnamed.npz", a=p, b=p)


# LAS: the public header (LAS 1.4 R15, table 3) and point records (tables 7-17).
RECORD_MIN = (20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67)
RGB_AT = {2: 20, 3: 28, 5: 28, 7: 30, 8: 30, 10: 30}


def las_bytes(p: np.ndarray, fmt: int, minor: int, *, scale=0.001, offset=(0.0, 0.0, 0.0), extra=0,
              withheld=(), rgb=None, vlr=b"", compressed=False) -> bytes:
    header_size = {2: 227, 3: 235, 4: 375}.get(minor, 227)
    length = RECORD_MIN[fmt] + extra
    count = len(p)
    h = bytearray(header_size)
    h[0:4] = b"LASF"
    h[24], h[25] = 1, minor
    h[26:58] = b"any2point loader fixtures".ljust(32, b"\0")
    struct.pack_into("<HIIBH", h, 94, header_size, header_size + len(vlr), 1 if vlr else 0,
                     fmt | (0xC0 if compressed else 0), length)
    struct.pack_into("<I", h, 107, 0 if minor >= 4 else count)
    struct.pack_into("<3d3d", h, 131, scale, scale, scale, *offset)
    lo, hi = p.min(0), p.max(0)
    struct.pack_into("<6d", h, 179, hi[0], lo[0], hi[1], lo[1], hi[2], lo[2])
    if minor >= 4:
        struct.pack_into("<Q", h, 247, count)
    q = np.round((p - np.array(offset)) / scale).astype("<i4")
    records = bytearray(length * count)
    for i in range(count):
        at = i * length
        struct.pack_into("<3i", records, at, *q[i])
        struct.pack_into("<H", records, at + 12, 100 + i)  # intensity
        if i in withheld:
            records[at + 15] |= 0x80 if fmt < 6 else 0x04
        records[at + (16 if fmt >= 6 else 15)] |= 1  # class 1, unclassified (formats 0-5: bits 0-4)
        if rgb is not None:
            struct.pack_into("<3H", records, at + RGB_AT[fmt], *rgb[i])
    return bytes(h) + vlr + bytes(records)


def write_las() -> None:
    p = spiral()
    (OUT / "format0-v12.las").write_bytes(las_bytes(p, 0, 2))
    colours = np.stack([np.arange(N) * 2, 255 - np.arange(N) * 2, np.full(N, 128)], 1)
    vlr = struct.pack("<H16sHH32s", 0, b"LASF_Projection", 34735, 8, b"a key directory".ljust(32, b"\0")) + bytes(8)
    (OUT / "format3-rgb8-vlr.las").write_bytes(las_bytes(p, 3, 2, rgb=colours, vlr=vlr))
    (OUT / "format7-v14-rgb16-extra.las").write_bytes(las_bytes(p, 7, 4, rgb=colours * 257, extra=4))
    (OUT / "withheld-far.las").write_bytes(las_bytes(p + np.array(FAR), 1, 2, offset=(512000.0, 5401000.0, 0.0), withheld=(0, 1, 2)))
    (OUT / "compressed.laz").write_bytes(las_bytes(p[:4], 3, 2, compressed=True))
    (OUT / "truncated.las").write_bytes(las_bytes(p, 0, 2)[:-30])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_npy()
    write_las()
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
