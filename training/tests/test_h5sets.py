"""HDF5 data sets for training (h5sets.py): PointNet's ModelNet40 layout (shards, shape_names.txt)
and ScanObjectNN's (variants side by side, flat labels), written by h5py from real ModelNet40
clouds; found by name, read as the app reads each cloud, trained on and evaluated end to end."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")

from any2point import geometry as geo  # noqa: E402
from any2point import room, strays  # noqa: E402
from any2point.config import TrainConfig  # noqa: E402
from any2point.datasets import DEFAULT_MODELNET  # noqa: E402
from any2point.evaluate import evaluate  # noqa: E402
from any2point.h5sets import find_split_files, load_h5_splits, read_batch, split_of  # noqa: E402
from any2point.train import train  # noqa: E402

CLASSES = ["airplane", "chair", "lamp", "toilet"]


def _clouds(split: str, per: int) -> tuple[np.ndarray, np.ndarray]:
    """`per` real clouds of each of CLASSES, labels 0..3, interleaved."""
    names = (DEFAULT_MODELNET / "shape_names.txt").read_text().split()
    labels = np.fromfile(DEFAULT_MODELNET / f"{split}_labels.u8", np.uint8)
    pts = np.memmap(DEFAULT_MODELNET / f"{split}_points.f32", "<f4", "r").reshape(-1, 1024, 3)
    rows = [np.flatnonzero(labels == names.index(c))[:per] for c in CLASSES]
    order = [(k, r[i]) for i in range(per) for k, r in enumerate(rows)]
    return np.stack([pts[row] for _, row in order]), np.array([k for k, _ in order])


@pytest.fixture(scope="module")
def pointnet(tmp_path_factory) -> Path:
    """PointNet's layout: two training shards and one test shard, gzip, labels N x 1 (uint8), normals, names."""
    root = tmp_path_factory.mktemp("modelnet40_ply_hdf5_2048")
    train, train_labels = _clouds("train", 18)
    test, test_labels = _clouds("test", 2)
    shards = [("ply_data_train0.h5", train[:40], train_labels[:40]), ("ply_data_train1.h5", train[40:], train_labels[40:]),
              ("ply_data_test0.h5", test, test_labels)]
    for name, data, labels in shards:
        with h5py.File(root / name, "w") as f:
            f.create_dataset("data", data=data, compression="gzip", compression_opts=4)
            f.create_dataset("label", data=labels.astype("u1").reshape(-1, 1))
            f.create_dataset("normal", data=np.ones_like(data))
    (root / "shape_names.txt").write_text("\n".join(CLASSES) + "\n")
    (root / "train_files.txt").write_text("data/ply_data_train0.h5\n")
    return root


def test_split_and_set_are_read_from_the_names():
    assert split_of("ply_data_train0.h5") == ("train", "ply_data_*")
    assert split_of("ply_data_test1.h5") == ("test", "ply_data_*")
    assert split_of("training_objectdataset_augmentedrot_scale75.h5") == ("train", "*_objectdataset_augmentedrot_scale75")
    assert split_of("test_objectdataset_augmentedrot_scale75.h5") == ("test", "*_objectdataset_augmentedrot_scale75")
    assert split_of("shapenet_test_2.hdf5") == ("test", "shapenet_*")
    assert split_of("latest.h5") is None and split_of("contest.h5") is None


def test_pointnet_layout_each_cloud_read_as_the_app_reads_it(pointnet):
    train_files, test_files = find_split_files(pointnet)
    assert [f.name for f in train_files] == ["ply_data_train0.h5", "ply_data_train1.h5"]
    assert [f.name for f in test_files] == ["ply_data_test0.h5"]
    train, test = load_h5_splits(pointnet, 1024)
    assert train.classes == test.classes == CLASSES
    assert (len(train), len(test)) == (72, 8)
    assert train.ids[:2] == ["ply_data_train0.h5[0]", "ply_data_train0.h5[1]"] and train.ids[40] == "ply_data_train1.h5[0]"
    clouds, labels = _clouds("train", 18)
    assert np.array_equal(train.labels, labels)
    for i in (0, 41, 71):
        expected = geo.normalise(room.without_room(strays.without_strays(clouds[i].astype(np.float64))[0]), 1024)
        assert np.array_equal(train.points[i], expected)


