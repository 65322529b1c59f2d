"""tools/calibrate and the benchmark's up search are the app's rule (any2point.decide) on the
same logits, on a few real validation clouds with the default model."""
import json

import numpy as np
import pytest

from any2point import checkpoint as ckpt
from any2point import decide
from any2point import geometry as geo
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET, REPO
from any2point.fitted import fitted_block
from any2point.tools import calibrate as C
from any2point.tools import robustness as R

DEFAULT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"
pytestmark = pytest.mark.skipif(not DEFAULT.exists(), reason="the default checkpoint is not in this checkout")


def test_benchmark_up_search_is_the_apps_rule_on_the_calibration_logits():
    model, cfg, _ = ckpt.load_model(DEFAULT)
    got = C.logits_of(model, cfg.heading, "val", ["up+y"], 5, 2, 64, DEFAULT_MODELNET, log=None)
    assert got["up+y"].shape == (2, 2, 5, 40)  # [ups z, y][votes][clouds][classes]
    report = R.run([("default", DEFAULT)], ["up+y"], limit=5, votes=2, split="val", up_search="max",
                   candidates=list(C.APP_UPS), log=None)
    v = report["models"][0]["variants"]["up+y"]
    q, picks = decide.answer(got["up+y"])
    assert v["predictions"] == q.argmax(-1).tolist()
    assert v["upPicks"] == [C.APP_UPS[k] for k in picks]
    # vote 0 is the one-vote benchmark's network input: its logits give the one-vote softmax
    one = R.run([("default", DEFAULT)], ["up+y"], limit=5, split="val", log=None)["models"][0]["variants"]["up+y"]
    assert one["predictions"] == got["up+y"][0, 0].argmax(-1).tolist()
    # --up-search app: the model's learned up picker on vote 0's features, as calibrate picks
    picker = R.app_picker(DEFAULT, C.APP_UPS)
    assert got["up+y" + C.FEATURES].shape[:2] == (2, 5)
    app = R.run([("default", DEFAULT)], ["up+y"], limit=5, votes=2, split="val", up_search="app",
                candidates=list(C.APP_UPS), log=None)
    # ... and its answer at the model's fitted temperature (the app's Q), shown as sure as the app does
    calibration = fitted_block(DEFAULT, "calibration.json", decide.manifest_block, "calibrate", log=None)
    q, picks = decide.answer(got["up+y"], calibration["temperature"], got["up+y" + C.FEATURES], picker,
                             mixture=calibration.get("answer") == "mixture" and picker is not None)
    row = app["models"][0]["variants"]["up+y"]
    assert row["predictions"] == q.argmax(-1).tolist()
    assert 0 <= row["wrongShownSure"] <= row["shownSure"] <= 1
    look = (picker or {}).get("secondLook")
    assert app["upSearch"]["picker"]["default"] == (
        f"learned, second look below {look['below']}" if look else "learned" if picker else "max-softmax")


def test_fit_measure_and_write(tmp_path):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, 60)
    logits = rng.normal(0, 1, (2, 2, 60, 4)).astype(np.float32)
    logits[0, :, np.arange(60), labels] += 4  # z is right and confident, y is noise
    data = {"labels": labels, "rows": np.arange(60), "clean": logits,
            "clean" + C.FEATURES: rng.normal(0, 1, (2, 60, 3)).astype(np.float32)}
    t, threshold = C.fit(data, ["clean"])
    assert 0.05 < t < 20 and 0 <= threshold <= 1
    m = C.measure(data, ["clean"], t, threshold)
    assert m["clean"]["upPicks"]["+z"] > 0.5
    assert m["pooled"]["nllAfter"] <= m["pooled"]["nllBefore"] + 1e-9  # T minimises the NLL
    assert m["pooled"]["keptAccuracy"] >= C.TARGET_ACCURACY or m["pooled"]["coverage"] == 0
    repo = tmp_path / "repo"
    (repo / "public" / "models" / "x").mkdir(parents=True)
    (repo / "public" / "models" / "x" / "manifest.json").write_text(json.dumps({"id": "x", "votes": 4}))
    ck = tmp_path / "ck" / "best.pt"
    ck.parent.mkdir()
    block = {"temperature": t, "threshold": threshold, "votesPerUp": 2, "ups": ["+z", "+y"], "validation": m, "bins": 15}
    C.write("x", ck, block, repo)
    assert json.loads((ck.parent / "calibration.json").read_text())["temperature"] == t
    manifest = json.loads((repo / "public" / "models" / "x" / "manifest.json").read_text())
    assert manifest["votes"] == 4 and manifest["calibration"]["threshold"] == threshold
    assert "bins" not in manifest["calibration"]


