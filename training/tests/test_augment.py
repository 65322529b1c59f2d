"""Training augmentation for issue 23 (any2point.batches): the training damage (cut, viewpoint,
fewer points, noise, outliers) with fresh geometry, the canonical heading in the one training
path, and the config options that switch them on (off by default: batches as before)."""
import json

import numpy as np
import pytest
import torch

from any2point import batches as B
from any2point import geometry as geo
from any2point import perturb, pose
from any2point.config import DAMAGES, TrainConfig, parse_overrides
from any2point.datasets import CloudSet, load_modelnet40
from any2point.index_cache import cached_indices, with_fps_starts
from any2point.train import spec_for, train

ROWS = np.array([0, 1, 2, 3, 4, 5])


@pytest.fixture(scope="module")
def data():
    """Six real test clouds, their spec and their cached geometry (1 and 3 FPS starts)."""
    test = load_modelnet40("test").subset(np.arange(0, 2468, 400)[:6])
    spec = spec_for(TrainConfig())
    return test, spec


@pytest.fixture(scope="module")
def indices(data, tmp_path_factory):
    test, spec = data
    cache = tmp_path_factory.mktemp("cache")
    return cached_indices(test.points, spec, "t", cache, log=None), with_fps_starts(test.points, spec, "t", 3, cache, log=None)


def before(data_set, idx, rows, spec, gen, rotate="none", jitter=0.0):
    """make_batch as it was before damage and heading existed (the FPS start drawn, then the
    paper's augmentation, then the cached indices), for the bit-identity check."""
    pts = torch.from_numpy(data_set.points[rows])
    starts = None
    if idx.starts > 1:
        starts = torch.randint(0, idx.starts, (len(rows),), generator=gen).numpy()
    pts = B.augment(pts, gen, rotate, jitter)
    fps, knn = idx.rows(rows, starts)
    pos, cell_mask, voxel_mask = geo.project(spec, geo.gather_centres(pts, fps))
    return pts, fps, knn, pos, cell_mask, voxel_mask


@pytest.mark.parametrize("rotate,jitter,which", [("none", 0.0, 0), ("z", 0.01, 0), ("z90", 0.0, 1)])
def test_options_off_give_the_batches_of_before_bit_for_bit(data, indices, rotate, jitter, which):
    test, spec = data
    idx = indices[which]
    cfg = TrainConfig()
    assert not B.Damage.of(cfg).active and cfg.heading == "none"
    got = B.make_batch(test, idx, ROWS, spec, torch.Generator().manual_seed(3), rotate, jitter,
                       heading=cfg.heading, damage=B.Damage.of(cfg))
    want = before(test, idx, ROWS, spec, torch.Generator().manual_seed(3), rotate, jitter)
    assert torch.equal(got.points, want[0])
    for a, b in zip(got.fps + got.knn, want[1] + want[2]):
        assert torch.equal(a, b)
    assert torch.equal(got.pos, want[3]) and torch.equal(got.cell_mask, want[4]) and torch.equal(got.voxel_mask, want[5])


def test_damage_cloud_draws_one_damage_from_the_cumulative_probabilities():
    cloud = load_modelnet40("test").points[0]
    assert B.damage_cloud(cloud, np.random.default_rng(0), B.Damage()) is None
    # With probability 1 for one damage, it is that perturb function on the same rng after the one
    # uniform number that picked it.
    for i, fn in ((0, perturb.plane_cut), (1, perturb.single_view)):
        probs = tuple(1.0 if j == i else 0.0 for j in range(len(DAMAGES)))
        rng = np.random.default_rng(7)
        rng.random()
        assert np.array_equal(B.damage_cloud(cloud, np.random.default_rng(7), B.Damage(probs)), fn(cloud, rng))
    # Half cut, half fewer points: u < 0.5 cuts, the rest keeps a count uniform in [256, 1024).
    cuts = 0
    for s in range(200):
        d = B.damage_cloud(cloud, np.random.default_rng(s), B.Damage((0.5, 0.0, 0.5, 0.0, 0.0)))
        rng = np.random.default_rng(s)
        if rng.random() < 0.5:
            cuts += 1
            assert np.array_equal(d, perturb.plane_cut(cloud, rng))
        else:
            count = int(rng.integers(256, 1024))
            assert len(d) == count and np.array_equal(d, perturb.density(count)(cloud, rng))
    assert 70 < cuts < 130


