"""Few-shot pieces: a run without a validation part (--val_fraction 0) trains on every cloud and
keeps its last epoch; tools.fewshot draws nested, seeded shots outside the left-out rows and
writes PLY files that read back exactly."""
from __future__ import annotations

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point.config import TrainConfig
from any2point.meshio import read_cloud
from any2point.tools.fewshot import draw, write_ply
from any2point.train import train

from conftest import CLASSES, PER_CLASS_TRAIN


def test_no_validation_part_trains_on_every_cloud_and_keeps_the_last_epoch(folder, tmp_path):
    lines = []
    cfg = TrainConfig(backbone="none", dataset=str(folder), cache_dir=str(tmp_path / "cache"), val_fraction=0.0,
                      stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=36,
                      epochs=2, log_every=1, run_dir=str(tmp_path / "run"), warmup_epochs=0.5)
    progress = train(cfg, log=lines.append)
    assert any(f"{len(CLASSES) * PER_CLASS_TRAIN} train / 0 val" in s for s in lines)
    assert progress["global_step"] == 4 and progress["best_epoch"] == 2
    _, _, blob = ckpt.load_model(tmp_path / "run" / "best.pt")
    assert blob["progress"]["epoch"] == 2
    assert not (tmp_path / "cache" / f"folder-{folder.name}" / "val.txt").exists()


def test_draw_is_seeded_nested_and_leaves_out_the_excluded_rows():
    labels = np.repeat(np.arange(4), 30)
    exclude = np.arange(0, 120, 3)
    a = draw(labels, [0, 2], 20, seed=5, exclude=exclude)
    assert a == draw(labels, [0, 2], 20, seed=5, exclude=exclude)
    assert a != draw(labels, [0, 2], 20, seed=6, exclude=exclude)
    assert [len(r) for r in a] == [20, 20]
    assert all(labels[r] == c for c, rows in zip([0, 2], a) for r in rows)
    assert not set(sum(a, [])) & set(exclude.tolist())
    assert all(len(set(rows)) == 20 for rows in a)
    # A smaller draw with the same seed is a prefix of the larger one: 5 shots are among the 20.
    assert draw(labels, [0, 2], 5, 5, exclude) == [r[:5] for r in a]


def test_written_ply_reads_back_exactly(tmp_path):
    pts = torch.randn(1024, 3, generator=torch.Generator().manual_seed(0)).numpy()
    pts = (pts / np.linalg.norm(pts, axis=1, keepdims=True)).astype(np.float32)  # a surface: no stray pieces
    write_ply(tmp_path / "a.ply", pts)
    back = read_cloud(tmp_path / "a.ply", 1024, np.random.default_rng(0))
    assert np.array_equal(back.astype(np.float32), pts)
    assert back.shape == (1024, 3)
