"""Data sets of class folders with split lists beside them (`--dataset <folder or list>`): ModelNet40 as
PointNet++, Point-BERT and Any2Point's own code read it, `modelnet40_normal_resampled/`: a folder a
class of text files (`airplane/airplane_0001.txt`, rows of x, y, z, nx, ny, nz separated by commas),
`modelnet40_train.txt` and `modelnet40_test.txt` naming each split's shapes (`airplane_0001`, one a
line) and `modelnet40_shape_names.txt` the classes in label order; ModelNet10's lists
(`modelnet10_*.txt`) lie in the same folder. A shape's class is its name without the last `_NNNN`.
Each file is read as the folder datasets' are (meshio.read_cloud: as the app reads it, in worker
processes: datasets.in_processes) and normalised; the clouds are kept in the cache folder for the
next run (datasets.kept_path)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .datasets import CloudSet, file_cloud, in_processes, kept_path, read_kept, save_kept

_LIST = re.compile(r"^(?P<set>.+)_(?P<split>train|test)\.txt$")


def _sets(folder: Path) -> dict[str, dict[str, Path]]:
    """The lists in a folder, by data set: {'modelnet40': {'train': ..., 'test': ..., 'names': ...}}."""
    sets: dict[str, dict[str, Path]] = {}
    for f in sorted(folder.iterdir()):
        m = _LIST.match(f.name)
        if m and f.is_file():
            sets.setdefault(m["set"], {})[m["split"]] = f
    for name, files in sets.items():
        names = folder / f"{name}_shape_names.txt"
        if names.is_file():
            files["names"] = names
    return {k: v for k, v in sets.items() if {"train", "test", "names"} <= v.keys()}


def is_list_dataset(path: Path) -> bool:
    """A folder holding a data set's split lists and names (or one of its training lists)."""
    path = Path(path)
    if path.is_file():
        m = _LIST.match(path.name)
        return m is not None and m["set"] in _sets(path.parent)
    return path.is_dir() and not (path / "train").is_dir() and bool(_sets(path))


def _chosen(path: Path) -> tuple[Path, dict[str, Path]]:
    path = Path(path)
    folder = path.parent if path.is_file() else path
    sets = _sets(folder)
    if path.is_file():
        return folder, sets[_LIST.match(path.name)["set"]]  # type: ignore[index]
    if len(sets) > 1:
        names = sorted(sets)
        raise ValueError(f"data set {folder}: it holds the lists of {len(sets)} data sets ({', '.join(names)}); pass the training list of one, "
                         f"e.g. --dataset {sets[names[-1]]['train']}")
    return folder, next(iter(sets.values()))


def _split(folder: Path, listed: Path, classes: list[str], n_in: int, cache: Path | None, seed: int) -> CloudSet:
    shapes = [line.strip() for line in listed.read_text().splitlines() if line.strip()]
    files, labels = [], []
    for shape in shapes:
        cls = shape[: shape.rfind("_")] if "_" in shape else shape
        if cls not in classes:
            raise ValueError(f"{listed}: '{shape}' is of no class of {folder.name}'s names ({cls!r} is not in them)")
        f = folder / cls / f"{shape}.txt"
        if not f.is_file():
            raise FileNotFoundError(f"{listed}: '{shape}' has no file {f}")
        files.append(f)
        labels.append(classes.index(cls))
    kept = kept_path(cache, f"list-clouds-{seed}", files, n_in)
    if kept is not None and kept.exists():
        return read_kept(kept, ("set",), classes)["set"]
    clouds = np.stack(in_processes(file_cloud, [(f, n_in, seed, k) for k, f in enumerate(files)]))
    result = CloudSet(clouds, np.array(labels, np.int64), [f"{f.parent.name}/{f.name}" for f in files], classes)
    if kept is not None:
        save_kept(kept, {"set": result})
    return result


def load_list_splits(path: Path, n_in: int = 1024, cache: Path | None = None, seed: int = 0) -> tuple[CloudSet, CloudSet]:
    """The training and test splits of the listed data set at `path` (its folder, or its training list)."""
    folder, lists = _chosen(path)
    classes = [line.strip() for line in lists["names"].read_text().splitlines() if line.strip()]
    return _split(folder, lists["train"], classes, n_in, cache, seed), _split(folder, lists["test"], classes, n_in, cache, seed)
