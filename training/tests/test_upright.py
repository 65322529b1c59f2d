"""The learned up picker (any2point.upright, docs/pose.md "E"): the score on the hand-worked
numbers src/model/upright.ts is tested on, the fit, decide.py's use of it, the tool's poses and
cross-validation, export keeping upright.json, and the default model's picker on real clouds."""
import json

import numpy as np
import pytest

from any2point import decide, perturb, upright
from any2point import geometry as geo
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET, REPO
from any2point.export import upright_of
from any2point.tools import upright as T

FIXTURES = json.loads((REPO / "tests" / "fixtures" / "upright.json").read_text())
FIXTURE = FIXTURES["cases"]
DEFAULT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"


@pytest.mark.parametrize("case", FIXTURE)
def test_scores_and_pick_on_the_shared_fixture(case):
    f = np.array(case["features"], np.float64)[:, None]   # [U, 1 cloud, D]
    conf = np.array(case["confidence"])[:, None]
    s = upright.scores(f, conf, case["weights"], case["confidenceWeight"])[:, 0]
    np.testing.assert_allclose(s, case["scores"], rtol=0, atol=1e-12)
    assert upright.pick(f, conf, case["weights"], case["confidenceWeight"])[0] == case["pick"]


@pytest.mark.parametrize("case", FIXTURES["secondLook"])
def test_second_look_on_the_shared_fixture(case):
    f = np.array(case["features"], np.float64)[:, None]  # [6 ups, 1 cloud, D]
    conf = np.array(case["confidence"])[:, None]
    look = case["secondLook"]
    g = upright.look_trigger(f, conf, look)
    np.testing.assert_allclose(g, [case["trigger"]], rtol=0, atol=1e-12)
    s = upright.look_choice(f, conf, look)
    np.testing.assert_allclose(s[:, 0], case["choice"], rtol=0, atol=1e-12)
    ps = upright.scores(f, conf, case["picker"]["weights"], case["picker"]["confidenceWeight"])
    np.testing.assert_allclose(ps[:, 0], case["pickerScores"], rtol=0, atol=1e-12)
    assert bool(upright.needs_second_look(g, look["below"])[0]) == case["look"]
    assert upright.pick_with_second_look(ps, g, s, look["below"])[0] == case["pick"]
    # The trigger reads +z and +y only: the same from their outputs alone.
    np.testing.assert_array_equal(upright.look_trigger(f[:2], conf[:2], look), g)
    # decide.py reaches the same pick from logits whose top probability is the case's confidence.
    logits = np.log(np.stack([conf[:, 0], (1 - conf[:, 0]) / 2, (1 - conf[:, 0]) / 2], -1))[:, None, None]  # [6, 1, 1, 3]
    block = {**case["picker"], "secondLook": look}
    assert decide.pick_up(logits, f, block)[0] == case["pick"]
    # Without the other four ups' outputs: the picker's choice of +z and +y.
    assert upright.pick_with_second_look(ps[:2], g, s[:2], look["below"])[0] == int(np.argmax(ps[:2, 0]))


def test_the_trigger_fit_reads_both_candidates_and_keeps_an_intercept():
    rng = np.random.default_rng(0)
    n, d = 3000, 3
    y = (rng.uniform(size=n) < 0.7).astype(float)  # the true up is +z or +y for most clouds
    f = rng.normal(size=(2, n, d))
    f[0, :, 0] += 2.0 * y  # +z's feature 0 and +y's feature 1 say "the up is one of us"
    f[1, :, 1] += 2.0 * y
    conf = np.full((2, n), 0.5)
    t = upright.fit_trigger(upright.trigger_inputs(f, conf), y, 1e-3)
    assert t["weights"][0][0] > 1.0 and t["weights"][1][1] > 1.0
    assert abs(t["weights"][0][1:]).max() < 0.3 and abs(t["weights"][1][[0, 2]]).max() < 0.3
    g = upright.look_trigger(f, conf, {"trigger": t})
    assert ((g > 0) == (y > 0)).mean() > 0.8


