"""HDF5 data sets of clouds for training (`--dataset <folder or file>`): how point-cloud research
hands its benchmarks out. PointNet's ModelNet40 (`ply_data_train0.h5` ... `ply_data_test1.h5`, each
`data` N x 2048 x 3 and `label` N x 1, class names in `shape_names.txt`) and ScanObjectNN
(`training_objectdataset_augmentedrot_scale75.h5` and `test_objectdataset_augmentedrot_scale75.h5`,
`data` N x 2048 x 3, `label` N, beside other variants of the same set). The files of a set are found by
name: those naming the training split ("train", "training") and those naming the test split
("test"), the same name otherwise (shard numbers aside). The cloud is the dataset named like one,
else the largest of rows of 3 to 16 values, as the app's reader picks it (src/io/hdf5.ts); the
labels are the integers of the dataset named `label` / `labels` / ... beside it. Each cloud is read
as the app reads a cloud of such a file: stray pieces, a floor and walls left out (strays.py,
room.py), then normalised: about 0.1 s a cloud of 2,048 points on one core (worker processes take
a core each: datasets.in_processes), so the clouds read are kept in the cache folder for the next
run (datasets.kept_path)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from .datasets import CloudSet, array_cloud, in_processes, kept_path, read_kept, save_kept
from .meshio import _CLOUD_NAMES as CLOUD_NAMES_NPZ

SUFFIXES = (".h5", ".hdf5", ".he5")
# The names a cloud goes by, as in an .npz (meshio.py), PointNet's `data` first (as src/io/hdf5.ts).
CLOUD_NAMES = ("data",) + tuple(n for n in CLOUD_NAMES_NPZ if n != "data")
LABEL_NAMES = ("label", "labels", "class", "classes", "y")
# Files that name the classes, one a line, in label order (PointNet's is shape_names.txt).
NAME_FILES = ("shape_names.txt", "classes.txt", "class_names.txt")

_SPLIT = re.compile(r"(?<![a-z])(training|train|testing|test)(?![a-z])")


def split_of(name: str) -> tuple[str, str] | None:
    """('train' or 'test', the set's name: the file's without the split's word and shard number),
    or None for a file that names no split."""
    stem = name.lower()
    for suffix in SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    m = _SPLIT.search(stem)
    if m is None:
        return None
    rest = re.sub(r"^[_\-]?\d+", "", stem[m.end():])  # a shard's number: ply_data_train0, set_test_2
    return ("train" if m.group(0).startswith("train") else "test"), stem[: m.start()] + "*" + rest


def is_h5_dataset(path: Path) -> bool:
    """A .h5 file, or a folder holding .h5 files (and no train/ and test/ folders)."""
    path = Path(path)
    if path.is_file():
        return path.suffix.lower() in SUFFIXES
    return path.is_dir() and not (path / "train").is_dir() and any(p.suffix.lower() in SUFFIXES for p in path.iterdir())


def find_split_files(path: Path) -> tuple[list[Path], list[Path]]:
    """The training and test files of the set at `path`: a folder of one set, or one file of a
    folder of several (the set it belongs to)."""
    path = Path(path)
    folder = path.parent if path.is_file() else path
    sets: dict[str, dict[str, list[Path]]] = {}
    for f in sorted(folder.iterdir()):
        named = split_of(f.name) if f.suffix.lower() in SUFFIXES else None
        if named is not None:
            sets.setdefault(named[1], {"train": [], "test": []})[named[0]].append(f)
    if path.is_file():
        named = split_of(path.name)
        if named is None:
            raise ValueError(f"HDF5 data set {path}: the file's name says neither 'train' nor 'test', so its other split cannot be found")
        chosen = sets[named[1]]
    else:
        complete = {k: v for k, v in sets.items() if v["train"] and v["test"]}
        if not complete:
            raise ValueError(f"HDF5 data set {folder}: no pair of files naming 'train' and 'test' (found {', '.join(p.name for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES) or 'no .h5 files'})")
        if len(complete) > 1:
            firsts = ", ".join(v["train"][0].name for v in complete.values())
            raise ValueError(f"HDF5 data set {folder}: it holds {len(complete)} data sets ({firsts}); pass the training file of one, e.g. --dataset {next(iter(complete.values()))['train'][0]}")
        chosen = next(iter(complete.values()))
    if not chosen["train"] or not chosen["test"]:
        missing = "test" if chosen["train"] else "training"
        raise ValueError(f"HDF5 data set {path}: no {missing} file beside it (a file named as it is, with '{'test' if missing == 'test' else 'train'}' for its split)")
    return chosen["train"], chosen["test"]


def _looks_like_points(shape: tuple[int, ...]) -> bool:
    """A batch of clouds: N x P x C with 3 <= C <= 16, or channels first (N x C x P)."""
    if len(shape) != 3:
        return False
    _, a, b = shape
    return (3 <= b <= 16 and a >= 1) or (3 <= a <= 16 and b > a)


def read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(clouds [N, P, 3] float64, labels [N] int64) of one file."""
    import h5py  # Debian's python3-h5py; only HDF5 data sets need it

    arrays: dict[str, tuple[int, ...]] = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: arrays.__setitem__(name, obj.shape) if isinstance(obj, h5py.Dataset) else None)
        batches = [n for n, s in arrays.items() if _looks_like_points(s) and f[n].dtype.kind in "fiu"]
        base = {n: n.rsplit("/", 1)[-1].lower() for n in arrays}
        named = next((n for c in CLOUD_NAMES for n in batches if base[n] == c), None)
        chosen = named or max(batches, key=lambda n: int(np.prod(arrays[n])), default=None)
        if chosen is None:
            listed = ", ".join(f"{n} {arrays[n]}" for n in arrays) or "no datasets"
            raise ValueError(f"HDF5 {path}: no dataset holds a batch of clouds, N x points x 3 (it holds {listed})")
        clouds = np.asarray(f[chosen])
        folder = chosen.rsplit("/", 1)[0] + "/" if "/" in chosen else ""
        count = clouds.shape[0]
        labels = None
        for n in arrays:
            if base[n] in LABEL_NAMES and n.startswith(folder) and int(np.prod(arrays[n])) == count and f[n].dtype.kind in "iu":
                labels = np.asarray(f[n]).reshape(-1).astype(np.int64)
                break
    if labels is None:
        raise ValueError(f"HDF5 {path}: no dataset of labels beside {chosen!r} (an integer dataset named {' / '.join(LABEL_NAMES)} of {count} values): training needs each cloud's class")
    if clouds.shape[1] < clouds.shape[2]:
        clouds = clouds.transpose(0, 2, 1)  # channels first, as PyTorch code keeps them
    return clouds[:, :, :3].astype(np.float64), labels


