"""Writes tests/fixtures/loaders/: NumPy files as NumPy itself writes them (np.save, np.savez,
np.savez_compressed, format versions 1 and 2, Fortran order, big-endian, structured and object
arrays) and LAS files in the layouts of the ASPRS spec (1.2 formats 0 and 3, 1.4 format 7 with
the 64-bit count, extra bytes a record, withheld points, map coordinates, LAZ's flag), and Gaussian
splats in the layouts their writers use (3D Gaussian Splatting's PLY, SuperSplat's compressed PLY,
.splat, SPZ versions 2 and 3; the spiral's splats opaque and coloured, SPLAT_FLOATERS nearly
transparent ones around it). Both the app's readers (tests/io/npy.test.ts, las.test.ts,
splats.test.ts) and the training package's (test_meshio.py) read these same files and compare what
they read with `spiral()`, which both sides compute.

    cd training && PYTHONPATH=. python3 -m any2point.tools.loader_fixtures
"""
from __future__ import annotations

import gzip
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


# Gaussian splats: the spiral's points as opaque splats coloured spiral_colors(), then SPLAT_FLOATERS
# nearly transparent ones (opacity 0.02) in a box twice the spiral's size: the readers leave them out.
SPLAT_FLOATERS = 20
SH_C0 = 0.28209479177387814


def spiral_colors(n: int = N) -> np.ndarray:
    """The splat fixtures' colours (red rising, blue falling), [n, 3] in 0..1 (loaderFixtures.ts too)."""
    t = np.arange(n) / (n - 1)
    return np.stack([0.1 + 0.8 * t, np.full(n, 0.5), 0.9 - 0.8 * t], 1)


def splat_scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, colours (0..1) and opacities (0..1) of the splat fixtures' N + SPLAT_FLOATERS splats."""
    rng = np.random.default_rng(7)
    p = spiral()
    floaters = rng.uniform(-1, 1, (SPLAT_FLOATERS, 3)) * (p.max(0) - p.min(0)) + (p.max(0) + p.min(0)) / 2
    colours = np.concatenate([spiral_colors(), rng.uniform(0, 1, (SPLAT_FLOATERS, 3))])
    return np.concatenate([p, floaters]), colours, np.concatenate([np.full(N, 0.88), np.full(SPLAT_FLOATERS, 0.02)])


def _ply_header(elements: list[tuple[str, int, list[tuple[str, str]]]]) -> bytes:
    lines = ["ply", "format binary_little_endian 1.0"]
    for name, count, props in elements:
        lines.append(f"element {name} {count}")
        lines += [f"property {t} {p}" for t, p in props]
    return ("\n".join(lines + ["end_header"]) + "\n").encode()


def gaussian_ply(xyz, rgb, alpha) -> bytes:
    """3D Gaussian Splatting's PLY: x y z, zero normals, f_dc_0..2, 45 f_rest, the opacity's logit,
    log scales and a quaternion, all float32."""
    n = len(xyz)
    names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2", *[f"f_rest_{i}" for i in range(45)],
             "opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    cols = [xyz, np.zeros((n, 3)), (rgb - 0.5) / SH_C0, np.zeros((n, 45)), np.log(alpha / (1 - alpha))[:, None],
            np.full((n, 3), np.log(0.01)), np.tile([1.0, 0, 0, 0], (n, 1))]
    return _ply_header([("vertex", n, [("float", c) for c in names])]) + np.concatenate(cols, 1).astype("<f4").tobytes()


def _unorm(v: np.ndarray, bits: int) -> np.ndarray:
    top = (1 << bits) - 1
    return np.clip(np.floor(v * top + 0.5), 0, top).astype(np.uint32)


def compressed_ply(xyz, rgb, alpha, colour_bounds: bool = True) -> bytes:
    """SuperSplat's compressed PLY: per 256 splats a chunk of position (and colour) bounds; per splat
    packed_position (11, 10, 11 bits of the chunk's range), packed_rotation, packed_scale and
    packed_color (r, g, b, opacity bytes); then an 'sh' element of bytes (degree 1)."""
    n = len(xyz)
    chunks, packed = [], []
    for c in range(0, n, 256):
        p, col = xyz[c:c + 256], rgb[c:c + 256]
        lo, hi = p.min(0), p.max(0)
        f = (p - lo) / np.where(hi > lo, hi - lo, 1)
        position = _unorm(f[:, 0], 11) << 21 | _unorm(f[:, 1], 10) << 11 | _unorm(f[:, 2], 11)
        clo, chi = (col.min(0), col.max(0)) if colour_bounds else (np.zeros(3), np.ones(3))
        g = (col - clo) / np.where(chi > clo, chi - clo, 1)
        colour = _unorm(g[:, 0], 8) << 24 | _unorm(g[:, 1], 8) << 16 | _unorm(g[:, 2], 8) << 8 | _unorm(alpha[c:c + 256], 8)
        bounds = [*lo, *hi, -5, -5, -5, -4, -4, -4] + ([*clo, *chi] if colour_bounds else [])
        chunks.append(np.array(bounds, "<f4"))
        packed.append(np.stack([position, np.zeros_like(position), np.zeros_like(position), colour], 1))
    bound_names = ["min_x", "min_y", "min_z", "max_x", "max_y", "max_z", "min_scale_x", "min_scale_y", "min_scale_z",
                   "max_scale_x", "max_scale_y", "max_scale_z"] + (["min_r", "min_g", "min_b", "max_r", "max_g", "max_b"] if colour_bounds else [])
    head = _ply_header([("chunk", len(chunks), [("float", b) for b in bound_names]),
                        ("vertex", n, [("uint", f"packed_{k}") for k in ("position", "rotation", "scale", "color")]),
                        ("sh", n, [("uchar", f"f_rest_{i}") for i in range(9)])])
    return head + np.concatenate(chunks).tobytes() + np.concatenate(packed).astype("<u4").tobytes() + np.full(9 * n, 128, np.uint8).tobytes()


