"""Reading datasets: ModelNet40 (../shared/datasets/modelnet40) and folders of labelled PLY, OBJ,
OFF, STL or XYZ files, every cloud run through the same normalise as the browser."""
from __future__ import annotations

from dataclasses import dataclass
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np

from . import geometry as geo
from . import room, strays
from .meshio import EXTENSIONS, format_suffix, read_cloud

J = TypeVar("J")

# Formats the app reads (src/io/formats.ts) that the Python reader does not: three.js's USD parsers
# compose the stage in the app, Draco files need Google's decoder (an npm package, not a Debian
# one), FBX is read by three.js's FBXLoader, COLLADA, VRML / X3D, DXF, 3DS, E57, PTX, VTK's .vtp and .vts and Blender's .blend by the app's own readers, and a zip archive's
# model (.zip, Google Earth's .kmz, .zae; .tar, .tar.gz, .tar.xz, ..., .7z and .rar) and HDF5 data sets (a file of
# many clouds, not one shape of a class folder: a whole data set is trained on by `--dataset <its folder>`, h5sets.py)
# by the app's readers, and files compressed by Zstandard (Python 3.11 has no decoder); a folder's files of these
# formats are left out of training with a warning.
APP_ONLY = (".usdz", ".usda", ".usdc", ".usd", ".drc", ".fbx", ".dae", ".wrl", ".wrz", ".x3d", ".x3dv", ".x3dz", ".x3dvz", ".dxf", ".3ds", ".e57", ".ptx", ".laz", ".zip", ".kmz", ".zae", ".tar", ".tgz", ".txz", ".tbz2", ".tbz", ".tzst", ".zst", ".7z", ".rar", ".h5", ".hdf5", ".he5", ".vtp", ".vts", ".blend", ".blend1", ".vox", ".step", ".stp")

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODELNET = REPO.parent / "shared" / "datasets" / "modelnet40"


@dataclass
class CloudSet:
    """Clouds already normalised to `points` points, with their labels and ids."""

    points: np.ndarray  # [S, N, 3] float32
    labels: np.ndarray  # [S] int64
    ids: list[str]
    classes: list[str]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, rows: np.ndarray) -> "CloudSet":
        return CloudSet(self.points[rows], self.labels[rows], [self.ids[i] for i in rows], self.classes)


# The code that reads and cleans a data set's files: a change to it reads them again.
_READERS = ("datasets.py", "meshio.py", "cells.py", "strays.py", "room.py", "floor.py", "geometry.py", "h5sets.py", "listsets.py")


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def in_processes(fn: Callable[[J], np.ndarray], jobs: list[J], workers: int | None = None) -> list[np.ndarray]:
    """`fn` over `jobs`, in order: in worker processes of one torch thread each when there are
    many (reading, cleaning and FPS of one cloud are one thread's work, and two threads are no
    faster than one, so N cores read a data set about N times as fast), else here. `workers` None:
    one per core, at most 16, when there are at least 64 jobs a worker."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 16, len(jobs) // 64)
    if workers < 2:
        return [fn(j) for j in jobs]
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_one_thread) as pool:
        return list(pool.map(fn, jobs, chunksize=max(1, len(jobs) // (workers * 16))))


def file_cloud(job: tuple[Path, int, int, int]) -> np.ndarray:
    """(path, N_in, seed, index) -> the file's cloud, read as the app reads it (meshio.read_cloud;
    a mesh sampled with a generator of its own, seeded by (seed, index), whichever process reads it)
    and normalised."""
    path, n_in, seed, index = job
    return geo.normalise(read_cloud(path, n_in, np.random.default_rng([seed, index])), n_in)


def array_cloud(job: tuple[np.ndarray, int]) -> np.ndarray:
    """(points, N_in) -> the cloud as the app reads one of a batch (stray pieces, a floor and walls
    left out), normalised."""
    points, n_in = job
    return geo.normalise(room.without_room(strays.without_strays(points)[0]), n_in)


def kept_path(cache: Path | None, prefix: str, files: list[Path], n_in: int) -> Path | None:
    """Where the clouds read from `files` are kept in the cache folder: named by the files' paths,
    sizes and dates, N_in and the readers' source, so a changed, added or removed file (or reader)
    reads them again."""
    if cache is None:
        return None
    here = Path(__file__).resolve().parent
    readers = hashlib.sha256(b"".join((here / name).read_bytes() for name in _READERS if (here / name).exists())).hexdigest()
    stamp = [[str(f), f.stat().st_size, f.stat().st_mtime_ns] for f in files]
    return Path(cache) / f"{prefix}-{hashlib.sha256(json.dumps([stamp, n_in, readers]).encode()).hexdigest()[:16]}.npz"


def save_kept(path: Path, sets: dict[str, CloudSet]) -> None:
    """Keeps the sets' clouds, labels and ids (written whole, then renamed: never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, **{f"{s}_{k}": (np.array(c.ids) if k == "ids" else getattr(c, k)) for s, c in sets.items() for k in ("points", "labels", "ids")})
    partial.replace(path)


