"""Class folders with split lists beside them (listsets.py): ModelNet40 as modelnet40_normal_resampled
lays it out (comma-separated x, y, z, nx, ny, nz text files, modelnet40_train.txt / _test.txt /
_shape_names.txt, ModelNet10's lists in the same folder), written from real ModelNet40 clouds."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from any2point import geometry as geo
from any2point.dataset_splits import load_splits
from any2point.datasets import DEFAULT_MODELNET
from any2point.listsets import is_list_dataset, load_list_splits
from any2point.meshio import read_cloud

CLASSES = ["airplane", "bathtub", "chair"]


@pytest.fixture(scope="module")
def resampled(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("modelnet40_normal_resampled")
    names = (DEFAULT_MODELNET / "shape_names.txt").read_text().split()
    lists: dict[str, list[str]] = {"train": [], "test": []}
    for split, per in (("train", 6), ("test", 2)):
        labels = np.fromfile(DEFAULT_MODELNET / f"{split}_labels.u8", np.uint8)
        pts = np.memmap(DEFAULT_MODELNET / f"{split}_points.f32", "<f4", "r").reshape(-1, 1024, 3)
        for c in CLASSES:
            (root / c).mkdir(exist_ok=True)
            for row in np.flatnonzero(labels == names.index(c))[:per]:
                shape = f"{c}_{len(list((root / c).iterdir())) + 1:04d}"
                normals = np.tile([0.0, 0.0, 1.0], (1024, 1))
                rows = np.concatenate([pts[row], normals], axis=1)
                (root / c / f"{shape}.txt").write_text("\n".join(",".join(f"{v:.6f}" for v in r) for r in rows) + "\n")
                lists[split].append(shape)
    for split, shapes in lists.items():
        (root / f"modelnet40_{split}.txt").write_text("\n".join(shapes) + "\n")
    (root / "modelnet40_shape_names.txt").write_text("\n".join(CLASSES) + "\n")
    # ModelNet10's lists beside them (here of chairs and bathtubs only)
    (root / "modelnet10_train.txt").write_text("\n".join(s for s in lists["train"] if not s.startswith("airplane")) + "\n")
    (root / "modelnet10_test.txt").write_text("\n".join(s for s in lists["test"] if not s.startswith("airplane")) + "\n")
    (root / "modelnet10_shape_names.txt").write_text("bathtub\nchair\n")
    (root / "filelist.txt").write_text("\n".join(f"{s[:s.rfind('_')]}/{s}.txt" for s in lists["train"] + lists["test"]) + "\n")
    return root


def test_each_split_read_as_its_list_says_each_file_as_the_app_reads_it(resampled, tmp_path):
    assert is_list_dataset(resampled) and is_list_dataset(resampled / "modelnet40_train.txt") and not is_list_dataset(tmp_path)
    with pytest.raises(ValueError, match=r"holds the lists of 2 data sets \(modelnet10, modelnet40\); pass the training list of one, e\.g\. --dataset .*modelnet40_train\.txt"):
        load_list_splits(resampled, 1024)
    train, test = load_list_splits(resampled / "modelnet40_train.txt", 1024, tmp_path)
    assert (len(train), len(test), train.classes) == (18, 6, CLASSES)
    assert train.ids[:2] == ["airplane/airplane_0001.txt", "airplane/airplane_0002.txt"] and test.ids[0] == "airplane/airplane_0007.txt"
    assert train.labels.tolist() == [0] * 6 + [1] * 6 + [2] * 6
    f = resampled / "chair" / "chair_0003.txt"
    expected = geo.normalise(read_cloud(f, 1024, np.random.default_rng(0)), 1024)
    assert np.array_equal(train.points[train.ids.index("chair/chair_0003.txt")], expected)
    again = load_list_splits(resampled / "modelnet40_train.txt", 1024, tmp_path)  # from the cache
    assert np.array_equal(again[0].points, train.points) and again[1].ids == test.ids
    ten_train, ten_test = load_list_splits(resampled / "modelnet10_train.txt", 1024)
    assert (ten_train.classes, len(ten_train), ten_train.labels.tolist()[:1]) == (["bathtub", "chair"], 12, [0])


def test_a_list_naming_a_missing_file_or_class_is_refused(resampled, tmp_path):
    import shutil

    root = tmp_path / "set"
    shutil.copytree(resampled, root)
    (root / "modelnet40_test.txt").write_text("chair_0099\n")
    with pytest.raises(FileNotFoundError, match=r"'chair_0099' has no file .*chair_0099\.txt"):
        load_list_splits(root / "modelnet40_train.txt", 1024)
    (root / "modelnet40_test.txt").write_text("lamp_0001\n")
    with pytest.raises(ValueError, match=r"'lamp_0001' is of no class of set's names"):
        load_list_splits(root / "modelnet40_train.txt", 1024)


def test_load_splits_takes_the_listed_data_set(resampled, tmp_path):
    from any2point.config import TrainConfig
    from any2point.train import spec_for

    spec = spec_for(TrainConfig(backbone="none", stages=((64, 16), (16, 8))), "")
    s = load_splits(str(resampled / "modelnet40_train.txt"), spec, cache=str(tmp_path), log=None)
    assert (len(s.train_rows) + len(s.val_rows), len(s.test), s.train.classes) == (18, 6, CLASSES)
    assert (tmp_path / f"folder-{resampled.name}-modelnet40_train" / "val.txt").exists()
    with pytest.raises(ValueError, match=r"expected 'modelnet40', a folder with train/ and test/ sub-folders, an HDF5 data set .*, or class folders with split lists"):
        load_splits(str(tmp_path / "cache"), spec, cache=str(tmp_path), log=None)
