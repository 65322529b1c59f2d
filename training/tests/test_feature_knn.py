"""The feature-memory probe (any2point.feature_knn): neighbour scores and the features it reads."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from any2point import data as D
from any2point.feature_knn import features, mean_class, neighbour_scores, refit_last_layer
from any2point.model import create_model


def test_neighbour_scores_follow_the_nearest_memory_rows():
    memory = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.0]])
    labels = np.array([0, 0, 1, 1, 2])
    query = np.array([[2.0, 0.1], [0.05, 3.0]])  # the scale of a feature does not matter (cosine)
    s = neighbour_scores(query, memory, labels, classes=3, k=2, tau=0.1)
    assert s.shape == (2, 3)
    np.testing.assert_allclose(s.sum(1), 1.0)
    assert s[0].argmax() == 0 and s[1].argmax() == 1
    assert s[0, 2] == 0.0  # the opposite row is not among the 2 nearest
    # k = 3 reaches one row of the other class; a larger tau weighs it more.
    sharp, flat = (neighbour_scores(query[:1], memory, labels, 3, 3, tau)[0, 1] for tau in (0.05, 0.5))
    assert 0.0 < sharp < flat < 0.5


def test_neighbour_scores_reject_a_k_the_memory_cannot_give():
    with pytest.raises(ValueError, match="k = 6"):
        neighbour_scores(np.ones((1, 2)), np.ones((5, 2)), np.zeros(5, np.int64), 1, 6, 0.1)


def test_features_are_what_the_head_sees(folder, tmp_path):
    torch.manual_seed(0)
    model = create_model("any2point", backbone="use-lite", num_classes=4, stages=((64, 16), (16, 8)),
                         stage_widths=(16,), head_hidden=32).eval()
    s = D.load_splits(str(folder), model.spec, cache=str(tmp_path), log=None)
    rows = s.val_rows[:5]
    f = features(model, s.train, s.train_idx, rows, variant=0, batch_size=2)
    assert f["input"].shape == (5, 2 * 512) and f["hidden"].shape == (5, 32) and f["logits"].shape == (5, 4)
    # The head's last layer applied to the hidden features gives the logits: hooks saw the right tensors.
    last = model.head[-1]
    np.testing.assert_allclose(f["hidden"] @ last.weight.detach().numpy().T + last.bias.detach().numpy(), f["logits"],
                               rtol=1e-5, atol=1e-5)
    assert not model.head[0]._forward_hooks and not model.head[1]._forward_hooks  # hooks removed


def test_refit_last_layer_separates_separable_features():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 4
    labels = np.repeat(np.arange(3), 20)
    hidden = (centres[labels] + rng.normal(size=(60, 8))).astype(np.float32)
    layer = refit_last_layer(hidden, labels, 3, l2=1e-3)
    assert layer.weight.shape == (3, 8)
    with torch.no_grad():
        assert (layer(torch.from_numpy(hidden)).argmax(1).numpy() == labels).mean() == 1.0


def test_mean_class_weighs_every_class_alike():
    labels = np.array([0, 0, 0, 1])
    scores = np.eye(2)[[0, 0, 0, 0]]  # all predicted 0: class 0 right, class 1 wrong
    assert mean_class(scores, labels) == 0.5


def test_probe_reads_validation_only_and_refuses_an_ensemble(folder, tmp_path):
    from any2point.config import TrainConfig
    from any2point.ensemble import combine
    from any2point.feature_knn import GRID, REFIT_L2, probe
    from any2point.train import train

    paths = []
    for seed in (0, 1):
        cfg = TrainConfig(backbone="use-lite", stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32,
                          batch_size=32, epochs=1, max_steps=2, warmup_epochs=0.5, seed=seed, dataset=str(folder),
                          cache_dir=str(tmp_path / "cache"), run_dir=str(tmp_path / f"s{seed}"))
        train(cfg, log=lambda s: None)
        paths.append(tmp_path / f"s{seed}" / "last.pt")
    said = []
    table = probe(paths[0], votes=2, log=said.append)
    settings = len(GRID["feature"]) * len(GRID["k"]) * len(GRID["tau"])
    assert len(table) == settings + len(REFIT_L2)
    val = 8  # 2 of the 18 training clouds of each of 4 classes
    assert f"of {val} validation clouds" in said[0]
    assert all(0 <= r["memory"] <= val and all(0 <= r[f"lam={lam}"] <= val for lam in GRID["lam"]) for r in table[:settings])
    assert all(0 <= r["right"] <= val for r in table[settings:])
    torch.save(combine(paths), tmp_path / "ens.pt")
    with pytest.raises(ValueError, match="is an ensemble"):
        probe(tmp_path / "ens.pt", votes=1, log=lambda s: None)