def test_noise_and_outliers_keep_the_count_and_stay_within_their_strength():
    cloud = load_modelnet40("test").points[5]
    diag = perturb.bbox_diagonal(cloud)
    noisy = B.damage_cloud(cloud, np.random.default_rng(1), B.Damage((0, 0, 0, 1.0, 0), noise_max=0.02))
    assert noisy.shape == cloud.shape and 0 < np.abs(noisy - cloud).std() < 0.02 * diag
    out = B.damage_cloud(cloud, np.random.default_rng(1), B.Damage((0, 0, 0, 0, 1.0), outliers_max=0.05))
    moved = (out != cloud).any(1).sum()
    assert out.shape == cloud.shape and 0 <= moved <= round(0.05 * 1024)


def test_damaged_clouds_are_normalised_again_and_get_fresh_geometry(data, indices):
    test, spec = data
    idx = indices[0]
    pts = torch.from_numpy(test.points[ROWS])
    fps, knn = idx.rows(ROWS)
    gen = torch.Generator().manual_seed(11)
    damage = B.Damage((0.5, 0.0, 0.0, 0.0, 0.0))
    out, f2, k2 = B.damage_batch(pts, fps, knn, spec, gen, damage)
    seeds = torch.randint(0, 2 ** 62, (len(ROWS),), generator=torch.Generator().manual_seed(11)).tolist()
    hit = 0
    for i, seed in enumerate(seeds):
        d = B.damage_cloud(test.points[ROWS[i]], np.random.default_rng(seed), damage)
        if d is None:  # untouched: the stored cloud and its cached indices
            assert torch.equal(out[i], pts[i]) and all(torch.equal(a[i], b[i]) for a, b in zip(f2 + k2, fps + knn))
            continue
        hit += 1
        want = geo.normalise(d, spec.points)
        assert np.array_equal(out[i].numpy(), want)
        assert np.sqrt((want.astype(np.float64) ** 2).sum(1)).max() == pytest.approx(1.0, abs=1e-6)
        f, k, _ = geo.hierarchy(torch.from_numpy(want)[None], spec.stages)
        for a, b in zip(f2 + k2, f + k):
            assert torch.equal(a[i], b[0])
    assert 0 < hit < len(ROWS)  # seed 11 damages some, not all (so both branches are checked)
    assert torch.equal(pts, torch.from_numpy(test.points[ROWS]))  # the inputs are not modified


def test_damaged_geometry_on_another_device_is_the_same(data, indices):
    # On a GPU, train.py computes the damaged clouds' FPS / k-NN there (geometry_device); CI has
    # no GPU, so: the CPU as that device gives the same batch, and FPS / k-NN keep every working
    # tensor on their input's device (the meta device runs the same code with no data).
    test, spec = data
    pts = torch.from_numpy(test.points[ROWS])
    fps, knn = indices[0].rows(ROWS)
    damage = B.Damage((0.3, 0.3, 0.2, 0.0, 0.0))
    plain = B.damage_batch(pts, fps, knn, spec, torch.Generator().manual_seed(5), damage)
    moved = B.damage_batch(pts, fps, knn, spec, torch.Generator().manual_seed(5), damage, torch.device("cpu"))
    for a, b in zip([plain[0], *plain[1], *plain[2]], [moved[0], *moved[1], *moved[2]]):
        assert torch.equal(a, b)
    assert geo.fps(torch.empty(2, 64, 3, device="meta"), 16).device.type == "meta"
    assert geo.fps(torch.empty(2, 8, 3, device="meta"), 16).shape == (2, 16)  # fewer points than centres
    centres = torch.zeros(2, 4, dtype=torch.long, device="meta")
    assert geo.knn(torch.empty(2, 8, 3, device="meta"), centres, 12).device.type == "meta"


def test_canonical_heading_is_applied_last_in_the_one_path(data, indices):
    test, spec = data
    plain = B.make_batch(test, indices[0], ROWS, spec, heading="canonical")
    assert np.array_equal(plain.points.numpy(), pose.canonical_heading(test.points[ROWS]))
    aug = B.make_batch(test, indices[0], ROWS, spec, torch.Generator().manual_seed(2), "z", heading="canonical",
                       damage=B.Damage((0.3, 0.3, 0.0, 0.0, 0.0)))
    again = pose.canonical_heading(aug.points.numpy())
    assert np.abs(again - aug.points.numpy()).max() < 1e-5  # already canonical: the network sees no other heading
    assert not np.allclose(aug.points.numpy(), plain.points.numpy(), atol=1e-3)  # and it was augmented
    assert list(B.batches(test, indices[0], ROWS, spec, 4, heading="canonical"))[1].points.shape == (2, 1024, 3)