def test_the_choice_fit_finds_the_true_up_among_six():
    rng = np.random.default_rng(1)
    n, d = 2000, 3
    true = rng.integers(0, 6, n)
    x = rng.normal(size=(n, 6, d + 1))
    x[np.arange(n), true, 1] += 3.0  # feature 1 marks the true up's turn
    c = upright.fit_choice(x, true, 1e-3)
    assert c["weights"][1] > 1.0 and abs(c["weights"][[0, 2]]).max() < 0.3
    s = x @ np.append(c["weights"], c["confidenceWeight"])
    assert (s.argmax(1) == true).mean() > 0.8
    # A shift common to a cloud's six candidates changes nothing (a softmax over them).
    x2 = x + rng.normal(size=(n, 1, d + 1))
    np.testing.assert_allclose(upright.fit_choice(x2, true, 1e-3)["weights"], c["weights"], atol=0.2)


def separable(n=400, d=6, seed=0):
    """Two candidates per cloud; the true up's features lean along a hidden direction, and its
    confidence is no help (drawn alike for both)."""
    hidden = np.random.default_rng(99).normal(size=d)  # the same direction for every draw
    rng = np.random.default_rng(seed)
    true_up = rng.integers(0, 2, n)
    f = rng.normal(size=(2, n, d))
    f[true_up, np.arange(n)] += 0.8 * hidden / np.linalg.norm(hidden) * 3
    conf = rng.uniform(0.2, 0.9, (2, n))
    return f, conf, true_up


def test_fit_learns_a_direction_that_confidence_misses():
    f, conf, true_up = separable()
    w, c = upright.fit(f, conf, true_up, 1e-3)
    f2, conf2, up2 = separable(seed=1)  # fresh clouds
    got = upright.pick(f2, conf2, w, c)
    assert (got == up2).mean() > 0.9
    assert (np.argmax(conf2, 0) == up2).mean() < 0.65  # the most confident is a coin toss here


def test_fit_does_not_depend_on_the_order_of_the_candidates():
    f, conf, true_up = separable()
    w, c = upright.fit(f, conf, true_up, 1e-3)
    w2, c2 = upright.fit(f[::-1], conf[::-1], 1 - true_up, 1e-3)
    np.testing.assert_allclose(w, w2, atol=1e-9)
    assert abs(c - c2) < 1e-9


def test_a_larger_penalty_gives_smaller_weights():
    f, conf, true_up = separable()
    small = np.linalg.norm(upright.fit(f, conf, true_up, 1e-4)[0])
    large = np.linalg.norm(upright.fit(f, conf, true_up, 1e-1)[0])
    assert large < small


def test_fit_refuses_what_it_cannot_fit():
    f, conf, true_up = separable()
    with pytest.raises(ValueError, match="two candidates"):
        upright.fit(np.concatenate([f, f[:1]]), np.concatenate([conf, conf[:1]]), true_up, 1e-3)
    with pytest.raises(ValueError, match="true up"):
        upright.fit(f, conf, true_up + 1, 1e-3)


def test_decide_uses_the_picker_only_when_given_one():
    # Cloud 0: z is more confident, the picker prefers y (feature 0 high at y).
    logits = np.array([[[[4.0, 0.0]]], [[[1.0, 0.0]]]])           # [U=2, V=1, S=1, K=2]
    features = np.array([[[0.0, 1.0]], [[1.0, 0.0]]])             # [U, S, D]
    picker = {"weights": [10.0, 0.0], "confidenceWeight": 1.0}
    assert decide.pick_up(logits)[0] == 0
    assert decide.pick_up(logits, features, picker)[0] == 1
    q, picks = decide.answer(logits, 1.0, features, picker)
    assert picks[0] == 1 and np.allclose(q[0], decide.softmax(logits[1, :, 0]).mean(0))
    assert decide.pick_up(logits, None, picker)[0] == 0  # no features: the most confident


def test_the_web_pose_is_the_heading_then_y_up():
    rng = np.random.default_rng(3)
    raw = rng.normal(size=(2, 300, 3)).astype(np.float32) * [1.0, 0.5, 0.2]
    rows = np.array([5, 9])
    got = T.pose_clouds("heading+y", raw, rows, 256)
    for i, r in enumerate(rows):
        want = geo.normalise(perturb.up_to("+y")(perturb.apply("heading", raw[i], int(r)), None), 256)
        np.testing.assert_array_equal(got[i], want)
    np.testing.assert_array_equal(T.pose_clouds("up+y", raw, rows, 256)[0],
                                  geo.normalise(perturb.apply("up+y", raw[0], 5), 256))
    cut_y = perturb.up_to("+y")(perturb.apply("cut", raw[1], 9), None)  # any variant, then y-up
    np.testing.assert_array_equal(T.pose_clouds("cut+y", raw, rows, 256)[1], geo.normalise(cut_y, 256))


