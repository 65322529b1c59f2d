"""The FPS / k-NN indices of every cloud, computed once and cached on disk.

FPS and k-NN are the expensive part of the geometry and depend only on the cloud, so they are
computed once per cloud (before augmenting) and cached, keyed by the stage settings. The cheap
per-batch part (projection, cells, voxels) is recomputed from the augmented token centres
(any2point.batches). See docs/training.md.

An FPS "start" is the point FPS begins from. A cloud as stored starts at its point 0 (the browser's
order); `with_fps_starts` also caches the geometry of other starts: training draws one per cloud
(`--fps_starts`), evaluation and the app average the softmax over several (`votes`).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from . import geometry as geo
from .datasets import REPO

DEFAULT_CACHE = REPO / ".cache" / "geometry"


@dataclass
class Indices:
    """Per-cloud FPS / k-NN indices of every stage (uint16 on disk, int64 when batched). With
    `starts` > 0 every array has a leading axis of that many FPS starts (`with_fps_starts`);
    start 0 is the cloud as stored, the one the browser sees."""

    fps: list[np.ndarray]  # per stage [S, centers] (or [starts, S, centers])
    knn: list[np.ndarray]  # per stage [S, centers, k] (or [starts, S, centers, k])
    starts: int = 0

    def rows(self, r: np.ndarray, start: Optional[np.ndarray] = None) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        if self.starts:
            v = np.zeros(len(r), np.int64) if start is None else start
            take = lambda a: torch.from_numpy(a[v, r].astype(np.int64))
        else:
            if start is not None and np.any(start):
                raise ValueError("these indices hold no other FPS starts")
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


ORDER_STRIDE = 389  # a prime: starts 0 .. n-1 are n different points for any n it does not divide


def point_order(start: int, n: int) -> np.ndarray:
    """Point order of FPS start `start` of an n-point cloud: the stored order rolled to begin at
    point (start * ORDER_STRIDE) mod n, where FPS then starts. Start 0 is the stored order.
    The browser's voting (src/model/votes.ts) rolls a cloud the same way."""
    return (np.arange(n) + start * ORDER_STRIDE) % n


def _is_cached(cache: Path, spec: geo.GeometrySpec, tag: str) -> bool:
    """Whether cached_indices would find every stage of `tag` on disk."""
    return all(_cached_stage(cache, spec, t, tag) is not None for t in range(len(spec.stages)))


def _build_start(job: tuple) -> int:
    """One FPS start's cache, in a worker process (with_fps_starts, workers > 1)."""
    clouds_path, spec, tag, start, cache, threads = job
    torch.set_num_threads(threads)
    clouds = np.load(clouds_path, mmap_mode="r")
    order = point_order(start, clouds.shape[1])
    cached_indices(np.ascontiguousarray(clouds[:, order]), spec, f"{tag}-start{start}", Path(cache), log=None)
    return start


def _build_starts(clouds: np.ndarray, spec: geo.GeometrySpec, tag: str, starts: Sequence[int], cache: Path,
                  workers: int, log=print) -> None:
    """Compute the caches of several starts side by side, one process each, `workers` at a time;
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
        jobs = [(str(clouds_path), spec, tag, v, str(cache), threads) for v in starts]
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for v in pool.map(_build_start, jobs):
                if log:
                    log(f"geometry {tag}-start{v}: cached ({time.time() - t0:.0f}s, {workers} processes)")


def with_fps_starts(clouds: np.ndarray, spec: geo.GeometrySpec, tag: str, starts: int,
                    cache: Path = DEFAULT_CACHE, log=print, workers: int = 1) -> Indices:
    """The indices of every cloud for `starts` FPS starts, stacked on a leading axis.

    FPS starts at the first point, so a cloud's tokens depend on its point order: another start
    gives other, equally valid centres and neighbourhoods (a training augmentation the cache
    would otherwise remove, and a way to vote at test time). Start v's geometry is that of the
    cloud with its points in `point_order(v)`, cached as `<tag>-start<v>`, and its first-stage
    indices are mapped back to the stored order, so a batch gathers from the same stored points
    whatever the start. `workers` > 1 computes the missing starts' caches in that many processes
    first."""
    base = cached_indices(clouds, spec, tag, cache, log=log)
    missing = [v for v in range(1, starts) if not _is_cached(Path(cache), spec, f"{tag}-start{v}")] if workers > 1 else []
    if len(missing) > 1:
        try:
            _build_starts(clouds, spec, tag, missing, Path(cache), min(workers, len(missing)), log=log)
        except Exception as e:  # a lent GPU machine's minutes must not be lost to this: go on one by one
            if log:
                log(f"geometry {tag}: worker processes failed ({type(e).__name__}: {e}); computing the starts here")
    if starts == 1:
        return Indices([f[None] for f in base.fps], [k[None] for k in base.knn], starts=1)
    fps, knn = [[f] for f in base.fps], [[k] for k in base.knn]
    for v in range(1, starts):
        order = point_order(v, clouds.shape[1])
        idx = cached_indices(np.ascontiguousarray(clouds[:, order]), spec, f"{tag}-start{v}", cache, log=log)
        for t in range(len(spec.stages)):
            f, k = idx.fps[t], idx.knn[t]
            if t == 0:  # stage 1 indexes points: back to the stored order; later stages index centres
                f, k = order[f].astype(np.uint16), order[k].astype(np.uint16)
            fps[t].append(f)
            knn[t].append(k)
    return Indices([np.stack(f) for f in fps], [np.stack(k) for k in knn], starts=starts)
