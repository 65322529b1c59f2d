"""tools/robustness for choosing settings (issue 23): the validation split, a model's canonical
heading and the test-time up search, on a few real clouds with the default model."""
import json

import numpy as np
import pytest
import torch

from any2point import checkpoint as ckpt
from any2point import geometry as geo
from any2point import perturb, pose
from any2point.datasets import DEFAULT_MODELNET, REPO, CloudSet, load_modelnet40
from any2point.dataset_splits import validation_rows
from any2point.metrics import predict
from any2point.tools import robustness as R

DEFAULT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"
pytestmark = pytest.mark.skipif(not DEFAULT.exists(), reason="the default checkpoint is not in this checkout")


def test_val_rows_are_validation_rows_of_the_training_split_seeded_by_their_row():
    train, rows = R.split_rows("val", DEFAULT_MODELNET, 5)
    val = validation_rows(train)
    assert rows.tolist() == val[R.spread_rows(len(val), 5)].tolist()
    raw = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    assert np.array_equal(R.variant_clouds("clean", raw, rows, 1024), train.points[rows])
    assert np.array_equal(R.variant_clouds("cut", raw, rows, 1024)[3], geo.normalise(perturb.apply("cut", raw[3], int(rows[3])), 1024))
    with pytest.raises(ValueError, match="split 'train'"):
        R.split_rows("train", DEFAULT_MODELNET, 5)


def test_up_search_keeps_the_most_confident_turn(tmp_path):
    model, _, _ = ckpt.load_model(DEFAULT)
    report = R.run([("default", DEFAULT)], ["up+y"], limit=6, split="val", up_search="max", candidates=["+z", "+y"], log=None)
    assert report["upSearch"] == {"rule": "max", "candidates": ["+z", "+y"]} and report["split"].startswith("ModelNet40 validation")
    v = report["models"][0]["variants"]["up+y"]
    rows, labels = np.array(report["rows"]), np.array(report["labels"])
    clouds = R.variant_clouds("up+y", R.stored_clouds(DEFAULT_MODELNET, rows, "val"), rows, 1024)
    idx = R.fresh_indices(clouds, model.spec)
    probs = []
    for axis in ("+z", "+y"):
        turned = CloudSet(pose.turn(clouds, pose.up_rotation(axis)), labels, [""] * 6, [str(i) for i in range(40)])
        probs.append(R.probabilities(model, turned, idx, 64))
    best = np.argmax(np.stack(probs).max(-1), 0)
    assert v["upPicks"] == [("+z", "+y")[k] for k in best]
    assert v["upFound"] == pytest.approx(float(np.mean(best == 1)))
    assert v["predictions"] == [int(np.argmax(probs[k][i])) for i, k in enumerate(best)]


def test_a_model_with_a_canonical_heading_gets_it_in_the_benchmark(tmp_path):
    blob = torch.load(DEFAULT, map_location="cpu")
    blob["config"]["heading"] = "canonical"
    path = tmp_path / "canonical" / "best.pt"
    path.parent.mkdir()
    torch.save(blob, path)
    out = tmp_path / "r.json"
    assert R.main([str(path), "--limit", "6", "--variants", "clean", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["heading"] == {"canonical": "canonical"}
    model, _, _ = ckpt.load_model(path)
    test = load_modelnet40("test").subset(np.array(report["rows"]))
    turned = CloudSet(pose.canonical_heading(test.points), test.labels, test.ids, test.classes)
    expected = predict(model, turned, R.fresh_indices(test.points, model.spec), np.arange(6), 64)
    assert report["models"][0]["variants"]["clean"]["predictions"] == expected.tolist()


def test_bad_up_candidates_are_a_clear_error(capsys):
    with pytest.raises(SystemExit):
        R.main(["--up-search", "max", "--up-candidates", "+z,y"])
    assert "--up-candidates" in capsys.readouterr().err