def read_kept(path: Path, splits: tuple[str, ...], classes: list[str]) -> dict[str, CloudSet]:
    with np.load(path) as z:
        return {s: CloudSet(z[f"{s}_points"], z[f"{s}_labels"], z[f"{s}_ids"].tolist(), classes) for s in splits}


def load_modelnet40(split: str, root: Path = DEFAULT_MODELNET, n_in: int = 1024) -> CloudSet:
    """The official 'train' or 'test' split, run through the same normalise as the browser."""
    if split not in ("train", "test"):
        raise ValueError(f"ModelNet40: split must be 'train' or 'test', got {split!r}")
    root = Path(root)
    names = root / "shape_names.txt"
    if not names.exists():
        raise FileNotFoundError(f"ModelNet40: {names} not found (dataset root {root})")
    classes = names.read_text().split()
    labels = np.fromfile(root / f"{split}_labels.u8", np.uint8).astype(np.int64)
    pts = np.fromfile(root / f"{split}_points.f32", "<f4")
    if pts.size != labels.size * 1024 * 3:
        raise ValueError(f"ModelNet40: {split}_points.f32 holds {pts.size} floats, expected {labels.size} x 1024 x 3")
    pts = pts.reshape(-1, 1024, 3)
    ids = (root / f"{split}_ids.txt").read_text().split()
    if len(ids) != len(labels):
        raise ValueError(f"ModelNet40: {len(ids)} ids but {len(labels)} labels in the {split} split")
    clouds = np.stack([geo.normalise(p, n_in) for p in pts])
    return CloudSet(clouds, labels, ids, classes)


def load_folder(root: Path, n_in: int = 1024, seed: int = 0, cache: Path | None = None, workers: int | None = None) -> CloudSet:
    """A folder whose sub-folders are classes, each holding files meshio reads (meshio.EXTENSIONS).
    With `cache`, the clouds read are kept there and read back while the files are unchanged
    (reading, cleaning and sampling the files is most of a small run's start); they are read in
    `workers` processes (in_processes)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"folder dataset: {root} is not a directory")
    classes = sorted(d.name for d in root.iterdir() if d.is_dir())
    if not classes:
        raise ValueError(f"folder dataset: {root} has no class sub-folders")
    listed = [(ci, c, f) for ci, c in enumerate(classes) for f in sorted((root / c).iterdir())]
    files = [(ci, c, f) for ci, c, f in listed if format_suffix(f) in EXTENSIONS]  # scan.ply.gz is read as the PLY inside
    unread = [f"{c}/{f.name}" for _, c, f in listed if format_suffix(f) not in EXTENSIONS and format_suffix(f) in APP_ONLY]
    if unread:
        print(f"folder dataset: {len(unread)} USD / Draco / FBX / COLLADA / VRML / DXF / 3DS / E57 / PTX / LAZ / .vtp / .vts / Blender / STEP / MagicaVoxel / archive / HDF5 / Zstandard file(s) left out ({', '.join(unread[:3])}{', ...' if len(unread) > 3 else ''}): "
              "the app and its CLI read them, training does not; export them as PLY, OBJ or uncompressed glTF to train on them",
              file=sys.stderr)
    kept = kept_path(cache, f"folder-clouds-{seed}", [f for _, _, f in files], n_in)
    if kept is not None and kept.exists():
        return read_kept(kept, ("set",), classes)["set"]
    if not files:
        raise ValueError(f"folder dataset: no {', '.join(EXTENSIONS)} files under {root}")
    clouds = in_processes(file_cloud, [(f, n_in, seed, k) for k, (_, _, f) in enumerate(files)], workers)
    result = CloudSet(np.stack(clouds), np.array([ci for ci, _, _ in files], np.int64), [f"{c}/{f.name}" for _, c, f in files], classes)
    if kept is not None:
        save_kept(kept, {"set": result})
    return result
