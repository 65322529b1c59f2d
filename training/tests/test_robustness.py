"""The robustness benchmark end to end on a few real test clouds with the default model, its clean
row checked against the evaluation path (cached geometry, any2point.metrics.predict)."""
import json

import numpy as np
import pytest

from any2point import checkpoint as ckpt
from any2point import geometry as geo
from any2point import room, perturb, strays
from any2point.datasets import DEFAULT_MODELNET, REPO, load_modelnet40
from any2point.index_cache import cached_indices, with_fps_starts
from any2point.metrics import predict
from any2point.tools import robustness as R

DEFAULT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"
pytestmark = pytest.mark.skipif(not DEFAULT.exists(), reason="the default checkpoint is not in this checkout")


def test_spread_rows_cover_the_split_evenly():
    assert R.spread_rows(10, 0).tolist() == list(range(10))
    assert R.spread_rows(10, 4).tolist() == [0, 2, 5, 7]
    assert R.spread_rows(3, 8).tolist() == [0, 1, 2]


def test_variant_clouds_depend_on_the_row_not_on_the_subset():
    rows = np.array([0, 700, 1400])
    raw = R.stored_clouds(DEFAULT_MODELNET, rows)
    together = R.variant_clouds("jitter1", raw, rows, 1024)
    alone = R.variant_clouds("jitter1", raw[2:], rows[2:], 1024)
    assert together.shape == (3, 1024, 3) and np.array_equal(together[2], alone[0])
    # as the loaders hand it on: row 700 is a traffic cone whose base plate floor.py leaves out
    cone = strays.without_strays(perturb.apply("jitter1", raw[1], 700))[0]
    loaded = room.without_room(cone)
    assert len(loaded) < len(cone) and np.array_equal(together[1], geo.normalise(loaded, 1024))



def test_another_seed_draws_other_clouds_of_the_same_variant_on_validation_only(tmp_path, capsys):
    """--seed (perturb.variant_rng): the benchmark's seed is the default; another draws other
    variant clouds (more validation draws, as RULE-grow-spacing needed); test is drawn once."""
    rows = np.array([0, 700])
    raw = R.stored_clouds(DEFAULT_MODELNET, rows)
    same = R.variant_points("view", raw, rows)
    assert all(np.array_equal(a, b) for a, b in zip(same, R.variant_points("view", raw, rows, perturb.BASE_SEED)))
    other = R.variant_points("view", raw, rows, 24)
    assert not any(len(a) == len(b) and np.array_equal(a, b) for a, b in zip(same, other))
    assert not np.array_equal(perturb.apply("jitter1", raw[1], 700, 24), perturb.apply("jitter1", raw[1], 700))
    with pytest.raises(ValueError, match="drawn with seed 23 only"):
        R.run([], ["clean"], split="test", seed=24)
    with pytest.raises(SystemExit):
        R.main(["--seed", "24", "--out", str(tmp_path / "r.json")])
    assert "the test rows are drawn with seed 23 only" in capsys.readouterr().err


def test_clean_clouds_are_the_evaluated_ones_and_fresh_geometry_equals_the_cache(tmp_path):
    model, _, _ = ckpt.load_model(DEFAULT)
    rows = R.spread_rows(2468, 6)
    clean = R.variant_clouds("clean", R.stored_clouds(DEFAULT_MODELNET, rows), rows, model.spec.points)
    assert np.array_equal(clean, load_modelnet40("test").points[rows])
    fresh = R.fresh_indices(clean, model.spec, 2)
    cached = with_fps_starts(clean, model.spec, "t", 2, tmp_path, log=None)
    for a, b in zip(fresh.fps + fresh.knn, cached.fps + cached.knn):
        assert np.array_equal(a.astype(np.int64), b.astype(np.int64))


def test_benchmark_end_to_end_matches_evaluation_on_clean_clouds(tmp_path, capsys):
    out = tmp_path / "robustness.json"
    assert R.main([str(DEFAULT), "--limit", "8", "--variants", "up+y,cut", "--out", str(out), "--markdown"]) == 0
    report = json.loads(out.read_text())
    assert report["variants"] == ["clean", "up+y", "cut"] and report["clouds"] == 8
    (m,) = report["models"]
    assert m["id"] == "use-lite-modelnet40"
    rows = np.array(report["rows"])
    assert rows.tolist() == R.spread_rows(2468, 8).tolist()

    # The evaluation path: the split as any2point.evaluate loads it, geometry from the cache.
    model, _, _ = ckpt.load_model(DEFAULT)
    test = load_modelnet40("test").subset(rows)
    idx = cached_indices(test.points, model.spec, "t", tmp_path / "cache", log=None)
    expected = predict(model, test, idx, np.arange(len(rows)), 64)
    clean = m["variants"]["clean"]
    assert clean["predictions"] == expected.tolist()
    assert clean["overallAccuracy"] == pytest.approx(float((expected == test.labels).mean()))
    for name in ("up+y", "cut"):
        v = m["variants"][name]
        assert v["count"] == 8 and len(v["predictions"]) == 8
        assert v["overallAccuracy"] == pytest.approx(float((np.array(v["predictions"]) == test.labels).mean()))
    table = capsys.readouterr().out
    assert "| variant | use-lite-modelnet40 OA / mAcc |" in table
    assert f"| {R.LABELS['up+y']} | {100 * m['variants']['up+y']['overallAccuracy']:.1f} / " in table
    assert R.main(["--table-from", str(out), "--markdown"]) == 0
    assert capsys.readouterr().out.strip() == table[table.index("| variant"):table.index("wrote")].strip()