def class_names(folder: Path, count: int) -> list[str]:
    """The names of `count` classes from a names file in the folder, else 'class 0', 'class 1', ..."""
    for name in NAME_FILES:
        f = Path(folder) / name
        if f.is_file():
            names = [line.strip() for line in f.read_text().splitlines() if line.strip()]
            if len(names) < count:
                raise ValueError(f"{f}: {len(names)} class names, but the labels run to {count - 1}")
            return names
    print(f"HDF5 data set {folder}: no {' / '.join(NAME_FILES)} beside it, so the classes are named 'class 0' to 'class {count - 1}'; "
          "write one name a line, in label order, to name them", file=sys.stderr)
    return [f"class {i}" for i in range(count)]


def _cloud_set(batches: list[tuple[Path, np.ndarray, np.ndarray]], classes: list[str], n_in: int) -> CloudSet:
    jobs, ids = [], []
    for path, batch, _ in batches:
        for i, points in enumerate(batch):
            if not np.isfinite(points).all():
                raise ValueError(f"HDF5 {path}: cloud {i} has non-finite coordinates")
            jobs.append((points, n_in))
            ids.append(f"{path.name}[{i}]")
    return CloudSet(np.stack(in_processes(array_cloud, jobs)), np.concatenate([labels for _, _, labels in batches]), ids, classes)


def load_h5_splits(path: Path, n_in: int = 1024, cache: Path | None = None) -> tuple[CloudSet, CloudSet]:
    """The training and test splits of the HDF5 data set at `path` (a folder, or a file of it);
    with `cache`, the clouds read are kept there and read back while the files are unchanged."""
    train_files, test_files = find_split_files(path)
    kept = kept_path(cache, "h5-clouds", train_files + test_files, n_in)
    if kept is not None and kept.exists():
        with np.load(kept) as z:
            count = int(max(z["train_labels"].max(initial=0), z["test_labels"].max(initial=0))) + 1
        sets = read_kept(kept, ("train", "test"), class_names(train_files[0].parent, count))
        return sets["train"], sets["test"]
    train = [(f, *read_batch(f)) for f in train_files]
    test = [(f, *read_batch(f)) for f in test_files]
    labels = np.concatenate([labels for _, _, labels in train + test])
    if labels.min() < 0:
        raise ValueError(f"HDF5 data set {path}: a label is negative ({int(labels.min())})")
    classes = class_names(train_files[0].parent, int(labels.max()) + 1)
    sets = _cloud_set(train, classes, n_in), _cloud_set(test, classes, n_in)
    if kept is not None:
        save_kept(kept, {"train": sets[0], "test": sets[1]})
    return sets
