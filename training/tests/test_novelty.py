"""The novelty check (any2point.novelty, docs/confidence.md): the score on the hand-worked numbers
src/model/novelty.ts is tested on, the threshold, the junk generators, export keeping novelty.json,
the tool's write, and the default model on real junk and real clouds."""
import json

import numpy as np
import pytest

from any2point import decide, junk, novelty
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET, REPO
from any2point.export import novelty_of
from any2point.tools import novelty as T

FIXTURE = json.loads((REPO / "tests" / "fixtures" / "novelty.json").read_text())["cases"]
DEFAULT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"


@pytest.mark.parametrize("case", FIXTURE)
def test_turn_similarity_on_the_shared_fixture(case):
    s = novelty.turn_similarity(np.array([case["featuresZ"]]), np.array([case["featuresY"]]))
    assert s[0] == pytest.approx(case["similarity"], abs=1e-12)
    assert bool(novelty.flagged(s, case["threshold"])[0]) == case["flagged"]


def test_threshold_flags_at_most_the_rate():
    scores = np.random.default_rng(0).permutation(100).astype(float)
    t = novelty.threshold_for_rate(scores, 0.02)
    assert t == 97 and novelty.flagged(scores, t).sum() == 2
    assert novelty.flagged(scores, novelty.threshold_for_rate(scores, 0.0)).sum() == 0
    assert novelty.threshold_for_rate(scores, 1.0) == 0  # all but the lowest


def test_not_sure_either_combines_the_two_checks():
    q = np.array([[0.9, 0.1], [0.6, 0.4], [0.9, 0.1]])
    got = decide.not_sure_either(q, 0.8, np.array([0.5, 0.5, 0.95]), 0.9)
    assert got["lowConfidence"].tolist() == [False, True, False]
    assert got["unlikeTraining"].tolist() == [False, False, True]
    assert got["notSure"].tolist() == [False, True, True]
    assert decide.not_sure_either(q, 0.8)["notSure"].tolist() == [False, True, False]


def test_prototype_and_nearest_distances():
    f = np.array([[1.0, 0, 0], [2, 0, 0], [0, 1, 0], [0, 3, 0]])
    ref = novelty.prototypes(f, np.array([0, 0, 1, 1]), 2)
    np.testing.assert_allclose(ref["mean"], [0.75, 1.0, 0])  # the mean of the class means
    np.testing.assert_allclose(np.linalg.norm(ref["prototypes"], axis=1), 1)
    assert novelty.prototype_distance(f[:1] * 0 + ref["mean"] + ref["prototypes"][0], ref)[0] == pytest.approx(0)
    assert novelty.nearest_distance(np.array([[5.0, 0, 0]]), f)[0] == pytest.approx(0)
    assert novelty.nearest_distance(np.array([[0, 0, 1.0]]), f)[0] == pytest.approx(1)
    with pytest.raises(ValueError, match="no features of classes"):
        novelty.prototypes(f, np.array([0, 0, 0, 0]), 2)


def _axes(p):
    """Singular values of the centred cloud, largest first (its extent along its own axes)."""
    return np.linalg.svd(p - p.mean(0), compute_uv=False)


def test_junk_generators_are_seeded_and_what_they_say():
    for kind in junk.KINDS:
        a, b = junk.cloud(kind, 3), junk.cloud(kind, 3)
        assert a.shape == (1024, 3) and a.dtype == np.float32 and np.isfinite(a).all()
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, junk.cloud(kind, 4))
    s = _axes(junk.cloud("flat_square", 0).astype(np.float64))
    assert s[2] < 1e-4 * s[0] and s[1] > 0.8 * s[0]  # flat, square
    s = _axes(junk.cloud("thin_line", 0).astype(np.float64))
    assert s[1] < 0.05 * s[0]
    shell = junk.cloud("sphere_shell", 0).astype(np.float64)
    r = np.linalg.norm(shell - shell.mean(0), axis=1)
    assert r.std() < 0.02 * r.mean()
    s = _axes(junk.cloud("gaussian_blob", 0).astype(np.float64))
    assert s[2] > 0.8 * s[0]  # isotropic
    s = _axes(junk.cloud("uniform_cube", 0).astype(np.float64))
    assert s[2] > 0.85 * s[0]
    two = junk.cloud("two_blobs", 0).astype(np.float64)
    gap = np.linalg.norm(two[:512].mean(0) - two[512:].mean(0))
    assert gap > 2.5 * np.sqrt(_axes(two[:512])[0] ** 2 / 512)  # centres apart by more than 2.5 sigma
    soup = junk.cloud("plane_soup", 0).astype(np.float64)
    for i in range(8):  # each eighth of the points lies on one plane
        assert _axes(soup[i::8])[2] < 1e-4 * _axes(soup[i::8])[0]
    clouds, kinds = junk.clouds(range(2))
    assert clouds.shape == (2 * len(junk.KINDS), 1024, 3) and kinds[:2] == ["gaussian_blob"] * 2
    with pytest.raises(ValueError, match="junk kind"):
        junk.cloud("teapot", 0)