def test_the_sparse_rule_is_kept_across_refits_and_reaches_the_manifest(tmp_path):
    """calibrate --sparse (decide.py step 5): asked for, it is what the block says; not asked for,
    the checkpoint's calibration.json keeps its adopted rule; neither: repeated."""
    ck = tmp_path / "ck" / "best.pt"
    ck.parent.mkdir()
    assert C.sparse_rule(ck, None) == "repeated"
    repo = tmp_path / "repo"
    (repo / "public" / "models" / "x").mkdir(parents=True)
    (repo / "public" / "models" / "x" / "manifest.json").write_text(json.dumps({"id": "x"}))
    C.write("x", ck, {"temperature": 1.0, "threshold": 0.5, "sparse": "grown", "bins": 15}, repo)
    assert C.sparse_rule(ck, None) == "grown" and C.sparse_rule(ck, "repeated") == "repeated"
    assert json.loads((repo / "public" / "models" / "x" / "manifest.json").read_text())["calibration"]["sparse"] == "grown"
    # RULE-grow-spacing: a block with a growSpacing is "spaced"; --keep-fit swaps only the rule's keys
    C.write("x", ck, {"checkpointSha256": "abc", "temperature": 1.0, "threshold": 0.5, "sparse": "grown",
                      "growSpacing": 0.04, "votesPerUp": 1, "bins": 15}, repo)
    assert C.sparse_rule(ck, None) == "spaced"
    assert json.loads((repo / "public" / "models" / "x" / "manifest.json").read_text())["calibration"]["growSpacing"] == 0.04
    assert C.with_sparse_rule(ck, "abc", "grown", 1024) == {"checkpointSha256": "abc", "temperature": 1.0, "threshold": 0.5,
                                                            "sparse": "grown", "votesPerUp": 1, "bins": 15}
    assert "sparse" not in C.with_sparse_rule(ck, "abc", "repeated", 1024)
    with pytest.raises(ValueError, match="was not fitted on"):
        C.with_sparse_rule(ck, "another file", "grown", 1024)


def test_grow_spacing_is_the_95th_percentile_of_the_validation_clouds_as_stored():
    """growSpacing (RULE-grow-spacing): geometry.spacing of each validation cloud, normalised."""
    _, rows = R.split_rows("val", DEFAULT_MODELNET, 40)
    clouds = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    each = [geo.spacing(geo.normalise(c, 1024)) for c in clouds]
    assert C.grow_spacing(1024, limit=40) == pytest.approx(float(np.percentile(each, 95)), abs=0)
    assert 0.02 < C.grow_spacing(1024, limit=40) < 0.06  # a point's nearest neighbour, the sphere's radius 1
    assert C.sparse_block("spaced", 1024)["sparse"] == "grown" and C.sparse_block("repeated", 1024) == {}


