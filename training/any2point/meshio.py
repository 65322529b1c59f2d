"""A small reader for folder datasets: PLY, OBJ, OFF, STL, PCD, .glb, 3MF, LAS, NumPy (.npy / .npz),
Gaussian splats (3DGS and compressed PLY, .splat, .spz), VTK (.vtk, .vtu), Gmsh, Abaqus and Nastran meshes (by meshio; a
volume mesh as its boundary, cells.py) and XYZ / TXT / CSV / PTS files, each also compressed whole
by gzip, xz or bzip2 (scan.ply.gz, cloud.xyz.xz, scan.las.bz2; Zstandard is the app's only: Python 3.11 has no
decoder), give vertices, and triangles when the file has faces (then the surface is sampled
uniformly by area, like the browser's mesh loader). The browser's readers (src/io/) are the strict ones; these read
the same files for training and say what is wrong with one they cannot."""
from __future__ import annotations

import bz2
import gzip
import lzma
import re
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Optional

import numpy as np

from . import cells, room, strays

_PLY_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2",
    "ushort": "u2", "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}


UNPACK_LIMIT = 256 * 1024 * 1024  # bytes a file compressed whole may unpack to (the app's LIMITS.maxFileBytes)

# A file compressed whole, by its extension: the compression's name and its reader.
COMPRESSIONS = {".gz": ("gzip", gzip.open), ".xz": ("xz", lzma.open), ".bz2": ("bzip2", bz2.open)}


def format_suffix(path: Path) -> str:
    """The extension that says a file's format: a file compressed whole (scan.ply.gz, scan.ply.xz) is
    its inner one."""
    path = Path(path)
    return Path(path.stem).suffix.lower() if path.suffix.lower() in COMPRESSIONS else path.suffix.lower()


def read_cloud(path: Path, n: int, rng: np.random.Generator) -> np.ndarray:
    """Points of a file (EXTENSIONS, or one of them compressed whole: scan.ply.gz) as float [N, 3];
    meshes are sampled to `n` surface points. Small pieces apart from the shape, then a floor it
    stands on and walls behind it are left out, as the app's loaders leave them out (strays.py,
    room.py)."""
    path = Path(path)
    if path.suffix.lower() in COMPRESSIONS:
        return _read_compressed(path, n, rng)
    ext = path.suffix.lower()
    reader = READERS.get(ext)
    if reader is None:
        raise ValueError(f"{path}: unsupported extension {ext!r} (expected one of {', '.join(EXTENSIONS)})")
    verts, faces = reader(path)
    if len(verts) == 0:
        raise ValueError(f"{path}: no vertices")
    if not np.isfinite(verts).all():
        raise ValueError(f"{path}: non-finite vertex coordinates")
    verts = verts - far_origin(verts[0])
    points = sample_surface(verts, faces, n, rng) if faces is not None and len(faces) else verts
    points = room.without_room(strays.without_strays(points)[0])
    if np.ptp(points, axis=0).max() == 0:  # as the app refuses it (src/io/finish.ts checkShape)
        raise ValueError(f"{path}: {'only 1 point' if len(points) == 1 else f'all {len(points)} points lie at one place'}: there is no shape to classify")
    return points