def test_scanobjectnn_layout_one_variant_picked_by_its_training_file(tmp_path, capsys):
    clouds, labels = _clouds("test", 2)
    for variant in ("", "_augmentedrot_scale75"):
        for split in ("training", "test"):
            with h5py.File(tmp_path / f"{split}_objectdataset{variant}.h5", "w") as f:
                f.create_dataset("data", data=np.concatenate([clouds, clouds], axis=1))  # 2,048 points
                f.create_dataset("label", data=labels.astype("i8"))
                f.create_dataset("mask", data=np.zeros((len(labels), 2048), "i8"))
    with pytest.raises(ValueError, match=r"holds 2 data sets .*pass the training file of one, e\.g\. --dataset .*training_objectdataset"):
        find_split_files(tmp_path)
    train, test = load_h5_splits(tmp_path / "training_objectdataset_augmentedrot_scale75.h5", 1024)
    assert train.classes == ["class 0", "class 1", "class 2", "class 3"] and len(test) == 8
    assert "no shape_names.txt / classes.txt / class_names.txt beside it" in capsys.readouterr().err
    (tmp_path / "classes.txt").write_text("bag\nbin\nbox\ncabinet\n")
    assert load_h5_splits(tmp_path / "test_objectdataset.h5", 1024)[0].classes == ["bag", "bin", "box", "cabinet"]


def test_refused_with_the_reason(tmp_path):
    clouds, labels = _clouds("test", 1)
    with h5py.File(tmp_path / "set_train.h5", "w") as f:
        f.create_dataset("points", data=clouds.transpose(0, 2, 1))  # channels first: read
        f.create_dataset("labels", data=labels)
    points, read_labels = read_batch(tmp_path / "set_train.h5")
    assert np.array_equal(points, clouds.astype(np.float64)) and np.array_equal(read_labels, labels)
    with pytest.raises(ValueError, match="no test file beside it"):
        find_split_files(tmp_path / "set_train.h5")
    with h5py.File(tmp_path / "set_test.h5", "w") as f:
        f.create_dataset("data", data=clouds)
    with pytest.raises(ValueError, match="no dataset of labels beside 'data'.*training needs each cloud's class"):
        load_h5_splits(tmp_path, 1024)
    with h5py.File(tmp_path / "images_train.h5", "w") as f:
        f.create_dataset("images", data=np.zeros((4, 28, 28), "u1"))
    with pytest.raises(ValueError, match=r"no dataset holds a batch of clouds.*images \(4, 28, 28\)"):
        read_batch(tmp_path / "images_train.h5")
    (tmp_path / "names.h5").write_bytes(b"")
    with pytest.raises(ValueError, match="says neither 'train' nor 'test'"):
        find_split_files(tmp_path / "names.h5")


def test_trains_and_evaluates_on_an_hdf5_data_set(pointnet, tmp_path):
    cfg = TrainConfig(backbone="none", stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=16,
                      epochs=1, log_every=1, warmup_epochs=0.5, dataset=str(pointnet), cache_dir=str(tmp_path / "cache"),
                      run_dir=str(tmp_path / "run"))
    train(cfg, log=lambda s: None)
    assert json.loads((tmp_path / "run" / "config.json").read_text())["dataset"] == str(pointnet)
    report = evaluate(tmp_path / "run" / "best.pt", log=lambda s: None)
    assert set(report["test"]["perClassAccuracy"]) == set(CLASSES)
    assert np.array(report["test"]["confusion"]).sum() == 8 and set(report["val"]["perClassAccuracy"]) == set(CLASSES)
    assert (tmp_path / "cache" / f"folder-{pointnet.name}" / "val.txt").read_text().split()[0].startswith("ply_data_train")


def test_the_clouds_read_are_kept_in_the_cache_until_a_file_changes(pointnet, tmp_path):
    shutil.copytree(pointnet, tmp_path / "set")
    pointnet = tmp_path / "set"
    first = load_h5_splits(pointnet, 1024, tmp_path)
    kept = list(tmp_path.glob("h5-clouds-*.npz"))
    assert len(kept) == 1
    again = load_h5_splits(pointnet, 1024, tmp_path)
    for a, b in zip(first, again):
        assert np.array_equal(a.points, b.points) and np.array_equal(a.labels, b.labels) and a.ids == b.ids and a.classes == b.classes
    with h5py.File(pointnet / "ply_data_test0.h5", "a") as f:
        f["data"][0] = f["data"][1]
    changed = load_h5_splits(pointnet, 1024, tmp_path)[1]
    assert len(list(tmp_path.glob("h5-clouds-*.npz"))) == 2
    assert np.array_equal(changed.points[0], changed.points[1]) and not np.array_equal(first[1].points[0], changed.points[0])
