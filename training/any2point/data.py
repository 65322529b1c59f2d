"""Datasets: ModelNet40 (../shared/datasets/modelnet40) and folders of labelled PLY/OBJ files,
a fixed stratified validation split, the cached geometry indices, and the paper's augmentation.

FPS and k-NN are the expensive part of the geometry and depend only on the cloud, so they are
computed once per cloud (before augmenting) and cached on disk, keyed by the stage settings. The
cheap per-batch part (projection, cells, voxels) is recomputed from the augmented token centres.
See docs/training.md.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

import numpy as np
import torch

from . import geometry as geo
from .config import ROTATIONS
from .meshio import read_cloud

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODELNET = REPO.parent / "shared" / "datasets" / "modelnet40"
DEFAULT_CACHE = REPO / ".cache" / "geometry"
SPLITS = Path(__file__).resolve().parent / "splits"


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


def load_folder(root: Path, n_in: int = 1024, seed: int = 0) -> CloudSet:
    """A folder whose sub-folders are classes, each holding .ply / .obj files."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"folder dataset: {root} is not a directory")
    classes = sorted(d.name for d in root.iterdir() if d.is_dir())
    if not classes:
        raise ValueError(f"folder dataset: {root} has no class sub-folders")
    clouds, labels, ids = [], [], []
    rng = np.random.default_rng(seed)
    for ci, c in enumerate(classes):
        for f in sorted((root / c).iterdir()):
            if f.suffix.lower() not in (".ply", ".obj"):
                continue
            clouds.append(geo.normalise(read_cloud(f, n_in, rng), n_in))
            labels.append(ci)
            ids.append(f"{c}/{f.name}")
    if not clouds:
        raise ValueError(f"folder dataset: no .ply or .obj files under {root}")
    return CloudSet(np.stack(clouds), np.array(labels, np.int64), ids, classes)


def validation_rows(train: CloudSet, fraction: float = 0.1, seed: int = 0, path: Path = SPLITS / "modelnet40_val.txt") -> np.ndarray:
    """The fixed stratified validation part of a training split: `fraction` of every class,
    chosen once with `seed` and saved as a list of ids (`path`; ModelNet40's is committed) so
    that every run and every machine validates on the same shapes."""
    if path.exists():
        wanted = set(path.read_text().split())
        rows = np.array([i for i, s in enumerate(train.ids) if s in wanted], np.int64)
        if len(rows) != len(wanted):
            raise ValueError(f"{path}: {len(wanted)} ids listed, {len(rows)} found in the training split")
        return rows
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(len(train.classes)):
        members = np.flatnonzero(train.labels == c)
        n = max(1, int(round(len(members) * fraction)))
        rows.extend(rng.choice(members, n, replace=False).tolist())
    rows = np.sort(np.array(rows, np.int64))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(train.ids[i] for i in rows) + "\n")
    return rows


# --- cached geometry ---------------------------------------------------------------------------

@dataclass
class Indices:
    """Per-cloud FPS / k-NN indices of every stage (uint16 on disk, int64 when batched). With
    `variants` > 0 every array has a leading axis of that many point-order variants
    (`with_order_variants`); variant 0 is the cloud as stored, the one the browser sees."""

    fps: list[np.ndarray]  # per stage [S, centers] (or [V, S, centers])
    knn: list[np.ndarray]  # per stage [S, centers, k] (or [V, S, centers, k])
    variants: int = 0

    def rows(self, r: np.ndarray, variant: Optional[np.ndarray] = None) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        if self.variants:
            v = np.zeros(len(r), np.int64) if variant is None else variant
            take = lambda a: torch.from_numpy(a[v, r].astype(np.int64))
        else:
            if variant is not None and np.any(variant):
                raise ValueError("these indices have no point-order variants")
            take = lambda a: torch.from_numpy(a[r].astype(np.int64))
        return [take(f) for f in self.fps], [take(k) for k in self.knn]


def _stage_key(n_in: int, stages: Sequence[geo.Stage]) -> str:
    return f"n{n_in}_" + "_".join(f"{s.centers}k{s.k}" for s in stages)


def _wider_cache(cache: Path, n_in: int, before: Sequence[geo.Stage], st: geo.Stage, tag: str) -> Optional[Path]:
    """A cached stage with the same earlier stages and at least as many centres and neighbours."""
    prefix = _stage_key(n_in, before) + "_" if before else f"n{n_in}_"
    for d in sorted(cache.glob(prefix + "*")):
        rest = d.name[len(prefix):]
        if "_" in rest or not (d / f"{tag}.npz").exists():
            continue
        c, k = (int(x) for x in rest.split("k"))
        if c >= st.centers and k >= st.k:
            return d / f"{tag}.npz"
    return None