def dot_splat(xyz, rgb, alpha) -> bytes:
    """.splat: 32 bytes a splat: x y z and three scales (float32), r g b alpha (bytes), a quaternion (bytes)."""
    n = len(xyz)
    rec = np.zeros(n, [("p", "<f4", 3), ("s", "<f4", 3), ("c", "u1", 4), ("q", "u1", 4)])
    rec["p"], rec["s"] = xyz, 0.01
    rec["c"] = np.round(np.concatenate([rgb, alpha[:, None]], 1) * 255)
    rec["q"] = (255, 128, 128, 128)
    return rec.tobytes()


def spz(xyz, rgb, alpha, version: int, degree: int = 0, fractional_bits: int = 12) -> bytes:
    """SPZ: gzip of a 16-byte header ("NGSP", version, count, degree, fractional bits, flags, 0) and
    then positions (24-bit fixed point), alphas, colours (0.5 + 0.15 dc, bytes), scales, rotations
    (3 bytes in version 2, 4 in 3) and the higher harmonics of `degree`."""
    n = len(xyz)
    fixed = np.round(xyz * (1 << fractional_bits)).astype(np.int64) & 0xFFFFFF
    positions = np.stack([fixed & 255, fixed >> 8 & 255, fixed >> 16], -1).astype(np.uint8)
    colours = np.clip(np.round(((rgb - 0.5) / SH_C0 * 0.15 + 0.5) * 255), 0, 255).astype(np.uint8)
    harmonics = (0, 3, 8, 15, 24)[degree]
    body = [positions.tobytes(), np.round(alpha * 255).astype(np.uint8).tobytes(), colours.tobytes(),
            np.full(3 * n, 80, np.uint8).tobytes(), np.full((3 if version == 2 else 4) * n, 128, np.uint8).tobytes(),
            np.full(3 * harmonics * n, 128, np.uint8).tobytes()]
    header = struct.pack("<IIIBBBB", 0x5053474E, version, n, degree, fractional_bits, 0, 0)
    return gzip.compress(header + b"".join(body), mtime=0)


def write_splats() -> None:
    xyz, rgb, alpha = splat_scene()
    (OUT / "splats-3dgs.ply").write_bytes(gaussian_ply(xyz, rgb, alpha))
    # 236 transparent floaters fill the first chunk, so the spiral is the second chunk of 256.
    rng = np.random.default_rng(8)
    more = rng.uniform(-6, 6, (256 - SPLAT_FLOATERS, 3))
    order = np.r_[N:N + SPLAT_FLOATERS, 0:N]
    xyz2 = np.concatenate([more, xyz[order]])
    rgb2, alpha2 = np.concatenate([np.full((len(more), 3), 0.5), rgb[order]]), np.concatenate([np.full(len(more), 0.02), alpha[order]])
    (OUT / "splats-compressed.ply").write_bytes(compressed_ply(xyz2, rgb2, alpha2))
    (OUT / "splats-compressed-no-colour-bounds.ply").write_bytes(compressed_ply(xyz, rgb, alpha, colour_bounds=False))
    (OUT / "splats.splat").write_bytes(dot_splat(xyz, rgb, alpha))
    (OUT / "splats-v2.spz").write_bytes(spz(xyz, rgb, alpha, 2))
    (OUT / "splats-v3-sh1.spz").write_bytes(spz(xyz, rgb, alpha, 3, degree=1))
    (OUT / "splats-cut.splat").write_bytes(dot_splat(xyz, rgb, alpha)[:-5])
    (OUT / "splats-short.spz").write_bytes(gzip.compress(gzip.decompress(spz(xyz, rgb, alpha, 3))[:-40], mtime=0))
    (OUT / "not-splats.spz").write_bytes(gzip.compress(b"ply\nformat ascii 1.0\n", mtime=0))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_npy()
    write_las()
    write_splats()
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