def test_answered_counts_what_a_user_sees():
    right = np.array([True, False, True, False, True])
    sure = np.array([True, True, False, False, True])
    got = R.answered(right, sure)
    assert got == {"shownSure": pytest.approx(0.6), "rightWhenSure": pytest.approx(2 / 3),
                   "wrongShownSure": pytest.approx(0.2)}
    assert R.answered(right, np.zeros(5, bool))["rightWhenSure"] is None
    row = {"shownSure": 0.6, "rightWhenSure": None, "wrongShownSure": 0.0}
    assert R.sure_text(row) == "shown as sure 60.0 % (right - %; wrong and shown as sure 0.0 %)"


def test_unknown_variant_and_missing_checkpoint_are_clear_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        R.main(["--variants", "clean,tilt"])
    assert "unknown variant(s) tilt" in capsys.readouterr().err
    assert R.main([str(tmp_path / "nope" / "best.pt"), "--out", str(tmp_path / "r.json")]) == 1
    assert "checkpoint(s) not found" in capsys.readouterr().err


def test_zoo_checkpoints_are_the_manifests_models():
    zoo = dict(R.zoo_checkpoints())
    assert "use-lite-modelnet40" in zoo and zoo["use-lite-modelnet40"] == DEFAULT


def test_a_stopped_run_resumes_from_its_report(tmp_path, capsys):
    # The report is written after every variant; a rerun with --resume keeps those variants and
    # computes only the rest, giving the report an uninterrupted run gives.
    whole = tmp_path / "whole.json"
    assert R.main([str(DEFAULT), "--limit", "4", "--variants", "up+y,cut", "--out", str(whole)]) == 0
    full = json.loads(whole.read_text())
    assert full["complete"] is True

    class Stop(Exception):
        pass


    def stop_after_first(report):
        stopped.write_text(json.dumps(report))
        raise Stop

    stopped = tmp_path / "stopped.json"
    with pytest.raises(Stop):
        R.run([("use-lite-modelnet40", DEFAULT)], ["up+y", "cut"], limit=4, log=None, on_variant=stop_after_first)
    partial = json.loads(stopped.read_text())
    assert partial["complete"] is False and partial["variants"] == ["clean"]
    # Tamper with the kept row: a resumed run must keep it, not recompute it.
    partial["models"][0]["variants"]["clean"]["overallAccuracy"] = -1.0
    stopped.write_text(json.dumps(partial))
    capsys.readouterr()
    assert R.main([str(DEFAULT), "--limit", "4", "--variants", "up+y,cut", "--out", str(stopped), "--resume"]) == 0
    assert "kept from the earlier report: clean" in capsys.readouterr().out
    resumed = json.loads(stopped.read_text())
    assert resumed["complete"] is True and resumed["variants"] == ["clean", "up+y", "cut"]
    assert resumed["models"][0]["variants"]["clean"]["overallAccuracy"] == -1.0
    for name in ("up+y", "cut"):
        assert resumed["models"][0]["variants"][name]["predictions"] == full["models"][0]["variants"][name]["predictions"]

    # Another setting (here the number of clouds) is refused, not mixed in.
    assert R.main([str(DEFAULT), "--limit", "3", "--variants", "up+y", "--out", str(stopped), "--resume"]) == 1
    assert "differs in 'clouds'" in capsys.readouterr().err


def test_the_sparse_rule_follows_the_calibration_and_grows_only_spaced_clouds():
    """RULE-grow-spacing in the benchmark: a calibration with a growSpacing grows only the sparse
    clouds whose points lie farther apart than it (geometry.answers_grown); 256-point clouds mostly
    are, a sparse single view (the model's own spacing) mostly is not."""
    assert R.sparse_rule(None) == "repeated" and R.sparse_rule({"sparse": "repeated"}) == "repeated"
    assert R.sparse_rule({"sparse": "grown"}) == "grown" and R.sparse_rule(None, grow_answer=True) == "grown"
    rule = R.sparse_rule({"sparse": "grown", "growSpacing": 0.043681376545928984})
    assert rule == "grown above spacing 0.043681376545928984"
    assert R.sparse_spacing(rule) == 0.043681376545928984 and R.sparse_spacing("grown") is None
    spec = geo.GeometrySpec(1024, (geo.Stage(256, 24), geo.Stage(64, 16)), geo.Projection("1d", 16, length=512), 4)
    _, rows = R.split_rows("val", DEFAULT_MODELNET, 60)
    raw = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    share = {}
    for v in ("points256", "view"):
        points = R.variant_points(v, raw, rows)
        sparse = [i for i, p in enumerate(points) if geo.grows(len(p), 1024)]
        kept = R.Grown(points, spec, 1, R.sparse_spacing(rule)).rows.tolist()
        assert set(kept) <= set(sparse)
        assert kept == [i for i in sparse if geo.spacing(geo.normalise(points[i], len(points[i]))) > R.sparse_spacing(rule)]
        share[v] = len(kept) / max(len(sparse), 1)
    assert share["points256"] > 0.6 and share["view"] < 0.4