def synthetic_parts(n=200, seed=0):
    """tools/upright's validation outputs for made-up clouds: the true up (z for clean and
    heading, y for the others) has the informative features; the class is right under it only."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    parts = {"labels": labels}
    for p, u in T.POSES.items():
        f = rng.normal(size=(2, n, 5))
        f[u, :, 0] += 2.5
        logits = rng.normal(size=(2, n, 3))
        logits[u, np.arange(n), labels] += 3.0
        parts[p] = {"logits": logits.astype(np.float32), "features": f.astype(np.float32)}
    return parts


def test_cross_validation_and_the_fit_on_made_up_outputs():
    parts = synthetic_parts()
    cv = T.cross_validate(parts, (1e-3, 1e-1))
    for lam in (1e-3, 1e-1):
        for p in T.POSES:
            assert cv[lam][p]["upFound"] > 0.85 and 0 <= cv[lam][p]["overallAccuracy"] <= 1
    picker = T.fit_on(parts, np.ones(len(parts["labels"]), bool), 1e-3)
    assert len(picker["weights"]) == 5 and picker["weights"][0] > 0
    assert all(float(f"{x:.7g}") == x for x in picker["weights"])  # rounded as stored
    fig = T.figures(parts["heading+y"], parts["labels"], 1, picker)
    assert fig["upFound"] > 0.9


def test_held_out_picks_come_from_the_fold_that_left_the_cloud_out():
    parts = synthetic_parts()
    n = len(parts["labels"])
    fold = T.folds(n)
    assert sorted(np.bincount(fold)) == [n // T.FOLDS] * T.FOLDS
    pickers = T.fold_pickers(parts, fold, 1e-3)
    o = parts["heading+y"]
    picks = T.held_out_picks(pickers, fold, o["logits"][:, None], o["features"])
    for k in range(T.FOLDS):  # each fold's clouds by the picker fitted on the other folds only
        m = fold == k
        np.testing.assert_array_equal(picks[m], decide.pick_up(o["logits"][:, None, m], o["features"][:, m], pickers[k]))
        assert pickers[k] == T.fit_on(parts, fold != k, 1e-3)
    # the cross-validation's figures are those of these picks
    cv = T.cross_validate(parts, (1e-3,))[1e-3]["heading+y"]
    assert cv["upFound"] == round(float((picks == 1).mean()), 4)


def test_export_keeps_upright_only_for_its_own_checkpoint(tmp_path):
    ck = tmp_path / "best.pt"
    ck.write_bytes(b"the checkpoint that was fitted")
    block = {"checkpointSha256": sha256_of(ck), "weights": [0.5, -1.0], "confidenceWeight": 2.0, "ups": ["+z", "+y"],
             "crossValidation": {}}
    (tmp_path / "upright.json").write_text(json.dumps(block))
    said = []
    got = upright_of(ck, said.append)
    assert got["weights"] == [0.5, -1.0] and "crossValidation" not in got and said == []
    ck.write_bytes(b"retrained since")
    assert upright_of(ck, said.append) is None
    assert len(said) == 1 and "left out" in said[0] and "tools.upright" in said[0]


def test_write_keeps_the_rest_of_the_manifest(tmp_path):
    repo = tmp_path / "repo"
    (repo / "public" / "models" / "x").mkdir(parents=True)
    (repo / "public" / "models" / "x" / "manifest.json").write_text(json.dumps({"id": "x", "novelty": {"threshold": 0.8}}))
    ck = tmp_path / "ck" / "best.pt"
    ck.parent.mkdir()
    T.write("x", ck, {"weights": [1.0], "confidenceWeight": 0.5, "ups": ["+z", "+y"], "crossValidation": {"a": 1}}, repo)
    assert json.loads((ck.parent / "upright.json").read_text())["crossValidation"] == {"a": 1}
    m = json.loads((repo / "public" / "models" / "x" / "manifest.json").read_text())
    assert m["novelty"] == {"threshold": 0.8}
    assert m["upright"] == {"weights": [1.0], "confidenceWeight": 0.5, "ups": ["+z", "+y"]}


@pytest.mark.skipif(not DEFAULT.exists() or not (DEFAULT_MODELNET / "train_labels.u8").exists(),
                    reason="the default checkpoint or ModelNet40 is not here")
def test_the_default_models_picker_finds_the_up_of_real_clouds():
    """The manifest's picker on a few validation clouds, z-up and y-up: it finds the true up of
    at least as many as the most confident up does (the whole split's figures are in the block)."""
    manifest = json.loads((REPO / "public" / "models" / "use-lite-modelnet40" / "manifest.json").read_text())
    if "upright" not in manifest:
        pytest.skip("the default manifest has no upright block yet")
    from any2point import checkpoint as ckpt
    from any2point.tools.novelty import outputs
    from any2point.tools.robustness import split_rows, stored_clouds
    model, cfg, _ = ckpt.load_model(DEFAULT)
    _, rows = split_rows("val", DEFAULT_MODELNET, 24)
    raw = stored_clouds(DEFAULT_MODELNET, rows, "val")
    found = {"learned": 0, "max": 0}
    for p in ("clean", "up+y"):
        out = outputs(model, T.pose_clouds(p, raw, rows, model.spec.points), cfg.heading, T.APP_UPS)
        for name, picker in (("learned", manifest["upright"]), ("max", None)):
            found[name] += int((decide.pick_up(out["logits"][:, None], out["features"], picker) == T.POSES[p]).sum())
    assert found["learned"] >= found["max"] and found["learned"] >= 0.85 * 48


@pytest.mark.skipif(not DEFAULT.exists() or not (DEFAULT_MODELNET / "train_labels.u8").exists(),
                    reason="needs the default checkpoint and ModelNet40 (../shared)")
def test_the_benchmarks_second_look_equals_scoring_all_six_and_finds_sideways_ups():
    """tools/robustness classifies the other four ups only for the clouds whose +z and +y both look
    unupright (as the app): the same answers as classifying all six for every cloud and applying
    decide.py's rule; on clouds saved +x up it finds the true up of some (none without the look)."""
    manifest = json.loads((REPO / "public" / "models" / "use-lite-modelnet40" / "manifest.json").read_text())
    if "secondLook" not in manifest.get("upright", {}):
        pytest.skip("the default manifest has no second look yet")
    from any2point import checkpoint as ckpt
    from any2point import novelty, pose
    from any2point.tools.novelty import outputs
    from any2point.tools.robustness import classify, fresh_indices, split_rows, stored_clouds, variant_clouds
    model, cfg, _ = ckpt.load_model(DEFAULT)
    data, rows = split_rows("val", DEFAULT_MODELNET, 24)
    raw = stored_clouds(DEFAULT_MODELNET, rows, "val")
    block, calibration, seen = manifest["upright"], manifest["calibration"], manifest["novelty"]
    for v in ("clean", "up+x"):
        clouds = variant_clouds(v, raw, rows, model.spec.points)
        idx = fresh_indices(clouds, model.spec, 1)
        pred, names, sure = classify(model, cfg.heading, clouds, data.labels[rows], data.classes, idx, 24, 1, "app",
                                     ("+z", "+y"), block, calibration, seen)
        six = outputs(model, clouds, cfg.heading, pose.UP_CANDIDATES)
        q, picks = decide.answer(six["logits"][:, None], calibration["temperature"], six["features"], block,
                                 mixture=calibration.get("answer") == "mixture")  # the answer it was fitted on
        assert pred.tolist() == q.argmax(-1).tolist()
        assert names == [pose.UP_CANDIDATES[k] for k in picks]
        # "not sure" as the app says it: the calibrated top probability, and the turn similarity
        # of the +z and +y features (the first two candidates)
        similarity = novelty.turn_similarity(six["features"][0], six["features"][1])
        unsure = decide.not_sure_either(q, calibration["threshold"], similarity, seen["threshold"])["notSure"]
        assert sure.tolist() == (~unsure).tolist()
        if v == "up+x":
            assert names.count("+x") >= 3


@pytest.mark.skipif(not DEFAULT.exists() or not (DEFAULT_MODELNET / "train_labels.u8").exists(),
                    reason="needs the default checkpoint and ModelNet40 (../shared)")
def test_the_benchmarks_grown_answer_mixes_the_ups_as_the_app_rule_does():
    """RULE-grow-answer in tools/robustness: given the very clouds the up was found on as the
    'grown' ones, grown_answer's weights and mixture give the app rule's answers exactly (second
    look included); with the clouds really grown, the ups found stay and only the answers move."""
    manifest = json.loads((REPO / "public" / "models" / "use-lite-modelnet40" / "manifest.json").read_text())
    from any2point import checkpoint as ckpt
    from any2point.tools import robustness as R
    model, cfg, _ = ckpt.load_model(DEFAULT)
    data, rows = R.split_rows("val", DEFAULT_MODELNET, 24)
    raw = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    block, calibration, seen = manifest["upright"], manifest["calibration"], manifest["novelty"]
    labels = data.labels[rows]
    for v in ("up+x", "points256"):
        points = R.variant_points(v, raw, rows)
        clouds = np.stack([geo.normalise(p, model.spec.points) for p in points])
        idx = R.fresh_indices(clouds, model.spec, 1)
        args = (model, cfg.heading, clouds, labels, data.classes, idx, 24, 1, "app", ("+z", "+y"), block, calibration, seen)
        pred, names, sure = R.classify(*args)
        same = R.Grown.__new__(R.Grown)
        same.rows, same.clouds, same.idx = np.arange(len(rows)), clouds, idx
        assert R.classify(*args, grown=same)[0].tolist() == pred.tolist()
        grown = R.Grown(points, model.spec, 1)
        assert grown.rows.tolist() == ([] if v == "up+x" else list(range(len(rows))))
        pred_g, names_g, _ = R.classify(*args, grown=grown)
        assert names_g == names
        if v == "points256":
            assert pred_g.tolist() != pred.tolist()  # 24 clouds of 256 points: some answers move


# The zoo models whose second look was fitted by today's tools/second_look (RULE-look-penalty for
# the default, RULE-look-penalty-zoo for the others).
LOOK_REFITTED = ("use-lite-modelnet40", "kwt1-modelnet40")


@pytest.mark.parametrize("mid", LOOK_REFITTED)
def test_the_second_look_is_the_tools_fit_on_the_turned_rows_too(mid):
    """The shipped second look was fitted as tools/second_look fits today (RULE-look-penalty): on
    the benchmark's thirteen rows and the four turned sideways ones, each penalty chosen from the
    tool's grid, for this checkpoint, and the manifest carries the same block."""
    from any2point.tools import second_look as S
    folder = REPO / "training" / "checkpoints" / mid
    upright_json = json.loads((folder / "upright.json").read_text())
    look = upright_json["secondLook"]
    assert upright_json["checkpointSha256"] == sha256_of(folder / "best.pt")
    assert look["fittedOn"]["variants"] == list(S.FITTED) and set(S.TURNED) <= set(S.FITTED)
    for part in ("trigger", "choice"):
        assert sorted(float(x) for x in look["heldOutLoss"][part]) == sorted(S.LAMBDAS)
        losses = look["heldOutLoss"][part]
        assert look["lambda"][part] == float(min(losses, key=losses.get))
    shipped = json.loads((REPO / "public" / "models" / mid / "manifest.json").read_text())["upright"]
    assert shipped["secondLook"]["below"] == look["below"]
    np.testing.assert_array_equal(shipped["secondLook"]["choice"]["weights"], look["choice"]["weights"])
    np.testing.assert_array_equal(shipped["secondLook"]["trigger"]["weights"], look["trigger"]["weights"])


def test_second_look_outputs_names_its_rows_before_loading_anything(capsys):
    """--outputs takes the fitted rows and "picker"; a misspelt row is refused with the known ones
    (before the checkpoint is read: a missing file would otherwise be the error shown)."""
    from any2point.tools import second_look as S
    assert S.rows_named("picker, heading+x,clean") == ["picker", "heading+x", "clean"]
    with pytest.raises(SystemExit) as e:
        S.main(["no/such/best.pt", "--outputs", "picker,sideways"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "unknown rows sideways" in err and "heading-z" in err
    with pytest.raises(SystemExit):
        S.main(["no/such/best.pt", "--outputs", ","])
    assert "(none given)" in capsys.readouterr().err