def test_config_options_are_typed_checked_and_off_by_default():
    cfg = parse_overrides(["--heading", "canonical", "--aug_cut", "0.2", "--aug_points=0.1", "--aug_min_points", "300"], TrainConfig())
    assert cfg.heading == "canonical" and cfg.damage_probabilities() == (0.2, 0.0, 0.1, 0.0, 0.0) and cfg.aug_min_points == 300
    assert TrainConfig().damage_probabilities() == (0.0,) * 5
    for bad, match in ((["--heading", "pca"], "heading"), (["--aug_view", "1.5"], "aug_view"),
                       (["--aug_cut", "0.6", "--aug_view", "0.6"], "at most 1"), (["--aug_min_points", "2.5"], "valid int"),
                       (["--aug_tilt", "0.1"], "unknown option --aug_tilt")):
        with pytest.raises(ValueError, match=match):
            parse_overrides(bad, TrainConfig())
    with pytest.raises(ValueError, match="unknown config keys"):
        TrainConfig.from_dict({**TrainConfig().to_dict(), "aug_tilt": 0.1})


def test_training_with_a_canonical_heading_and_damage_runs_and_validates_canonically(folder, tmp_path, monkeypatch):
    seen = []
    import any2point.train as T
    real = T.predict

    def spy(model, cloud_set, idx, rows, batch_size, votes=1):
        seen.append(cloud_set.points[rows].copy())
        return real(model, cloud_set, idx, rows, batch_size, votes)
    monkeypatch.setattr(T, "predict", spy)
    cfg = TrainConfig(dataset=str(folder), cache_dir=str(tmp_path / "c"), run_dir=str(tmp_path / "run"), epochs=1,
                      batch_size=16, stages=((64, 8), (16, 8)), heading="canonical", rotate="z",
                      aug_cut=0.2, aug_view=0.2, aug_points=0.2, aug_noise=0.2, aug_outliers=0.2, log_every=1)
    progress = train(cfg)
    assert progress["epoch"] == 1 and np.isfinite(progress["history"][0]["train_loss"])
    assert json.loads((tmp_path / "run" / "config.json").read_text())["heading"] == "canonical"
    (val,) = seen
    assert np.abs(pose.canonical_heading(val) - val).max() < 1e-5  # validation saw canonical clouds


def test_batches_made_ahead_in_worker_processes_are_the_same(data, indices):
    # train.py's --batch_workers: worker processes draft the next steps' batches (augmentation,
    # damage) while a step trains; the main process finishes them. Each batch is a function of its
    # step, so they must equal the batches made one after another in this process.
    test, spec = data
    damage = B.Damage((0.3, 0.3, 0.2, 0.1, 0.1))

    def draft(step):
        return B.draft_batch(test, indices[1], ROWS, spec, torch.Generator().manual_seed(100 + step), "z", 0.01,
                             heading="canonical", damage=damage)
    inline = [B.make_batch(test, indices[1], ROWS, spec, torch.Generator().manual_seed(100 + s), "z", 0.01,
                           heading="canonical", damage=damage) for s in range(4)]
    ahead = [B.finish_batch(d, spec) for d in B.drafts(draft, range(4), workers=2)]
    assert sum(len(draft(s).hit) for s in range(4)) > 0  # some clouds were damaged (fresh geometry checked too)
    for a, b in zip(inline, ahead):
        for x, y in zip((a.points, *a.fps, *a.knn, a.pos, a.cell_mask, a.voxel_mask, a.labels),
                        (b.points, *b.fps, *b.knn, b.pos, b.cell_mask, b.voxel_mask, b.labels)):
            assert torch.equal(x, y)


def test_training_with_batch_workers_trains_the_same_model(folder, tmp_path):
    common = dict(dataset=str(folder), cache_dir=str(tmp_path / "c"), epochs=1, batch_size=16, stages=((64, 8), (16, 8)),
                  rotate="z", aug_cut=0.3, aug_view=0.3, aug_noise=0.2, log_every=1, max_steps=3)
    states = []
    for workers in (0, 2):
        run = tmp_path / f"run{workers}"
        progress = train(TrainConfig(**common, run_dir=str(run), batch_workers=workers))
        assert progress["global_step"] == 3
        states.append(torch.load(run / "last.pt", map_location="cpu", weights_only=False)["model"])
    assert states[0].keys() == states[1].keys()
    for k in states[0]:
        assert torch.equal(states[0][k], states[1][k]), k
    with pytest.raises(ValueError, match="batch_workers"):
        TrainConfig(batch_workers=-1)
