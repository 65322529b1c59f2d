"""The app's answer rule (any2point.decide) on the hand-worked numbers the TypeScript twin is
tested on (tests/fixtures/decide.json), and the calibration helpers."""
import json
from pathlib import Path

import numpy as np
import pytest

from any2point import decide

CASES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "decide.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES)
def test_hand_worked_case(case):
    logits = np.asarray(case["logits"], np.float32)[:, :, None, :]  # [U, V, S=1, K]
    q, picks = decide.answer(logits, case["temperature"])
    assert picks.tolist() == [case["up"]]
    conf = decide.softmax(logits).mean(1).max(-1)[:, 0]
    np.testing.assert_allclose(conf, case["upConfidences"], atol=1e-6)
    np.testing.assert_allclose(q[0], case["probabilities"], atol=1e-6)
    assert decide.not_sure(q, case["threshold"]).tolist() == [case["notSure"]]


def test_ece_of_known_bins():
    # two clouds at 0.9 (one right), two at 0.6 (both right): |0.5 - 0.9| / 2 + |1 - 0.6| / 2 = 0.4
    q = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    assert decide.ece(q, np.array([0, 1, 0, 0])) == pytest.approx(0.4)
    assert decide.ece(np.array([[1.0, 0.0]]), np.array([0])) == 0.0


def test_temperature_fit_recovers_a_known_temperature():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (4000, 1, 5))
    p = decide.softmax(logits, 2.0)[:, 0]  # labels drawn from softmax(L / 2): T = 2 is right
    labels = np.array([rng.choice(5, p=row) for row in p])
    assert decide.fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.1)


def test_threshold_keeps_the_most_answers_at_the_target_accuracy():
    conf = np.array([0.95, 0.9, 0.8, 0.7, 0.6])
    right = np.array([1, 1, 1, 0, 0])
    q = np.stack([conf, 1 - conf], 1)
    labels = np.where(right == 1, 0, 1)
    assert decide.threshold_for_accuracy(q, labels, 0.95) == pytest.approx(0.8)
    cov = decide.coverage(q, labels, 0.8)
    assert cov["coverage"] == pytest.approx(0.6) and cov["keptAccuracy"] == 1.0
    assert decide.threshold_for_accuracy(q[3:], labels[3:], 0.95) == 1.0  # none right: keep none


MIXTURES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "decide.json").read_text())["mixtures"]


@pytest.mark.parametrize("case", MIXTURES)
def test_hand_worked_mixture(case):
    logits = np.asarray(case["logits"], np.float32)[:, :, None, :]  # [U, V, S=1, K]
    features = np.asarray(case["features"], np.float32)[:, None, :]  # [U, S=1, D]
    w = decide.up_weights(logits, features, case["upright"])
    np.testing.assert_allclose(w[:, 0], case["weights"], atol=1e-9)
    q, picks = decide.answer(logits, case["temperature"], features, case["upright"], mixture=True)
    assert picks.tolist() == [case["up"]] == decide.pick_up(logits, features, case["upright"]).tolist()
    np.testing.assert_allclose(q[0], case["probabilities"], atol=1e-6)
    assert decide.not_sure(q, case["threshold"]).tolist() == [case["notSure"]]
    picked, _ = decide.answer(logits, case["temperature"], features, case["upright"])
    assert not np.allclose(picked, q)  # the cases are chosen so that the mixture differs from the picked answer


def test_mixture_without_a_picker_is_the_picked_answer():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (2, 3, 5, 4))
    w = decide.up_weights(logits)
    assert set(np.unique(w)) <= {0.0, 1.0} and (w.sum(0) == 1).all()
    np.testing.assert_allclose(decide.answer(logits, 0.7, mixture=True)[0], decide.answer(logits, 0.7)[0], atol=1e-12)


def test_temperature_fit_of_a_mixture_with_one_hot_weights_is_the_picked_fit():
    rng = np.random.default_rng(2)
    logits = rng.normal(0, 3, (2, 1, 600, 5))
    picks = rng.integers(0, 2, 600)
    labels = rng.integers(0, 5, 600)
    one_hot = (np.arange(2)[:, None] == picks).astype(float)
    chosen = logits[picks, :, np.arange(600)]
    assert decide.fit_temperature(logits, labels, weights=one_hot) == pytest.approx(decide.fit_temperature(chosen, labels), rel=1e-6)
