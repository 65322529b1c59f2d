"""The trainer: type-checked overrides, unknown keys rejected, exact resume, report and metrics,
and the data pieces it relies on (cached indices, validation split, augmentation)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from any2point import batches as B
from any2point import dataset_splits as S
from any2point import datasets as DS
from any2point import index_cache as C
from any2point import geometry as geo
from any2point.config import TrainConfig, parse_overrides
from any2point.evaluate import evaluate
from any2point.metrics import scores
from any2point.train import train

SMALL = dict(backbone="none", stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=16,
             epochs=2, log_every=1, warmup_epochs=0.5)


def test_overrides_are_type_checked_and_unknown_keys_rejected():
    cfg = parse_overrides(["--lr", "0.01", "--stages", "128:16,32:8", "--augment=false", "--epochs", "3"], TrainConfig())
    assert cfg.lr == 0.01 and cfg.stages == ((128, 16), (32, 8)) and cfg.augment is False and cfg.epochs == 3
    with pytest.raises(ValueError, match="unknown option --lr_max"):
        parse_overrides(["--lr_max", "1"], TrainConfig())
    with pytest.raises(ValueError, match="epochs: 'three' is not a valid int"):
        parse_overrides(["--epochs", "three"], TrainConfig())
    with pytest.raises(ValueError, match="unknown config keys"):
        TrainConfig.from_dict({"nope": 1})
    with pytest.raises(ValueError, match="precision: 'fp16' is not one of fp32, bf16"):
        parse_overrides(["--precision", "fp16"], TrainConfig())


def _trained(tmp, cfg):
    state = torch.load(tmp / "last.pt")
    return state["model"], state["progress"]


def test_resume_continues_exactly(folder, tmp_path):
    common = dict(SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"))
    straight = TrainConfig(**common, run_dir=str(tmp_path / "a"), max_steps=6)  # epoch 1 (4 steps) + 2
    train(straight, log=lambda s: None)
    # Interrupted in the middle of epoch 1, then resumed twice.
    cut = TrainConfig(**common, run_dir=str(tmp_path / "b"), max_steps=2)
    train(cut, log=lambda s: None)
    for stop in (5, 6):
        blob = torch.load(tmp_path / "b" / "last.pt")
        cfg = TrainConfig.from_dict(blob["config"])
        cfg.max_steps = stop
        train(cfg, resume=blob, log=lambda s: None)
    a, pa = _trained(tmp_path / "a", straight)
    b, pb = _trained(tmp_path / "b", cut)
    assert pa["global_step"] == pb["global_step"] == 6
    assert [h["val_acc"] for h in pa["history"]] == [h["val_acc"] for h in pb["history"]]
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert (tmp_path / "a" / "best.pt").exists()
    assert json.loads((tmp_path / "a" / "config.json").read_text())["backbone"] == "none"


def test_bf16_training_learns_and_keeps_fp32_weights(folder, tmp_path):
    """bf16 autocast: the trained tensors stay float32, they move, and the loss falls like fp32's."""
    common = dict(SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"), epochs=3, lr=5e-3)
    losses = {}
    for precision in ("fp32", "bf16"):
        cfg = TrainConfig(**common, run_dir=str(tmp_path / precision), precision=precision, device="cpu")
        progress = train(cfg, log=lambda s: None)
        losses[precision] = [h["train_loss"] for h in progress["history"]]
    state = torch.load(tmp_path / "bf16" / "last.pt")["model"]
    assert all(v.dtype == torch.float32 for v in state.values() if v.is_floating_point())
    fp32_state = torch.load(tmp_path / "fp32" / "last.pt")["model"]
    assert any(not torch.equal(state[k], fp32_state[k]) for k in state)
    assert losses["bf16"][-1] < losses["bf16"][0]
    assert losses["bf16"] != losses["fp32"]  # autocast did run the matmuls in bf16
    assert abs(losses["bf16"][0] - losses["fp32"][0]) < 0.05 * losses["fp32"][0], losses


def test_report_has_every_figure(folder, tmp_path):
    cfg = TrainConfig(**SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"), run_dir=str(tmp_path / "r"), max_steps=4)
    train(cfg, log=lambda s: None)
    r = evaluate(tmp_path / "r" / "best.pt", log=lambda s: None)
    for part in ("val", "test"):
        assert 0 <= r[part]["overallAccuracy"] <= 1 and 0 <= r[part]["meanClassAccuracy"] <= 1
        assert set(r[part]["perClassAccuracy"]) == {"airplane", "chair", "lamp", "toilet"}
    assert np.array(r["test"]["confusion"]).sum() == 8
    assert r["parameters"]["trainable"] == r["parameters"]["total"] > 0  # no backbone: all trained
    assert r["epochs"] == 1 and r["machine"]["cpuCount"] >= 1


def test_scores():
    s = scores(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), ["a", "b", "c"])
    assert s["overallAccuracy"] == 0.5
    assert s["perClassAccuracy"] == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert s["meanClassAccuracy"] == pytest.approx(0.5)
    assert s["confusion"] == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_cached_indices_equal_fresh_geometry_and_slice_from_wider_caches(tmp_path):
    rng = np.random.default_rng(3)
    clouds = np.stack([geo.normalise(rng.normal(size=(128, 3)), 128) for _ in range(5)])
    wide = geo.GeometrySpec(128, (geo.Stage(64, 16), geo.Stage(16, 8)), geo.Projection("1d", 16, length=128), 4)
    narrow = geo.GeometrySpec(128, (geo.Stage(32, 12), geo.Stage(8, 4)), geo.Projection("1d", 16, length=128), 4)
    C.cached_indices(clouds, wide, "t", tmp_path, log=None)
    for spec in (wide, narrow):
        idx = C.cached_indices(clouds, spec, "t", tmp_path, log=None)
        fps, knn, _ = geo.hierarchy(torch.from_numpy(clouds), spec.stages)
        for t in range(2):
            assert np.array_equal(idx.fps[t], fps[t].numpy()) and np.array_equal(idx.knn[t], knn[t].numpy())


def test_validation_split_is_stratified_fixed_and_saved(tmp_path):
    labels = np.repeat(np.arange(4), [30, 20, 10, 40])
    cs = DS.CloudSet(np.zeros((100, 4, 3), np.float32), labels, [f"s{i}" for i in range(100)], list("abcd"))
    rows = S.validation_rows(cs, 0.1, path=tmp_path / "val.txt")
    assert np.bincount(labels[rows]).tolist() == [3, 2, 1, 4]
    assert np.array_equal(S.validation_rows(cs, 0.1, seed=99, path=tmp_path / "val.txt"), rows)  # read back


def test_augmentation_is_per_cloud_scale_and_shift():
    pts = torch.ones(4, 10, 3)
    out = B.augment(pts, torch.Generator().manual_seed(0))
    assert out.shape == pts.shape
    per_cloud = out[:, 0]
    assert (out == per_cloud[:, None]).all()  # one affine map per cloud
    assert ((per_cloud >= 2 / 3 - 0.2) & (per_cloud <= 1.5 + 0.2)).all()


def test_rotation_about_z_keeps_distances_and_height():
    pts = torch.randn(64, 50, 3)
    d = torch.cdist(pts.double(), pts.double())
    for mode in ("z90", "z"):
        out = B.rotate_about_z(pts, mode, torch.Generator().manual_seed(1))
        assert torch.equal(out[..., 2], pts[..., 2])  # z (up) untouched
        assert torch.allclose(torch.cdist(out.double(), out.double()), d, atol=1e-5)  # cached FPS / k-NN still hold
        assert not torch.allclose(out, pts)
    # z90: every cloud turned by a multiple of 90 degrees (x, y) -> (x, y), (-y, x), (-x, -y) or (y, -x)
    out = B.rotate_about_z(pts, "z90", torch.Generator().manual_seed(2))
    x, y = pts[..., 0], pts[..., 1]
    turns = [torch.stack([x, y], -1), torch.stack([-y, x], -1), torch.stack([-x, -y], -1), torch.stack([y, -x], -1)]
    match = torch.stack([(out[..., :2] - t).abs().amax(dim=(1, 2)) < 1e-5 for t in turns], -1)
    assert (match.sum(-1) == 1).all() and match.any(0).all()
    assert torch.equal(B.rotate_about_z(pts, "none", torch.Generator()), pts)
    with pytest.raises(ValueError, match="rotate: 'x' is not one of none, z90, z"):
        parse_overrides(["--rotate", "x"], TrainConfig())


def test_weight_averaging_means_the_tensors_and_evaluates(folder, tmp_path):
    from any2point.tools.average import average

    cfg = TrainConfig(**SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"), run_dir=str(tmp_path / "r"), max_steps=4)
    train(cfg, log=lambda s: None)
    (tmp_path / "r" / "last.pt").rename(tmp_path / "e1.pt")
    blob = torch.load(tmp_path / "e1.pt")
    cfg = TrainConfig.from_dict(blob["config"])
    cfg.max_steps = 8
    train(cfg, resume=blob, log=lambda s: None)
    a, b = torch.load(tmp_path / "e1.pt")["model"], torch.load(tmp_path / "r" / "last.pt")["model"]
    out = average([tmp_path / "e1.pt", tmp_path / "r" / "last.pt"])
    changed = [k for k in a if not torch.equal(a[k], b[k])]
    assert changed  # training moved the weights, so the mean is a real third point
    for k in a:
        assert torch.allclose(out["model"][k], (a[k] + b[k]) / 2, atol=1e-7), k
    assert out["progress"]["averaged"] == [1, 2] and out["optimizer"] is None
    torch.save(out, tmp_path / "swa.pt")
    r = evaluate(tmp_path / "swa.pt", log=lambda s: None)
    assert 0 <= r["test"]["overallAccuracy"] <= 1
    # Another training recipe (a soup of runs from one checkpoint) is fine; another model is not.
    recipe = dict(blob, config=dict(blob["config"], aug_cut=0.25, lr=1e-4, seed=7))
    torch.save(recipe, tmp_path / "recipe.pt")
    assert torch.equal(average([tmp_path / "e1.pt", tmp_path / "recipe.pt"])["model"][changed[0]], a[changed[0]])
    other = dict(blob, config=dict(blob["config"], head_hidden=64))
    torch.save(other, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="different model config"):
        average([tmp_path / "e1.pt", tmp_path / "other.pt"])
    with pytest.raises(ValueError, match="at least two"):
        average([tmp_path / "e1.pt"])


def test_carry_quantises_to_11_bits_and_back():
    from any2point.tools.carry import BITS, dequantise, quantise

    pts = np.random.default_rng(0).uniform(-1, 1, (5, 1024, 3)).astype(np.float32)
    pts[0, 0] = (-1.0, 1.0, 0.0)
    blob = quantise(pts)
    assert len(blob) == pts.size * BITS // 8
    back = dequantise(blob, pts.size).reshape(pts.shape)
    assert np.abs(back - pts).max() <= 1.0 / ((1 << BITS) - 1) + 1e-7
    assert back[0, 0].tolist() == [-1.0, 1.0, back[0, 0, 2]]
    with pytest.raises(ValueError, match="expected 15361"):
        dequantise(blob, pts.size + 1)
    with pytest.raises(ValueError, match="finite and normalised"):
        quantise(np.array([[0.0, np.nan, 0.0]]))


def test_fps_starts_are_the_geometry_of_the_reordered_cloud(tmp_path):
    spec = geo.GeometrySpec(128, (geo.Stage(32, 8), geo.Stage(8, 4)), geo.Projection("1d", 16, length=128), 4)
    clouds = np.random.default_rng(3).standard_normal((5, 128, 3)).astype(np.float32)
    idx = C.with_fps_starts(clouds, spec, "t", 3, tmp_path)
    assert idx.starts == 3 and idx.fps[0].shape == (3, 5, 32) and idx.knn[1].shape == (3, 5, 8, 4)
    plain = C.cached_indices(clouds, spec, "t", tmp_path, log=None)
    assert all(np.array_equal(a[0], b) for a, b in zip(idx.fps + idx.knn, plain.fps + plain.knn))  # start 0 = stored order
    rows = np.arange(5)
    for v in (1, 2):
        order = C.point_order(v, 128)
        moved = torch.from_numpy(clouds[:, order])
        fps1 = geo.fps(moved, 32)
        fps, knn = idx.rows(rows, np.full(5, v))
        # the same centres and neighbourhoods as FPS / k-NN run on the reordered cloud
        assert torch.equal(torch.from_numpy(order)[fps1], fps[0])
        assert torch.equal(torch.from_numpy(order)[geo.knn(moved, fps1, 8)], knn[0])
        centres = torch.gather(moved, 1, fps1[..., None].expand(-1, -1, 3))
        assert torch.equal(geo.fps(centres, 8), fps[1])
    assert not torch.equal(idx.rows(rows, np.full(5, 1))[0][0], idx.rows(rows)[0][0])  # other starts, other centres
    with pytest.raises(ValueError, match="no other FPS starts"):
        plain.rows(rows, np.ones(5, np.int64))


def test_fps_starts_from_worker_processes_equal_the_serial_ones(tmp_path):
    spec = geo.GeometrySpec(128, (geo.Stage(32, 8), geo.Stage(8, 4)), geo.Projection("1d", 16, length=128), 4)
    clouds = np.random.default_rng(4).standard_normal((40, 128, 3)).astype(np.float32)  # more than one k-NN slice
    serial = C.with_fps_starts(clouds, spec, "t", 4, tmp_path / "serial", log=None)
    said = []
    parallel = C.with_fps_starts(clouds, spec, "t", 4, tmp_path / "parallel", log=said.append, workers=2)
    assert all(np.array_equal(a, b) for a, b in zip(serial.fps + serial.knn, parallel.fps + parallel.knn))
    assert sorted(m.split(":")[0] for m in said if "processes" in m) == [f"geometry t-start{v}" for v in (1, 2, 3)]
    assert sorted(p.name for p in (tmp_path / "parallel").iterdir()) == ["n128_32k8", "n128_32k8_8k4"]  # no leftovers
    said.clear()
    C.with_fps_starts(clouds, spec, "t", 4, tmp_path / "parallel", log=said.append, workers=2)
    assert not [m for m in said if "processes" in m]  # all cached: no workers started
    with pytest.raises(ValueError, match="fps_starts: 0 must be at least 1"):
        parse_overrides(["--fps_variants", "0"], TrainConfig())


def test_jitter_moves_points_a_little_and_only_when_asked():
    pts = torch.zeros(4, 200, 3)
    plain = B.augment(pts, torch.Generator().manual_seed(5))
    same = B.augment(pts, torch.Generator().manual_seed(5), jitter=0.0)
    assert torch.equal(plain, same)
    noisy = B.augment(pts, torch.Generator().manual_seed(5), jitter=0.01)
    d = noisy - plain  # same scale and shift draws first, then the noise
    assert 0.008 < d.std().item() < 0.012 and d.abs().max().item() <= 0.05 + 1e-7
    with pytest.raises(ValueError, match="jitter: -0.1 must be a number >= 0"):
        parse_overrides(["--jitter", "-0.1"], TrainConfig())


def test_training_with_fps_starts_and_jitter_runs(folder, tmp_path):
    cfg = TrainConfig(**SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"), run_dir=str(tmp_path / "r"),
                      max_steps=2, fps_starts=3, jitter=0.01)
    train(cfg, log=lambda s: None)
    assert sorted(p.name.split(".")[0] for p in (tmp_path / "cache").rglob("*.npz")).count("folder-train-start2") == 2
    assert torch.load(tmp_path / "r" / "last.pt")["progress"]["global_step"] == 2


def test_voting_averages_the_softmax_of_point_orders(folder, tmp_path):
    from any2point import checkpoint as ckpt
    from any2point.metrics import predict

    cfg = TrainConfig(**SMALL, dataset=str(folder), cache_dir=str(tmp_path / "cache"), run_dir=str(tmp_path / "r"), max_steps=4)
    train(cfg, log=lambda s: None)
    model, _, _ = ckpt.load_model(tmp_path / "r" / "best.pt")
    s = S.load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, log=None, test_starts=3)
    rows = np.arange(len(s.test))
    with torch.no_grad():
        probs = [torch.softmax(model(*B.make_batch(s.test, s.test_idx, rows, model.spec, start=v).inputs())[0], -1) for v in range(3)]
    assert not torch.equal(probs[0], probs[1])  # another FPS start, other tokens
    assert np.array_equal(predict(model, s.test, s.test_idx, rows, 3, votes=3), (sum(probs) / 3).argmax(-1).numpy())
    assert np.array_equal(predict(model, s.test, s.test_idx, rows, 3), probs[0].argmax(-1).numpy())
    with pytest.raises(ValueError, match="4 votes need indices of 4 FPS starts; these have 3"):
        predict(model, s.test, s.test_idx, rows, 3, votes=4)
    r = evaluate(tmp_path / "r" / "best.pt", log=lambda s: None, votes=3)
    assert r["votes"] == 3


def test_native_bf16_is_read_from_the_cpu_flags(tmp_path):
    from any2point.train import cpu_has_native_bf16

    (tmp_path / "zen2").write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n")
    (tmp_path / "sapphire").write_text("processor\t: 0\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16\n")
    assert cpu_has_native_bf16(str(tmp_path / "zen2")) is False
    assert cpu_has_native_bf16(str(tmp_path / "sapphire")) is True
    assert cpu_has_native_bf16(str(tmp_path / "missing")) is None


def test_init_starts_from_a_trained_checkpoint_and_refits_only_the_head(folder, tmp_path):
    from any2point import checkpoint as ckpt
    from any2point.model import create_model

    common = dict(SMALL, cache_dir=str(tmp_path / "cache"), max_steps=2)
    train(TrainConfig(**common, dataset=str(folder), run_dir=str(tmp_path / "a")), log=lambda s: None)
    trained = torch.load(tmp_path / "a" / "last.pt")["model"]

    # Own data with three of the four classes: everything but the head's last layer carries over.
    own = tmp_path / "own"
    for split in ("train", "test"):
        for c in sorted(p.name for p in (folder / split).iterdir())[:3]:
            (own / split).mkdir(parents=True, exist_ok=True)
            (own / split / c).symlink_to(folder / split / c)
    cfg = TrainConfig(**common, dataset=str(own), run_dir=str(tmp_path / "b"), init=str(tmp_path / "a" / "last.pt"))
    model = create_model("any2point", backbone=cfg.backbone, num_classes=3, **cfg.model_kwargs())
    fresh = ckpt.init_from(model, cfg, tmp_path / "a" / "last.pt")
    assert fresh == ["head.3.weight", "head.3.bias"]
    state = model.state_dict()
    for k, v in trained.items():
        assert torch.equal(state[k], v) == (k not in fresh), k
    lines = []
    train(cfg, log=lines.append)
    assert any("initialised from" in s and "fresh: head.3.weight, head.3.bias" in s for s in lines)
    assert torch.load(tmp_path / "b" / "last.pt")["progress"]["global_step"] == 2

    # Another tokenizer or backbone, or no file, is a clear error.
    wider = TrainConfig(**dict(common, stage_widths=(24,)), dataset=str(folder), run_dir=str(tmp_path / "c"),
                        init=cfg.init)
    with pytest.raises(ValueError, match=r"differs from this run's \(options \{'stage_widths'"):
        ckpt.init_from(create_model("any2point", backbone="none", num_classes=4, **wider.model_kwargs()), wider,
                       tmp_path / "a" / "last.pt")
    with pytest.raises(ValueError, match="trained with backbone 'none', this run uses 'use-lite'"):
        ckpt.init_from(model, TrainConfig(backbone="use-lite"), tmp_path / "a" / "last.pt")
    with pytest.raises(ValueError, match="no such checkpoint file"):
        train(TrainConfig(**common, dataset=str(folder), run_dir=str(tmp_path / "d"), init=str(tmp_path / "nope.pt")))


def test_fps_starts_fall_back_to_one_process_when_workers_fail(tmp_path, monkeypatch):
    spec = geo.GeometrySpec(128, (geo.Stage(32, 8), geo.Stage(8, 4)), geo.Projection("1d", 16, length=128), 4)
    clouds = np.random.default_rng(5).standard_normal((6, 128, 3)).astype(np.float32)

    def broken(*args, **kwargs):
        raise RuntimeError("no processes here")

    monkeypatch.setattr(C, "_build_starts", broken)
    said = []
    idx = C.with_fps_starts(clouds, spec, "t", 3, tmp_path / "a", log=said.append, workers=2)
    serial = C.with_fps_starts(clouds, spec, "t", 3, tmp_path / "b", log=None)
    assert any("worker processes failed (RuntimeError: no processes here)" in m for m in said)
    assert all(np.array_equal(a, b) for a, b in zip(idx.fps + idx.knn, serial.fps + serial.knn))


def test_the_old_name_fps_variants_still_loads_and_parses():
    """Checkpoints and config.json files written before the rename say fps_variants; the sweeps'
    JSON files and older notes pass --fps_variants."""
    assert TrainConfig.from_dict({"fps_variants": 8}).fps_starts == 8
    assert parse_overrides(["--fps_variants", "4"], TrainConfig()).fps_starts == 4
    assert "fps_variants" not in TrainConfig().to_dict()  # new files carry the new name only