def test_export_keeps_novelty_only_for_its_own_checkpoint(tmp_path):
    ck = tmp_path / "best.pt"
    ck.write_bytes(b"the checkpoint that was fitted")
    block = {"checkpointSha256": sha256_of(ck), "threshold": 0.77, "ups": ["+z", "+y"], "compared": {}}
    (tmp_path / "novelty.json").write_text(json.dumps(block))
    said = []
    got = novelty_of(ck, said.append)
    assert got == {"checkpointSha256": sha256_of(ck), "threshold": 0.77, "ups": ["+z", "+y"]} and said == []
    ck.write_bytes(b"retrained since")
    assert novelty_of(ck, said.append) is None
    assert len(said) == 1 and "left out" in said[0] and "tools.novelty" in said[0]


def test_write_keeps_the_rest_of_the_manifest(tmp_path):
    repo = tmp_path / "repo"
    (repo / "public" / "models" / "x").mkdir(parents=True)
    (repo / "public" / "models" / "x" / "manifest.json").write_text(json.dumps({"id": "x", "calibration": {"threshold": 0.8}}))
    ck = tmp_path / "ck" / "best.pt"
    ck.parent.mkdir()
    T.write("x", ck, {"threshold": 0.7, "ups": ["+z", "+y"], "compared": {"a": 1}}, repo)
    assert json.loads((ck.parent / "novelty.json").read_text())["compared"] == {"a": 1}
    m = json.loads((repo / "public" / "models" / "x" / "manifest.json").read_text())
    assert m["calibration"] == {"threshold": 0.8} and m["novelty"] == {"threshold": 0.7, "ups": ["+z", "+y"]}


@pytest.mark.skipif(not DEFAULT.exists(), reason="the default checkpoint is not in this checkout")
def test_default_model_tells_a_ball_from_real_shapes():
    """The default model's own features: a sphere shell and a Gaussian blob look alike whichever
    way up (similarity above the manifest's threshold); real validation clouds do not."""
    from any2point import checkpoint as ckpt
    from any2point import geometry as geo
    from any2point.tools.robustness import split_rows, stored_clouds
    manifest = json.loads((REPO / "public" / "models" / "use-lite-modelnet40" / "manifest.json").read_text())
    if "novelty" not in manifest:
        pytest.skip("the default manifest has no novelty block yet")
    threshold = manifest["novelty"]["threshold"]
    model, cfg, _ = ckpt.load_model(DEFAULT)
    balls = np.stack([geo.normalise(junk.cloud(k, 7), 1024) for k in ("sphere_shell", "gaussian_blob")])
    _, rows = split_rows("val", DEFAULT_MODELNET, 4)
    real = np.stack([geo.normalise(c, 1024) for c in stored_clouds(DEFAULT_MODELNET, rows, "val")])
    out = T.outputs(model, np.concatenate([balls, real]), cfg.heading, T.APP_UPS)
    assert out["features"].shape == (2, 6, 1024)
    s = T.turn_similarity(out)
    assert (s[:2] > threshold).all() and (s[2:] < threshold).all()


@pytest.mark.skipif(not (DEFAULT_MODELNET / "train_labels.u8").exists(), reason="ModelNet40 is not here")
def test_reference_clouds_come_from_the_training_part_only():
    from any2point.dataset_splits import validation_rows
    from any2point.datasets import load_modelnet40
    train = load_modelnet40("train")
    rows = T.reference_rows(train, 5)
    assert len(set(rows.tolist()) & set(validation_rows(train).tolist())) == 0
    assert np.bincount(train.labels[rows], minlength=40).tolist() == [5] * 40
    np.testing.assert_array_equal(rows, T.reference_rows(train, 5))  # seeded


def test_not_sure_reads_the_answer_the_calibration_was_fitted_on():
    # One-vote outputs of +z, +y for 6 clouds: with a mixture calibration the first check reads
    # the mixture over the ups (what the app shows), with a picked one the chosen up's softmax.
    rng = np.random.default_rng(3)
    out = {"logits": rng.normal(size=(2, 6, 5)) * 3, "features": rng.normal(size=(2, 6, 4))}
    picker = {"weights": rng.normal(size=4).tolist(), "confidenceWeight": 1.5}
    picked = {"temperature": 0.7, "threshold": 0.8}
    mixed = {**picked, "answer": "mixture"}
    w = decide.up_weights(out["logits"][:, None], out["features"], picker)
    want_mixed = np.einsum("us,usk->sk", w, decide.softmax(out["logits"], 0.7))
    np.testing.assert_allclose(T.app_answer(out, mixed, picker), want_mixed, rtol=1e-12)
    _, logits, _ = T.chosen(out, picker)
    np.testing.assert_allclose(T.app_answer(out, picked, picker), decide.softmax(logits, 0.7), rtol=1e-12)
    assert not np.allclose(want_mixed, decide.softmax(logits, 0.7))  # the two answers differ here
    np.testing.assert_array_equal(T.confidence_flags(out, mixed, picker), want_mixed.max(-1) < 0.8)
    # Without a learned picker there are no up probabilities: the answer stays the picked up's.
    _, logits0, _ = T.chosen(out, None)
    np.testing.assert_allclose(T.app_answer(out, mixed, None), decide.softmax(logits0, 0.7), rtol=1e-12)