def _read_compressed(path: Path, n: int, rng: np.random.Generator) -> np.ndarray:
    """A file compressed whole (src/io/compressed.ts): unpacked, at most UNPACK_LIMIT bytes, into a
    temporary file of the inner name's extension and read as that file."""
    inner = format_suffix(path)
    name, open_stream = COMPRESSIONS[path.suffix.lower()]
    if inner not in READERS:
        raise ValueError(f"{path}: a {name}-compressed {inner or 'file of no extension'} (expected one of {', '.join(EXTENSIONS)} inside)")
    try:
        with open_stream(path, "rb") as f:
            data = f.read(UNPACK_LIMIT + 1)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as e:
        raise ValueError(f"{path}: the {name} stream is damaged or cut short ({e})") from e
    if len(data) > UNPACK_LIMIT:
        raise ValueError(f"{path}: unpacks to more than {UNPACK_LIMIT // 2 ** 20} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / path.stem
        file.write_bytes(data)
        try:
            return read_cloud(file, n, rng)
        except ValueError as e:
            raise ValueError(str(e).replace(str(file), f"{path} (unpacked)")) from e


FAR_COORDINATE, SHIFT_LIMIT = 4096.0, 2.0 ** 40


def far_origin(first: np.ndarray) -> np.ndarray:
    """What the app's readers subtract from a file's points (src/io/origin.ts): its first point
    rounded to whole units (half up, as JavaScript's Math.round) when a coordinate of it is 4096
    or more in size (and under 2^40), else zero. Normalising casts to float32 first, which at map
    coordinates (5.4 million: a step of 0.5) would snap a 1-unit shape to a grid."""
    far = float(np.abs(first).max())
    if far < FAR_COORDINATE or far >= SHIFT_LIMIT:
        return np.zeros(3)
    return np.floor(np.asarray(first, np.float64) + 0.5)


def sample_surface(verts: np.ndarray, faces: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    if area.sum() <= 0:
        return verts
    tri = rng.choice(len(faces), n, p=area / area.sum())
    u, v = rng.random(n), rng.random(n)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    return a[tri] + u[:, None] * (b[tri] - a[tri]) + v[:, None] * (c[tri] - a[tri])


def _triangulate(polys: list[list[int]]) -> Optional[np.ndarray]:
    tris = [(p[0], p[i], p[i + 1]) for p in polys for i in range(1, len(p) - 1)]
    return np.array(tris, np.int64) if tris else None


def _strips(lists: list[list[int]]) -> Optional[np.ndarray]:
    """Triangle strips ('tristrips' PLY elements; -1 between strips), as src/io/ply.ts reads them:
    (k-2, k-1, k) for even k from a strip's start, (k-1, k-2, k) for odd k, joins (a repeated
    vertex) left out."""
    tris = []
    for values in lists:
        strip: list[int] = []
        for v in list(values) + [-1]:
            if v != -1:
                strip.append(v)
                continue
            for k in range(2, len(strip)):
                t = (strip[k - 2], strip[k - 1], strip[k]) if k % 2 == 0 else (strip[k - 1], strip[k - 2], strip[k])
                if len(set(t)) == 3:
                    tris.append(t)
            strip = []
    return np.array(tris, np.int64) if tris else None


def _read_obj(path: Path) -> tuple[np.ndarray, Optional[np.ndarray]]:
    verts, polys = [], []
    for ln, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "v":
            if len(parts) < 4:
                raise ValueError(f"OBJ {path}: line {ln}: vertex needs 3 coordinates")
            verts.append([float(x) for x in parts[1:4]])
        elif parts[0] == "f":
            idx = [int(p.split("/")[0]) for p in parts[1:]]
            polys.append([i - 1 if i > 0 else len(verts) + i for i in idx])
    v = np.array(verts, np.float64).reshape(-1, 3)
    f = _triangulate(polys)
    if f is not None and (f.min() < 0 or f.max() >= len(v)):
        raise ValueError(f"OBJ {path}: a face refers to a vertex that does not exist")
    return v, f


_PLY_VERTEX_READ = {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "packed_position", "packed_color"}


def _read_ply(path: Path) -> tuple[np.ndarray, Optional[np.ndarray]]:
    data = path.read_bytes()
    end = data.find(b"end_header")
    if not data.startswith(b"ply") or end < 0:
        raise ValueError(f"PLY {path}: missing 'ply' magic or 'end_header'")
    header = data[:end].decode("ascii", errors="replace").splitlines()
    body = data[data.index(b"\n", end) + 1:]
    fmt, elements = "", []  # elements: [name, count, [(prop, dtype, list_types)]]
    for line in header:
        p = line.split()
        if not p:
            continue
        if p[0] == "format":
            fmt = p[1]
        elif p[0] == "element":
            elements.append([p[1], int(p[2]), []])
        elif p[0] == "property":
            if p[1] == "list":
                elements[-1][2].append((p[4], None, (_PLY_TYPES[p[2]], _PLY_TYPES[p[3]])))
            else:
                elements[-1][2].append((p[2], _PLY_TYPES[p[1]], None))
    if fmt not in ("ascii", "binary_little_endian", "binary_big_endian"):
        raise ValueError(f"PLY {path}: unknown format {fmt!r}")
    verts, faces, tables = np.zeros((0, 3)), None, {}
    if fmt == "ascii":
        tokens = body.split()
        pos = 0
        for name, count, props in elements:
            rows = []
            for _ in range(count):
                row = []
                for _pname, dt, lt in props:
                    if lt is None:
                        row.append(float(tokens[pos])); pos += 1
                    else:
                        m = int(tokens[pos]); pos += 1
                        row.append([int(t) for t in tokens[pos:pos + m]]); pos += m
                rows.append(row)
            verts, faces = _collect(path, name, props, rows, verts, faces, tables)
        return _splats(path, tables, verts), faces
    end_ch = "<" if fmt == "binary_little_endian" else ">"
    off = 0
    for name, count, props in elements:
        rows = []
        if all(lt is None for _, _, lt in props):
            dt = np.dtype([(pn, end_ch + t) for pn, t, _ in props])
            arr = np.frombuffer(body, dt, count, off)
            off += dt.itemsize * count
            # Of a vertex only what is read (a splat PLY has 62 properties a vertex).
            props = [q for q in props if name != "vertex" or q[0].lower() in _PLY_VERTEX_READ]
            rows = np.stack([arr[pn].astype(np.float64) for pn, _, _ in props], 1) if props else np.zeros((count, 0))
        else:
            for _ in range(count):
                row = []
                for _pname, dt1, lt in props:
                    if lt is None:
                        d = np.dtype(end_ch + dt1)
                        row.append(float(np.frombuffer(body, d, 1, off)[0])); off += d.itemsize
                    else:
                        cd, idt = np.dtype(end_ch + lt[0]), np.dtype(end_ch + lt[1])
                        m = int(np.frombuffer(body, cd, 1, off)[0]); off += cd.itemsize
                        row.append(np.frombuffer(body, idt, m, off).astype(int).tolist()); off += idt.itemsize * m
                rows.append(row)
        verts, faces = _collect(path, name, props, rows, verts, faces, tables)
    return _splats(path, tables, verts), faces


def _collect(path, name, props, rows, verts, faces, tables):
    names = [p[0] for p in props]
    if all(p[2] is None for p in props):
        tables[name] = (names, np.asarray(rows, np.float64).reshape(len(rows), len(names)))
    if name == "vertex":
        # X, Y, Z (some exporters' spelling) read as x, y, z unless the element has those too,
        # as the app's reader does (src/io/plyHeader.ts).
        names = [n.lower() if n.lower() not in names else n for n in names]
        tables[name] = (names, tables[name][1]) if name in tables else None
        if "packed_position" in names:
            return verts, faces  # SuperSplat's compressed splats: _splats decodes them
        try:
            cols = [names.index(a) for a in ("x", "y", "z")]
        except ValueError:
            raise ValueError(f"PLY {path}: vertex element lacks x, y or z") from None
        verts = np.array([[r[c] for c in cols] for r in rows], np.float64).reshape(-1, 3)
    elif name in ("face", "tristrips") and (name == "face" or faces is None):
        li = next((i for i, p in enumerate(props) if p[2] is not None), None)
        if li is not None:
            faces = (_triangulate if name == "face" else _strips)([r[li] for r in rows])
    return verts, faces


SH_C0, TRANSPARENT_BELOW, CHUNK = 0.28209479177387814, 0.1, 256


def _opaque(points: np.ndarray, opacity: np.ndarray) -> np.ndarray:
    """Gaussian splats at least TRANSPARENT_BELOW opaque (src/io/splats.ts), all of them when none is."""
    keep = ~(opacity < TRANSPARENT_BELOW)
    return points[keep] if keep.any() else points


def _splats(path: Path, tables: dict, verts: np.ndarray) -> np.ndarray:
    """A PLY's Gaussian splats: 3D Gaussian Splatting's (x, y, z with an opacity logit and f_dc) or
    SuperSplat's compressed ones (src/io/plyCompressed.ts), nearly transparent ones left out; any
    other PLY's vertices as they are."""
    names, rows = tables.get("vertex") or ([], np.zeros((0, 0)))
    if "packed_position" in names and "chunk" in tables:
        cnames, chunks = tables["chunk"]
        need = ["min_x", "min_y", "min_z", "max_x", "max_y", "max_z"]
        if "packed_color" not in names or any(c not in cnames for c in need):
            raise ValueError(f"PLY {path}: compressed splats lack packed_color or the chunks' bounds")
        if len(chunks) * CHUNK < len(rows):
            raise ValueError(f"PLY {path}: compressed splats: {len(rows)} splats but {len(chunks)} chunks of {CHUNK}")
        b = chunks[np.arange(len(rows)) // CHUNK][:, [cnames.index(c) for c in need]]
        p = rows[:, names.index("packed_position")].astype(np.uint32)
        f = np.stack([(p >> 21) / 2047, (p >> 11 & 1023) / 1023, (p & 2047) / 2047], 1)
        alpha = (rows[:, names.index("packed_color")].astype(np.uint32) & 255) / 255
        return _opaque(b[:, :3] + f * (b[:, 3:] - b[:, :3]), alpha)
    if all(n in names for n in ("f_dc_0", "f_dc_1", "f_dc_2", "opacity")) and len(rows) == len(verts):
        return _opaque(verts, 1 / (1 + np.exp(-rows[:, names.index("opacity")])))
    return verts


def _read_splat(path: Path) -> tuple[np.ndarray, None]:
    """.splat (src/io/splat.ts): 32 bytes a splat, x y z float32 first, the alpha byte at 27."""
    data = path.read_bytes()
    if len(data) % 32:
        raise ValueError(f"Splat {path}: {len(data)} bytes are not whole splats of 32 bytes")
    rec = np.frombuffer(data, [("p", "<f4", 3), ("s", "<f4", 3), ("c", "u1", 4), ("q", "u1", 4)])
    return _opaque(rec["p"].astype(np.float64), rec["c"][:, 3] / 255), None


def _read_spz(path: Path) -> tuple[np.ndarray, None]:
    """SPZ versions 2 and 3 (src/io/spz.ts): gzip of a 16-byte header, then 24-bit fixed-point
    positions, alphas, colours, scales, rotations and harmonics."""
    import gzip
    data = gzip.decompress(path.read_bytes())
    magic, version, n, degree, bits = struct.unpack_from("<IIIBB", data)
    if magic != 0x5053474E or version not in (2, 3) or degree > 4:
        raise ValueError(f"SPZ {path}: not SPZ splats of version 2 or 3")
    size = 16 + n * (9 + 1 + 3 + 3 + (3 if version == 2 else 4) + 3 * (0, 3, 8, 15, 24)[degree])
    if len(data) < size:
        raise ValueError(f"SPZ {path}: {n} splats need {size} bytes decompressed, the file holds {len(data)}")
    b = np.frombuffer(data, np.uint8, 9 * n, 16).reshape(-1, 3).astype(np.int64)
    v = b[:, 0] | b[:, 1] << 8 | b[:, 2] << 16
    xyz = (np.where(v & 0x800000, v - 0x1000000, v) / 2.0 ** bits).reshape(n, 3)
    return _opaque(xyz, np.frombuffer(data, np.uint8, n, 16 + 9 * n) / 255), None


_NUMBER_SPLIT = re.compile(r"[\s,;]+")


def _read_xyz(path: Path) -> tuple[np.ndarray, None]:
    """Rows of x y z [more columns], separated by blanks, commas or semicolons; comment lines
    ('#', '//', '%'), one header row of names and a point-count row (.pts) are skipped."""
    rows = []
    for ln, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        s = line.strip()
        if not s or s.startswith(("#", "//", "%")):
            continue
        words = [w for w in _NUMBER_SPLIT.split(s) if w]
        try:
            values = [float(w) for w in words]
        except ValueError:
            if not rows and all(re.fullmatch(r"[A-Za-z_][\w/]*", w) for w in words):
                continue  # a header row of column names
            raise ValueError(f"XYZ {path}: line {ln} is not numbers: {s[:60]!r}") from None
        if not rows and len(values) == 1:
            continue  # a point-count row
        if len(values) < 3:
            raise ValueError(f"XYZ {path}: line {ln} has {len(values)} values; each row needs x y z")
        rows.append(values[:3])
    return np.array(rows, np.float64).reshape(-1, 3), None


def _read_off(path: Path) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """OFF and its variants ([ST][C][N][4][n]OFF); ModelNet's files that run the counts onto the
    keyword line ("OFF490 518 0") too."""
    lines = [ln.split("#", 1)[0].split() for ln in path.read_text(errors="replace").splitlines()]
    lines = [w for w in lines if w]
    if not lines:
        raise ValueError(f"OFF {path}: the file is empty")
    head = re.fullmatch(r"(ST)?C?N?4?n?OFF(.*)", lines[0][0])
    if head is None:
        raise ValueError(f"OFF {path}: the first line does not start with OFF")
    rest = ([head.group(2)] if head.group(2) else []) + lines[0][1:]
    body = lines[1:]
    if not rest:
        rest, body = body[0], body[1:]
    try:
        nv, nf = int(rest[0]), int(rest[1])
    except (IndexError, ValueError):
        raise ValueError(f"OFF {path}: no vertex and face counts after the keyword") from None
    if len(body) < nv + nf:
        raise ValueError(f"OFF {path}: the counts declare {nv} vertices and {nf} faces but the file has {len(body)} lines after them")
    verts = np.array([[float(x) for x in w[:3]] for w in body[:nv]], np.float64).reshape(-1, 3)
    polys = [[int(i) for i in w[1:1 + int(w[0])]] for w in body[nv:nv + nf]]
    f = _triangulate([p for p in polys if len(p) >= 3])
    if f is not None and (f.min() < 0 or f.max() >= len(verts)):
        raise ValueError(f"OFF {path}: a face refers to a vertex that does not exist")
    return verts, f


def _read_stl(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Binary STL when the size matches its triangle count (84 + 50 n bytes), else ASCII."""
    data = path.read_bytes()
    n = int.from_bytes(data[80:84], "little") if len(data) >= 84 else -1
    if n >= 0 and len(data) == 84 + 50 * n:
        rec = np.frombuffer(data, np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")]), n, 84)
        verts = rec["v"].reshape(-1, 3).astype(np.float64)
    else:
        text = data.decode("ascii", errors="replace")
        if not text.lstrip().lower().startswith("solid"):
            raise ValueError(f"STL {path}: neither binary ({len(data)} bytes for {n} triangles) nor ASCII ('solid')")
        verts = np.array(re.findall(r"vertex\s+(\S+)\s+(\S+)\s+(\S+)", text), np.float64).reshape(-1, 3)
    if len(verts) == 0 or len(verts) % 3:
        raise ValueError(f"STL {path}: {len(verts)} vertices do not make whole triangles")
    return verts, np.arange(len(verts), dtype=np.int64).reshape(-1, 3)


def _read_pcd(path: Path) -> tuple[np.ndarray, None]:
    """PCD (Point Cloud Library), ascii or binary (binary_compressed is read by the app only)."""
    data = path.read_bytes()
    fields, sizes, types, counts, points, encoding, at = [], [], [], [], 0, "", 0
    while at < len(data):
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        words = data[at:end].decode("ascii", errors="replace").split()
        at = end + 1
        if not words or words[0].startswith("#"):
            continue
        key, rest = words[0].upper(), words[1:]
        if key == "FIELDS":
            fields = rest
        elif key == "SIZE":
            sizes = [int(w) for w in rest]
        elif key == "TYPE":
            types = rest
        elif key == "COUNT":
            counts = [int(w) for w in rest]
        elif key == "POINTS":
            points = int(rest[0])
        elif key == "DATA":
            encoding = rest[0].lower() if rest else ""
            break
    counts = counts or [1] * len(fields)
    if not all(a in fields for a in ("x", "y", "z")):
        raise ValueError(f"PCD {path}: FIELDS has no x, y and z")
    cols = [sum(counts[:fields.index(a)]) for a in ("x", "y", "z")]
    if encoding == "ascii":
        rows = [ln.split() for ln in data[at:].decode("ascii", errors="replace").splitlines() if ln.strip()]
        if len(rows) < points:
            raise ValueError(f"PCD {path}: the header declares {points} points but the data has {len(rows)} rows")
        return np.array([[float(r[c]) for c in cols] for r in rows[:points]], np.float64).reshape(-1, 3), None
    if encoding == "binary":
        kinds = {("F", 4): "<f4", ("F", 8): "<f8", ("I", 1): "i1", ("I", 2): "<i2", ("I", 4): "<i4", ("U", 1): "u1", ("U", 2): "<u2", ("U", 4): "<u4"}
        dt = np.dtype([(f"f{i}", kinds[(t, s)], (c,)) for i, (t, s, c) in enumerate(zip(types, sizes, counts))])
        if len(data) - at < dt.itemsize * points:
            raise ValueError(f"PCD {path}: the header declares {points} points but the data holds {(len(data) - at) // dt.itemsize}")
        rec = np.frombuffer(data, dt, points, at)
        return np.stack([rec[f"f{fields.index(a)}"][:, 0] for a in ("x", "y", "z")], 1).astype(np.float64), None
    raise ValueError(f"PCD {path}: DATA {encoding or '(none)'} is not read here (ascii and binary are; the app reads binary_compressed)")


def _transformed(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    return v @ m[:3, :3].T + m[:3, 3]


def _read_glb(path: Path) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Binary glTF (.glb): the default scene's triangle meshes, float32 positions, placed by their
    nodes (src/io/gltf.ts reads more: .gltf, strips and fans, points, quantized positions)."""
    import json

    data = path.read_bytes()
    if data[:4] != b"glTF" or len(data) < 20:
        raise ValueError(f"glTF {path}: not a binary glTF (.glb)")
    jlen = int.from_bytes(data[12:16], "little")
    doc = json.loads(data[20:20 + jlen])
    bin_at = 20 + jlen + 8
    views, accessors = doc.get("bufferViews", []), doc.get("accessors", [])
    compressed = sorted({e for v in views for e in v.get("extensions", {}) if "meshopt" in e}
                        | {e for e in doc.get("extensionsRequired", []) if "meshopt" in e or "draco" in e})
    if compressed:
        raise ValueError(f"glTF {path}: compressed with {', '.join(compressed)}; the app and its CLI read meshopt and Draco, "
                         "training reads uncompressed .glb only (gltf-transform copy --no-compress, or export it again)")

    def read(index: int, kind: str) -> np.ndarray:
        a = accessors[index]
        v = views[a["bufferView"]]
        width = {"VEC4": 4, "VEC3": 3, "SCALAR": 1}[a["type"]]
        dt = np.dtype({5126: "<f4", 5125: "<u4", 5123: "<u2", 5122: "<i2", 5121: "u1", 5120: "i1"}[a["componentType"]])
        stride = v.get("byteStride", dt.itemsize * width)
        start = bin_at + v.get("byteOffset", 0) + a.get("byteOffset", 0)
        rows = np.lib.stride_tricks.as_strided(np.frombuffer(data, np.uint8, len(data) - start, start),
                                               (a["count"], dt.itemsize * width), (stride, 1))
        values = np.ascontiguousarray(rows).view(dt).reshape(a["count"], width)
        if kind != "pos":
            return values.astype(np.int64)
        if a.get("normalized") and dt.kind in "iu":
            return np.maximum(values / np.iinfo(dt).max, -1.0)
        return values.astype(np.float64)

    def trs(t, q, s) -> np.ndarray:
        x, y, z, w = q
        r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                      [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                      [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
        m = np.eye(4)
        m[:3, :3] = r * np.asarray(s, np.float64)
        m[:3, 3] = t
        return m

    def local(node: dict) -> np.ndarray:
        if "matrix" in node:
            return np.array(node["matrix"], np.float64).reshape(4, 4).T
        return trs(node.get("translation", [0, 0, 0]), node.get("rotation", [0, 0, 0, 1]), node.get("scale", [1, 1, 1]))

    def instances(node: dict) -> list[np.ndarray]:
        """EXT_mesh_gpu_instancing's transforms, each in the node's space (one identity without it)."""
        attributes = node.get("extensions", {}).get("EXT_mesh_gpu_instancing", {"attributes": None})["attributes"]
        if attributes is None:
            return [np.eye(4)]
        t, q, s = (read(attributes[k], "pos") if k in attributes else None for k in ("TRANSLATION", "ROTATION", "SCALE"))
        n = len(next(x for x in (t, q, s) if x is not None))
        return [trs(t[i] if t is not None else [0, 0, 0], q[i] if q is not None else [0, 0, 0, 1], s[i] if s is not None else [1, 1, 1])
                for i in range(n)]

    verts, faces = [], []

    def visit(i: int, parent: np.ndarray, depth: int) -> None:
        if depth > 256:
            raise ValueError(f"glTF {path}: the node tree is more than 256 levels deep")
        node = doc["nodes"][i]
        m = parent @ local(node)
        for p in doc["meshes"][node["mesh"]]["primitives"] if "mesh" in node else []:
            if p.get("mode", 4) != 4 or "extensions" in p:
                continue
            for instance in instances(node):
                v = _transformed(read(p["attributes"]["POSITION"], "pos"), m @ instance)
                f = read(p["indices"], "idx").reshape(-1, 3) if "indices" in p else np.arange(len(v)).reshape(-1, 3)
                faces.append(f + sum(len(x) for x in verts))
                verts.append(v)
        for c in node.get("children", []):
            visit(c, m, depth + 1)

    scenes = doc.get("scenes", [])
    roots = scenes[doc.get("scene", 0)]["nodes"] if scenes else []
    for r in roots:
        visit(r, np.eye(4), 0)
    if not verts:
        raise ValueError(f"glTF {path}: the scene places no triangle mesh this reader takes")
    return np.concatenate(verts), np.concatenate(faces)


def _read_3mf(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """3MF: the build's objects, meshes and components (in other parts too), transforms composed,
    as src/io/threemf.ts reads them."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {"/" + n.lstrip("/"): z.read(n).decode("utf-8", errors="replace") for n in z.namelist() if n.lower().endswith(".model")}
    attr = lambda tag, name: (re.search(rf'(?:^|\s)(?:\w+:)?{name}\s*=\s*"([^"]*)"', tag) or [None, None])[1]  # noqa: E731

    def part(p: str) -> tuple[dict, list]:
        objects, items, current = {}, [], None
        for m in re.finditer(r"<(/?)(?:\w+:)?(object|vertex|triangle|component|item)\b([^>]*)>", parts[p]):
            closing, name, rest = m.groups()
            if closing:
                current = None if name == "object" else current
                continue
            if name == "object":
                current = objects.setdefault(attr(rest, "id"), {"v": [], "t": [], "c": []})
            elif name == "vertex" and current is not None:
                current["v"].append([float(attr(rest, k)) for k in ("x", "y", "z")])
            elif name == "triangle" and current is not None:
                current["t"].append([int(attr(rest, k)) for k in ("v1", "v2", "v3")])
            elif name == "item" or (name == "component" and current is not None):
                t = [float(x) for x in (attr(rest, "transform") or "1 0 0 0 1 0 0 0 1 0 0 0").split()]
                entry = (attr(rest, "path") or p, attr(rest, "objectid"), np.array(t).reshape(4, 3))
                (items if name == "item" else current["c"]).append(entry)
        return objects, items

    cache: dict = {}
    verts, faces = [], []

    def place(ref, parent: np.ndarray, depth: int) -> None:
        if depth > 256:
            raise ValueError(f"3MF {path}: components nested more than 256 deep")
        p, oid, t = ref
        if p not in parts or oid not in cache.setdefault(p, part(p))[0]:
            raise ValueError(f"3MF {path}: object {oid!r} of {p} is not in the package")
        obj = cache[p][0][oid]
        m = np.vstack([t[:3] @ parent[:3], t[3] @ parent[:3] + parent[3]])
        if obj["v"]:
            v = np.array(obj["v"], np.float64)
            faces.append(np.array(obj["t"], np.int64).reshape(-1, 3) + sum(len(x) for x in verts))
            verts.append(v @ m[:3] + m[3])
        for c in obj["c"]:
            place(c, m, depth + 1)

    root = "/3D/3dmodel.model" if "/3D/3dmodel.model" in parts else next(iter(parts), None)
    if root is None:
        raise ValueError(f"3MF {path}: the package has no model part")
    for item in cache.setdefault(root, part(root))[1]:
        place(item, np.vstack([np.eye(3), np.zeros(3)]), 0)
    if not verts:
        raise ValueError(f"3MF {path}: the build places no mesh")
    return np.concatenate(verts), np.concatenate(faces)


_LAS_RECORD_MIN = (20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67)


def _read_las(path: Path) -> tuple[np.ndarray, None]:
    """LAS 1.0-1.4 (src/io/las.ts): int32 x, y, z at the start of each point record, times the
    header's scale plus its offset; points flagged withheld left out; LAZ (compressed) refused."""
    data = path.read_bytes()
    if data[:4] != b"LASF" or len(data) < 227:
        raise ValueError(f"LAS {path}: not a LAS file (no 'LASF' and a 227-byte header)")
    minor = data[25]
    header_size, points_at = int.from_bytes(data[94:96], "little"), int.from_bytes(data[96:100], "little")
    fmt, length = data[104], int.from_bytes(data[105:107], "little")
    if fmt & 0xC0:
        raise ValueError(f"LAS {path}: the points are LAZ-compressed; the app and its CLI read LAZ, training reads plain LAS: decompress it first (laszip -i in.laz -o out.las)")
    if fmt > 10 or length < _LAS_RECORD_MIN[fmt]:
        raise ValueError(f"LAS {path}: point format {fmt} with {length}-byte records is not LAS 1.0-1.4")
    count = int.from_bytes(data[107:111], "little")
    if minor >= 4 and header_size >= 375:
        count = int.from_bytes(data[247:255], "little") or count
    if points_at + count * length > len(data):
        raise ValueError(f"LAS {path}: the header declares {count} points but the file ends before them")
    rec = np.frombuffer(data, np.dtype({"names": ["xyz", "flags"], "formats": [("<i4", 3), "u1"],
                                        "offsets": [0, 15], "itemsize": length}), count, points_at)
    scale = np.frombuffer(data, "<f8", 3, 131)
    offset = np.frombuffer(data, "<f8", 3, 155)
    keep = (rec["flags"] & (0x80 if fmt < 6 else 0x04)) == 0
    return rec["xyz"][keep] * scale + offset, None


_CLOUD_NAMES = ("points", "point_cloud", "pointcloud", "cloud", "pc", "xyz", "pos", "positions", "coords",
                "vertices", "verts", "data")


def _read_npy(path: Path) -> tuple[np.ndarray, None]:
    """NumPy .npy / .npz (src/io/npy.ts): one cloud, N x C with x, y, z first, or C x N (channels
    first) when 3 <= C <= 16 and N > C; leading axes of length 1 dropped; an .npz's only array or the
    one named like a cloud."""
    if path.suffix.lower() == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            names = list(arrays.keys())
            chosen = names[0] if len(names) == 1 else next((n for n in _CLOUD_NAMES if n in names), None)
            if chosen is None:
                raise ValueError(f"NumPy {path}: arrays {names}, none named like a cloud (e.g. 'points')")
            a = arrays[chosen]
    else:
        a = np.load(path, allow_pickle=False)
    shape = a.shape
    while a.ndim > 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim != 2 or a.dtype.kind not in "fiu":
        raise ValueError(f"NumPy {path}: shape {shape} of {a.dtype} is not one cloud of x, y, z rows")
    if 3 <= a.shape[0] <= 16 and a.shape[1] > a.shape[0]:
        a = a.T
    if a.shape[1] < 3 or a.shape[0] == 0:
        raise ValueError(f"NumPy {path}: shape {shape} has no x, y, z rows")
    return a[:, :3].astype(np.float64), None


def _read_cells(path: Path) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """VTK (.vtk, .vtu), Gmsh (.msh), Abaqus (.inp) and Nastran (.bdf, .nas) meshes, read by meshio (Debian's python3-meshio,
    or pip's meshio): their nodes, and the surface of their cells as the app reads it (cells.py: a
    volume mesh's boundary); no faces when no cell gives one (then the nodes are the cloud)."""
    try:
        import meshio as external  # the package, not this module (absolute import)
    except ImportError as e:
        raise ValueError(f"{path}: reading VTK / Gmsh / Abaqus / Nastran files needs meshio (Debian: apt-get install python3-meshio)") from e
    try:
        mesh = external.read(path)
    except Exception as e:  # meshio raises its own errors, and ValueError / KeyError on bad files
        raise ValueError(f"{path}: {e}") from e
    points = np.asarray(mesh.points, np.float64)
    if points.ndim != 2 or len(points) == 0:
        raise ValueError(f"{path}: no nodes")
    if points.shape[1] < 3:
        points = np.pad(points, ((0, 0), (0, 3 - points.shape[1])))
    faces, _ = cells.cell_triangles([(block.type, block.data) for block in mesh.cells])
    return points[:, :3], (faces if len(faces) else None)


READERS = {".ply": _read_ply, ".obj": _read_obj, ".off": _read_off, ".stl": _read_stl,
           ".pcd": _read_pcd, ".glb": _read_glb, ".3mf": _read_3mf, ".las": _read_las,
           ".npy": _read_npy, ".npz": _read_npy, ".splat": _read_splat, ".spz": _read_spz,
           ".vtk": _read_cells, ".vtu": _read_cells, ".msh": _read_cells, ".inp": _read_cells, ".bdf": _read_cells, ".nas": _read_cells,
           **{e: _read_xyz for e in (".xyz", ".txt", ".csv", ".pts", ".asc", ".xyzn", ".xyzrgb")}}
EXTENSIONS = tuple(READERS)