def _cached_stage(cache: Path, spec: geo.GeometrySpec, t: int, tag: str) -> Optional[Path]:
    """The file holding stage t of `tag`: its own, else a wider one (_wider_cache), else None."""
    path = cache / _stage_key(spec.points, spec.stages[: t + 1]) / f"{tag}.npz"
    return path if path.exists() else _wider_cache(cache, spec.points, spec.stages[:t], spec.stages[t], tag)


KNN_SLICE = 16  # clouds per k-NN call when caching (1.7x faster than 128 on a 2-core Zen 2)


def cached_indices(clouds: np.ndarray, spec: geo.GeometrySpec, tag: str, cache: Path = DEFAULT_CACHE,
                   chunk: int = 128, log=print) -> Indices:
    """FPS + k-NN indices of every cloud, computed once per stage prefix and kept in
    `cache/<stages>/<tag>.npz` (stage t's file depends on stages 1..t only)."""
    cache = Path(cache)
    x = torch.from_numpy(clouds)
    fps_all, knn_all = [], []
    for t in range(len(spec.stages)):
        key = _stage_key(spec.points, spec.stages[: t + 1])
        path = cache / key / f"{tag}.npz"
        st = spec.stages[t]
        found = _cached_stage(cache, spec, t, tag)
        if found is not None and found != path:
            # FPS order is a prefix property and k-NN rows are sorted, so a cache with more
            # centres / neighbours holds this one: its first `centers` rows, first `k` columns.
            z = np.load(found)
            f, k = z["fps"][:, : st.centers], z["knn"][:, : st.centers, : st.k]
        elif found is not None:
            z = np.load(path)
            f, k = z["fps"], z["knn"]
            if f.shape != (len(clouds), st.centers) or k.shape != (len(clouds), st.centers, st.k):
                raise ValueError(f"geometry cache {path} has shapes {f.shape} {k.shape}; delete it to rebuild")
        else:
            t0 = time.time()
            fs, ks = [], []
            for a in range(0, len(clouds), chunk):
                xc = x[a:a + chunk]
                fc = geo.fps(xc, st.centers)
                fs.append(fc.numpy().astype(np.uint16))
                # k-NN in slices: its [slice, centres, points] distance tables stay in the CPU's cache.
                ks.append(np.concatenate([geo.knn(xc[b:b + KNN_SLICE], fc[b:b + KNN_SLICE], st.k).numpy().astype(np.uint16)
                                          for b in range(0, len(xc), KNN_SLICE)]))
                if log and a // chunk % 10 == 0:
                    log(f"geometry {key}/{tag}: {a + len(xc)}/{len(clouds)} clouds, {time.time() - t0:.0f}s")
            f, k = np.concatenate(fs), np.concatenate(ks)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, fps=f, knn=k)
            os.replace(tmp, path)
        fps_all.append(f)
        knn_all.append(k)
        ft = torch.from_numpy(f.astype(np.int64))
        x = torch.gather(x, -2, ft[..., None].expand(*ft.shape, 3))
    return Indices(fps_all, knn_all)


ORDER_STRIDE = 389  # a prime: variants 0 .. n-1 start FPS at n different points for any n it does not divide


def point_order(variant: int, n: int) -> np.ndarray:
    """Point order of variant `variant` of an n-point cloud: the stored order rolled to start at
    point (variant * ORDER_STRIDE) mod n, where FPS then starts. Variant 0 is the stored order.
    The browser's voting (src/model/votes.ts) rolls a cloud the same way."""
    return (np.arange(n) + variant * ORDER_STRIDE) % n


def _is_cached(cache: Path, spec: geo.GeometrySpec, tag: str) -> bool:
    """Whether cached_indices would find every stage of `tag` on disk."""
    return all(_cached_stage(cache, spec, t, tag) is not None for t in range(len(spec.stages)))


def _build_variant(job: tuple) -> int:
    """One point-order variant's cache, in a worker process (with_order_variants, workers > 1)."""
    clouds_path, spec, tag, variant, cache, threads = job
    torch.set_num_threads(threads)
    clouds = np.load(clouds_path, mmap_mode="r")
    order = point_order(variant, clouds.shape[1])
    cached_indices(np.ascontiguousarray(clouds[:, order]), spec, f"{tag}-start{variant}", Path(cache), log=None)
    return variant


