"""The splits a run uses: train / validation rows of the training set (a fixed stratified
validation part), the test set, and the cached FPS / k-NN indices of both."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import geometry as geo
from .datasets import DEFAULT_MODELNET, CloudSet, load_folder, load_modelnet40
from .h5sets import is_h5_dataset, load_h5_splits
from .listsets import is_list_dataset, load_list_splits
from .index_cache import DEFAULT_CACHE, Indices, cached_indices, with_fps_starts

SPLITS = Path(__file__).resolve().parent / "splits"


def validation_rows(train: CloudSet, fraction: float = 0.1, seed: int = 0, path: Path = SPLITS / "modelnet40_val.txt") -> np.ndarray:
    """The fixed stratified validation part of a training split: `fraction` of every class,
    chosen once with `seed` and saved as a list of ids (`path`; ModelNet40's is committed) so
    that every run and every machine validates on the same shapes. `fraction` 0: no validation
    part (few-shot fine-tuning, where every example is needed for training)."""
    if fraction <= 0:
        return np.zeros(0, np.int64)
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
                val_fraction: float = 0.1, log=print, fps_starts: int = 1, test_starts: int = 1,
                workers: int = 1) -> Splits:
    """'modelnet40' (official split), a folder with train/ and test/ sub-folders, each of class
    sub-folders, an HDF5 data set (a folder of its files, or its training file: h5sets.py) or class
    folders with split lists beside them (ModelNet40's modelnet40_normal_resampled: listsets.py).
    The validation rows are a fixed stratified part of the training split.
    `fps_starts` > 1 caches the training split's geometry (validation included) for that many FPS
    starts (`with_fps_starts`), `test_starts` the test split's (for voting); `workers` processes
    compute the starts that are not cached yet."""
    cache_path = Path(cache) if cache else DEFAULT_CACHE
    if dataset == "modelnet40":
        r = Path(root) if root else DEFAULT_MODELNET
        train, test = load_modelnet40("train", r, spec.points), load_modelnet40("test", r, spec.points)
    else:
        # A data set's cache folder: by its folder's name (and its file's, when one file names it).
        r = Path(dataset)
        cache_path = cache_path / ("folder-" + (f"{r.parent.name}-{r.stem}" if r.is_file() else r.name))
        if is_h5_dataset(r):
            train, test = load_h5_splits(r, spec.points, cache_path)
        elif is_list_dataset(r):
            train, test = load_list_splits(r, spec.points, cache_path)
        elif (r / "train").is_dir() and (r / "test").is_dir():
            train, test = load_folder(r / "train", spec.points, cache=cache_path), load_folder(r / "test", spec.points, cache=cache_path)
            if train.classes != test.classes:
                raise ValueError(f"dataset {dataset}: train classes {train.classes} differ from test classes {test.classes}")
        else:
            raise ValueError(f"dataset {dataset!r}: expected 'modelnet40', a folder with train/ and test/ sub-folders, an HDF5 data set (its folder or its training file), "
                             "or class folders with split lists beside them (<name>_train.txt, <name>_test.txt, <name>_shape_names.txt)")
    val = validation_rows(train, val_fraction, path=SPLITS / "modelnet40_val.txt" if dataset == "modelnet40" else cache_path / "val.txt")
    rows = np.setdiff1d(np.arange(len(train)), val)

    def indices(clouds: CloudSet, tag: str, starts: int) -> Indices:
        if starts > 1:
            return with_fps_starts(clouds.points, spec, tag, starts, cache_path, log=log, workers=workers)
        return cached_indices(clouds.points, spec, tag, cache_path, log=log)

    folder = "" if dataset == "modelnet40" else "folder-"
    return Splits(train, indices(train, folder + "train", fps_starts), rows, val, test, indices(test, folder + "test", test_starts))