def test_fit_and_measure_follow_the_held_out_picks():
    """With picks given (the held-out picker's), T, the threshold and the figures use those ups,
    not the picker's own."""
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, 80)
    logits = rng.normal(0, 1, (2, 1, 80, 4)).astype(np.float32)
    logits[0, :, np.arange(80), labels] += 4  # z right, y noise
    data = {"labels": labels, "rows": np.arange(80), "clean": logits,
            "clean" + C.FEATURES: rng.normal(0, 1, (2, 80, 3)).astype(np.float32)}
    picker = {"weights": [0.0, 0.0, 0.0], "confidenceWeight": 1.0}  # = the most confident: mostly z
    wrong = np.arange(80) % 4 == 0  # a held-out picker that takes y for one cloud in four
    held = {"clean": wrong.astype(np.int64)}
    m_in, m_held = C.measure(data, ["clean"], 1.0, 0.0, picker), C.measure(data, ["clean"], 1.0, 0.0, picker, held)
    assert m_held["clean"]["upPicks"]["+y"] == 0.25 and m_in["clean"]["upPicks"]["+y"] < 0.05
    assert m_held["clean"]["overallAccuracy"] < m_in["clean"]["overallAccuracy"]
    chosen = np.where(wrong[:, None], logits[1, 0], logits[0, 0])
    t, threshold = C.fit(data, ["clean"], picker, held)
    assert t == pytest.approx(decide.fit_temperature(chosen[:, None], labels))
    assert threshold == pytest.approx(decide.threshold_for_accuracy(decide.softmax(chosen, t), labels, C.TARGET_ACCURACY))


def test_cached_logits_are_those_of_the_same_checkpoint_file(tmp_path, monkeypatch):
    computed = []

    def fake_logits_of(model, heading, split, variants, limit, votes, batch_size, root, log=print):
        computed.append(model)
        return {"labels": np.arange(3), "rows": np.arange(3), "clean": np.full((2, votes, 3, 4), len(computed), np.float32),
                "clean" + C.FEATURES: np.zeros((2, 3, 5), np.float32)}

    monkeypatch.setattr(C, "CACHE", tmp_path)
    monkeypatch.setattr(C, "logits_of", fake_logits_of)
    get = lambda model, sha: C.cached_logits("x", model, "none", "val", ["clean"], 0, 2, 8, tmp_path, sha, log=None)
    first = get("a", "sha-a")
    assert get("a", "sha-a")["clean"][0, 0, 0, 0] == first["clean"][0, 0, 0, 0] == 1  # reused
    assert "checkpointSha256" not in get("a", "sha-a")
    assert get("b", "sha-b")["clean"][0, 0, 0, 0] == 2  # another checkpoint file: computed again
    assert computed == ["a", "b"]
    old = dict(np.load(tmp_path / "x-val.npz"))  # a cache from before the sha was kept is not trusted
    old.pop("checkpointSha256")
    np.savez_compressed(tmp_path / "x-val.npz", **old)
    get("b", "sha-b")
    assert computed == ["a", "b", "b"]


def test_cached_logits_compute_only_the_variants_missing(tmp_path, monkeypatch):
    asked = []

    def fake_logits_of(model, heading, split, variants, limit, votes, batch_size, root, log=print):
        asked.append((list(variants), votes))
        out = {"labels": np.arange(3), "rows": np.arange(3)}
        for i, v in enumerate(variants):
            out[v] = np.full((2, votes, 3, 4), len(asked) * 10 + i, np.float32)
            out[v + C.FEATURES] = np.zeros((2, 3, 5), np.float32)
        return out

    monkeypatch.setattr(C, "CACHE", tmp_path)
    monkeypatch.setattr(C, "logits_of", fake_logits_of)
    get = lambda variants, votes=1, sha="s": C.cached_logits("x", "m", "none", "val", variants, 0, votes, 8, tmp_path, sha, log=None)
    get(["clean", "cut"])
    both = get(["cut", "view", "clean"])  # only view is new
    assert asked == [(["clean"], 1), (["cut"], 1), (["view"], 1)]  # one variant a call, each kept as it comes
    assert (both["clean"] == 10).all() and (both["cut"] == 20).all() and (both["view"] == 30).all()
    assert sorted(both) == sorted(["labels", "rows", "cut", "view", "clean"] + [v + C.FEATURES for v in ("cut", "view", "clean")])
    assert (get(["view"])["view"] == 30).all() and len(asked) == 3  # all three kept in the cache
    get(["clean", "view"], votes=2)  # more votes than cached: both computed again
    assert asked[-2:] == [(["clean"], 2), (["view"], 2)]
    assert (get(["cut"])["cut"] == 20).all() and len(asked) == 5
    get(["cut"], sha="other")  # another checkpoint file: nothing reused
    assert asked[-1] == (["cut"], 1)
    assert "clean" not in dict(np.load(tmp_path / "x-val.npz"))