def _build_variants(clouds: np.ndarray, spec: geo.GeometrySpec, tag: str, variants: Sequence[int], cache: Path,
                    workers: int, log=print) -> None:
    """Compute the caches of several variants side by side, one process each, `workers` at a time;
    the clouds reach them as one .npy. The processes are spawned, not forked (a forked child of a
    process whose OpenMP threads have run can hang in its first parallel region), so a script that
    calls this must guard its main code with `if __name__ == "__main__":`, as the package's do."""
    import concurrent.futures
    import multiprocessing
    import tempfile

    cache.mkdir(parents=True, exist_ok=True)
    threads = max(1, (os.cpu_count() or 2) // workers)
    t0 = time.time()
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        clouds_path = Path(tmp) / f"{tag}.npy"
        np.save(clouds_path, clouds)
        jobs = [(str(clouds_path), spec, tag, v, str(cache), threads) for v in variants]
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for v in pool.map(_build_variant, jobs):
                if log:
                    log(f"geometry {tag}-start{v}: cached ({time.time() - t0:.0f}s, {workers} processes)")


def with_order_variants(clouds: np.ndarray, spec: geo.GeometrySpec, tag: str, variants: int,
                        cache: Path = DEFAULT_CACHE, log=print, workers: int = 1) -> Indices:
    """The indices of every cloud under `variants` point orders, stacked on a leading axis.

    FPS starts at the first point, so a cloud's tokens depend on its point order: another start
    gives other, equally valid centres and neighbourhoods (a training augmentation the cache
    would otherwise remove, and a way to vote at test time). Variant v's geometry is that of the
    cloud with its points in `point_order(v)`, cached as `<tag>-start<v>`, and its first-stage
    indices are mapped back
    to the stored order, so a batch gathers from the same stored points whatever the variant.
    `workers` > 1 computes the missing variants' caches in that many processes first."""
    base = cached_indices(clouds, spec, tag, cache, log=log)
    missing = [v for v in range(1, variants) if not _is_cached(Path(cache), spec, f"{tag}-start{v}")] if workers > 1 else []
    if len(missing) > 1:
        try:
            _build_variants(clouds, spec, tag, missing, Path(cache), min(workers, len(missing)), log=log)
        except Exception as e:  # a lent GPU machine's minutes must not be lost to this: go on one by one
            if log:
                log(f"geometry {tag}: worker processes failed ({type(e).__name__}: {e}); computing the starts here")
    if variants == 1:
        return Indices([f[None] for f in base.fps], [k[None] for k in base.knn], variants=1)
    fps, knn = [[f] for f in base.fps], [[k] for k in base.knn]
    for v in range(1, variants):
        order = point_order(v, clouds.shape[1])
        idx = cached_indices(np.ascontiguousarray(clouds[:, order]), spec, f"{tag}-start{v}", cache, log=log)
        for t in range(len(spec.stages)):
            f, k = idx.fps[t], idx.knn[t]
            if t == 0:  # stage 1 indexes points: back to the stored order; later stages index centres
                f, k = order[f].astype(np.uint16), order[k].astype(np.uint16)
            fps[t].append(f)
            knn[t].append(k)
    return Indices([np.stack(f) for f in fps], [np.stack(k) for k in knn], variants=variants)


# --- batches -----------------------------------------------------------------------------------

@dataclass
class Batch:
    """Exactly the network's inputs (docs/geometry.md, 'ONNX inputs'), batched, plus labels."""

    points: torch.Tensor
    fps: list[torch.Tensor]
    knn: list[torch.Tensor]
    pos: torch.Tensor
    cell_mask: torch.Tensor
    voxel_mask: torch.Tensor
    labels: torch.Tensor

    def inputs(self) -> tuple:
        return (self.points, *[t for pair in zip(self.fps, self.knn) for t in pair], self.pos, self.cell_mask, self.voxel_mask)


def rotate_about_z(points: torch.Tensor, mode: str, gen: torch.Generator) -> torch.Tensor:
    """Per cloud, a rotation about the up axis (z in ModelNet40): "z90" a random multiple of 90
    degrees, "z" any angle, "none" none. Rotations keep every distance, so the cached FPS / k-NN
    indices stay those of the rotated cloud."""
    if mode == "none":
        return points
    b = points.shape[0]
    if mode == "z90":
        angle = torch.randint(0, 4, (b,), generator=gen).float() * (math.pi / 2)
    elif mode == "z":
        angle = torch.empty(b).uniform_(0.0, 2 * math.pi, generator=gen)
    else:
        raise ValueError(f"rotation {mode!r} is not one of {', '.join(ROTATIONS)}")
    c, s = torch.cos(angle), torch.sin(angle)
    x, y, z = points.unbind(-1)
    return torch.stack([c[:, None] * x - s[:, None] * y, s[:, None] * x + c[:, None] * y, z], dim=-1)


def augment(points: torch.Tensor, gen: torch.Generator, rotate: str = "none", jitter: float = 0.0) -> torch.Tensor:
    """The paper's ModelNet40 augmentation: per cloud, anisotropic scale in [2/3, 3/2] and
    translation in [-0.2, 0.2] on every axis; optionally a rotation about z first and, last,
    per-point Gaussian noise of sigma `jitter` clipped at 5 sigma."""
    points = rotate_about_z(points, rotate, gen)
    b = points.shape[0]
    scale = torch.empty(b, 1, 3).uniform_(2.0 / 3.0, 3.0 / 2.0, generator=gen)
    shift = torch.empty(b, 1, 3).uniform_(-0.2, 0.2, generator=gen)
    points = points * scale + shift
    if jitter > 0.0:
        noise = torch.randn(points.shape, generator=gen) * jitter
        points = points + noise.clamp(-5.0 * jitter, 5.0 * jitter)
    return points


def make_batch(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec,
               gen: Optional[torch.Generator] = None, rotate: str = "none", jitter: float = 0.0,
               variant: int = 0) -> Batch:
    """Gather cached indices, augment when `gen` is given (with a random point-order variant per
    cloud when `idx` has several), compute the per-batch geometry. Without `gen`, every cloud
    takes point-order `variant`."""
    pts = torch.from_numpy(data.points[rows])
    variants = np.full(len(rows), variant) if variant else None
    if gen is not None:
        if idx.variants > 1:
            variants = torch.randint(0, idx.variants, (len(rows),), generator=gen).numpy()
        pts = augment(pts, gen, rotate, jitter)
    fps, knn = idx.rows(rows, variants)
    centres = geo.gather_centres(pts, fps)
    pos, cell_mask, voxel_mask = geo.project(spec, centres)
    return Batch(pts, fps, knn, pos, cell_mask, voxel_mask, torch.from_numpy(data.labels[rows]))


def batches(data: CloudSet, idx: Indices, rows: np.ndarray, spec: geo.GeometrySpec, batch_size: int,
            variant: int = 0) -> Iterator[Batch]:
    """Un-augmented batches of `rows` in order (evaluation), in point-order `variant`."""
    for a in range(0, len(rows), batch_size):
        yield make_batch(data, idx, rows[a:a + batch_size], spec, variant=variant)


@dataclass
class Splits:
    """Train / validation rows of the training set, the test set, and their cached indices."""

    train: CloudSet
    train_idx: Indices
    train_rows: np.ndarray
    val_rows: np.ndarray
    test: CloudSet
    test_idx: Indices


def load_splits(dataset: str, spec: geo.GeometrySpec, root: str = "", cache: str = "",
                val_fraction: float = 0.1, log=print, fps_variants: int = 1, test_variants: int = 1,
                workers: int = 1) -> Splits:
    """'modelnet40' (official split) or a folder with train/ and test/ sub-folders, each of class
    sub-folders. The validation rows are a fixed stratified part of the training split.
    `fps_variants` > 1 caches the training split's geometry (validation included) under that many
    point orders (`with_order_variants`), `test_variants` the test split's (for voting); `workers`
    processes compute the variants that are not cached yet."""
    cache_path = Path(cache) if cache else DEFAULT_CACHE
    if dataset == "modelnet40":
        r = Path(root) if root else DEFAULT_MODELNET
        train, test = load_modelnet40("train", r, spec.points), load_modelnet40("test", r, spec.points)
        name = "modelnet40"
    else:
        r = Path(dataset)
        if not (r / "train").is_dir() or not (r / "test").is_dir():
            raise ValueError(f"dataset {dataset!r}: expected 'modelnet40' or a folder with train/ and test/ sub-folders")
        train, test = load_folder(r / "train", spec.points), load_folder(r / "test", spec.points)
        if train.classes != test.classes:
            raise ValueError(f"dataset {dataset}: train classes {train.classes} differ from test classes {test.classes}")
        name = "folder-" + r.name
        cache_path = cache_path / name
    val = validation_rows(train, val_fraction, path=SPLITS / "modelnet40_val.txt" if dataset == "modelnet40" else cache_path / "val.txt")
    rows = np.setdiff1d(np.arange(len(train)), val)
    train_tag = "train" if dataset == "modelnet40" else "folder-train"
    if fps_variants > 1:
        train_idx = with_order_variants(train.points, spec, train_tag, fps_variants, cache_path, log=log, workers=workers)
    else:
        train_idx = cached_indices(train.points, spec, train_tag, cache_path, log=log)
    test_tag = "test" if dataset == "modelnet40" else "folder-test"
    if test_variants > 1:
        test_idx = with_order_variants(test.points, spec, test_tag, test_variants, cache_path, log=log, workers=workers)
    else:
        test_idx = cached_indices(test.points, spec, test_tag, cache_path, log=log)
    return Splits(train, train_idx, rows, val, test, test_idx)