def test_the_zoos_calibrations_name_their_checkpoint_files():
    for cal in sorted((REPO / "training" / "checkpoints").glob("*/calibration.json")):
        assert json.loads(cal.read_text())["checkpointSha256"] == sha256_of(cal.parent / "best.pt"), cal


def test_zoo_table_reads_each_models_test_rows(tmp_path):
    def model(mid, rows):
        (tmp_path / "public" / "models" / mid).mkdir(parents=True)
        (tmp_path / "public" / "models" / mid / "manifest.json").write_text(json.dumps({"id": mid}))
        (tmp_path / "training" / "checkpoints" / mid).mkdir(parents=True)
        test = {v: {"overallAccuracy": oa, "meanClassAccuracy": oa - 0.1, "coverage": 0.5, "keptAccuracy": 0.95}
                for v, oa in rows.items()}
        test["pooled"] = {"coverage": 0.5}
        (tmp_path / "training" / "checkpoints" / mid / "calibration.json").write_text(json.dumps({"test": {**test, "clouds": 9}}))

    model("a", {"clean": 0.9, "cut": 0.6, "view": 0.5})
    model("b", {"clean": 0.8, "cut": 0.4})
    table = C.zoo_table(tmp_path)
    lines = table.splitlines()
    assert lines[0] == "| variant | a OA / mAcc | b OA / mAcc |"
    assert lines[2] == "| clean (as stored: z up, ModelNet40's heading) | 90.0 / 80.0 | 80.0 / 70.0 |"
    assert lines[3].startswith("| plane cut") and lines[3].endswith("| 60.0 / 50.0 | 40.0 / 30.0 |")
    assert "single viewpoint" not in table  # a row every model has, only
    assert "| a answered / right | b answered / right |" in table and "| 50.0 / 95.0 | 50.0 / 95.0 |" in table
    (tmp_path / "training" / "checkpoints" / "b" / "calibration.json").write_text(json.dumps({"temperature": 1.0}))
    with pytest.raises(ValueError, match="no test rows"):
        C.zoo_table(tmp_path)


def test_a_stopped_run_keeps_the_variants_it_finished(tmp_path, monkeypatch):
    asked = []

    def fake_logits_of(model, heading, split, variants, limit, votes, batch_size, root, log=print):
        asked.append(list(variants))
        if variants == ["view"]:
            raise KeyboardInterrupt  # the session ended while this variant was computed
        return {"labels": np.arange(3), "rows": np.arange(3), variants[0]: np.ones((2, votes, 3, 4), np.float32),
                variants[0] + C.FEATURES: np.zeros((2, 3, 5), np.float32)}

    monkeypatch.setattr(C, "CACHE", tmp_path)
    monkeypatch.setattr(C, "logits_of", fake_logits_of)
    get = lambda variants: C.cached_logits("x", "m", "none", "test", variants, 0, 1, 8, tmp_path, "s", log=None)
    with pytest.raises(KeyboardInterrupt):
        get(["clean", "cut", "view"])
    assert sorted(v for v in dict(np.load(tmp_path / "x-test.npz")) if v in ("clean", "cut", "view")) == ["clean", "cut"]
    get(["clean", "cut"])
    assert asked == [["clean"], ["cut"], ["view"]]  # the two finished ones were not computed again
