"""The up-search probes' numerical helpers (training/probes/up_rules.py), on synthetic data: the
height features see only heights, the fits find what separable data says, the two-way picker
does not depend on the candidates' order, and cross-validation holds out every pose of a cloud
together."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "probes"))

import up_rules as R  # noqa: E402  (needs the path above)
from any2point import pose  # noqa: E402
from any2point.perturb import UP_ROTATIONS, turn  # noqa: E402


def cone(n: int = 600, seed: int = 0) -> np.ndarray:
    """A solid cone standing on its base (wide at the bottom, a point at the top), slightly
    elliptic so that its heading is defined: not the same upside down."""
    rng = np.random.default_rng(seed)
    h = 1 - np.sqrt(rng.uniform(0, 1, n))  # more points near the base
    a = rng.uniform(0, 2 * np.pi, n)
    r = (1 - h) * np.sqrt(rng.uniform(0, 1, n))
    return np.stack([1.3 * r * np.cos(a), r * np.sin(a), h - 0.5], -1).astype(np.float32)


def about(axis: str, angle: float) -> np.ndarray:
    """The rotation by `angle` about the direction `axis` ("+x", ...)."""
    c, s = np.cos(angle), np.sin(angle)
    rz = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    to_z = pose.up_rotation(axis)  # axis -> +z
    return to_z.T @ rz @ to_z


@pytest.mark.parametrize("axis", pose.UP_CANDIDATES)
def test_height_features_ignore_a_turn_about_their_up(axis):
    cloud = cone()[None]
    k = pose.UP_CANDIDATES.index(axis)
    before = R.height_features(cloud)
    after = R.height_features(turn(cloud, about(axis, 0.7)))
    opposite = pose.UP_CANDIDATES.index(("-" if axis[0] == "+" else "+") + axis[1])
    for j in (k, opposite):  # the same axis read either way up: the same heights
        np.testing.assert_allclose(after[j], before[j], atol=1e-5)
    # the other candidates see the cone from another side: the turn changes them
    others = [j for j in range(6) if j not in (k, opposite)]
    assert all(np.abs(after[j] - before[j]).max() > 0.1 for j in others)


def test_height_features_tell_upright_from_upside_down():
    cloud = cone()[None]
    upside_down = turn(cloud, UP_ROTATIONS["-z"])  # a cloud whose up is -z
    f, g = R.height_features(cloud), R.height_features(upside_down)
    assert np.abs(f[0] - g[0]).max() > 0.1  # read +z up, the two differ
    assert f[0, 0, 0] > f[0, 0, R.BINS - 1]  # the base (bottom slice) holds more points than the tip
    assert g[0, 0, 0] < g[0, 0, R.BINS - 1]
    np.testing.assert_allclose(g[5], f[0], atol=1e-12)  # the -z candidate turns it upright again
    assert f.shape == (6, 1, 2 * R.BINS + 4)


def separable(u: int = 6, s: int = 200, f: int = 5, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x [u, s, f] random but for the true candidate of each cloud, which has feature 0 raised by 5."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(u, s, f))
    true = rng.integers(0, u, s)
    x[true, np.arange(s), 0] += 5.0
    return x, true


def test_conditional_logit_recovers_the_true_candidate():
    x, true = separable(s=600)
    w = R.fit_conditional_logit(x, true, 1e-2)
    assert w[0] > 5 * np.abs(w[1:]).max()  # the informative feature carries the weight
    assert ((x @ w).argmax(0) == true).mean() > 0.98
    # the optimum: the gradient of the penalised log-likelihood vanishes there
    z = x @ w
    p = np.exp(z - z.max(0))
    p /= p.sum(0)
    grad = -(x[true, np.arange(x.shape[1])] - (p[..., None] * x).sum(0)).mean(0) + 1e-2 * w
    assert np.abs(grad).max() < 1e-8


def test_two_way_fit_does_not_depend_on_the_order_of_the_candidates():
    x, true = separable(u=2, s=300)
    w = R.fit_two_way(x, true, 1e-3)
    assert ((x @ w).argmax(0) == true).mean() > 0.95
    w_swapped = R.fit_two_way(x[::-1], 1 - true, 1e-3)
    np.testing.assert_allclose(w_swapped, w, atol=1e-9)
    margin = (x[0] - x[1]) @ w
    np.testing.assert_allclose((x[::-1][0] - x[::-1][1]) @ w_swapped, -margin, atol=1e-8)
    with pytest.raises(ValueError):
        R.fit_two_way(x, true + 1, 1e-3)


def test_cloud_folds_are_balanced_and_seeded():
    fold = R.cloud_folds(23, 5)
    assert sorted(np.bincount(fold)) == [4, 4, 5, 5, 5]
    np.testing.assert_array_equal(fold, R.cloud_folds(23, 5))
    assert not np.array_equal(fold, R.cloud_folds(23, 5, seed=1))


def test_cross_validation_holds_out_every_pose_of_a_cloud_together():
    # Two poses of the same 40 clouds; a fit that memorises its training clouds by their
    # feature columns would score a held-out cloud non-zero only if some pose of it was fitted on.
    s = 40
    ident = np.eye(s)
    poses = {"a": np.stack([ident, 0 * ident]), "b": np.stack([2 * ident, 0 * ident])}
    fitted_on: list[np.ndarray] = []

    def memorise(x: np.ndarray, true: np.ndarray, lam: float) -> np.ndarray:
        seen = x[0].any(0)  # the clouds (columns) present in this training set
        fitted_on.append(seen)
        assert x.shape[1] == 2 * seen.sum()  # both poses of every training cloud, nothing else
        return seen.astype(float)

    fold = R.cloud_folds(s, 5)
    scores = R.cross_validated_scores(poses, np.zeros(s, np.int64), fold, memorise, 0.0)
    assert len(fitted_on) == 5
    for name in poses:
        assert scores[name].shape == (2, s)
        np.testing.assert_array_equal(scores[name], 0.0)  # no cloud was scored by a fit that saw it
    for k, seen in enumerate(fitted_on):
        np.testing.assert_array_equal(seen, fold != k)


def test_up_net_scores_follow_the_turn():
    """probes/up_net.py: a cloud turned so that its up is `axis` gets, at that candidate, the score
    the upright cloud gets at +z (the six turns are exact, so the scores are equal)."""
    import torch
    import up_net

    torch.manual_seed(0)
    net = up_net.UpNet().eval()
    cloud = np.random.default_rng(3).normal(size=(1, 64, 3)).astype(np.float32)
    upright = up_net.six_scores(net, torch.from_numpy(cloud)).detach().numpy()[0]
    for axis, r in UP_ROTATIONS.items():
        turned = turn(cloud, r)
        s = up_net.six_scores(net, torch.from_numpy(turned)).detach().numpy()[0]
        assert s[pose.UP_CANDIDATES.index(axis)] == pytest.approx(upright[0], abs=1e-5)


def test_look_sure_fit_worked_by_hand():
    """Five looked answers (tops .99, .95, .9, .85, .8; the .9 one wrong) and five without the look:
    95 % right needs top >= .95 (two kept); at threshold .8 all five looked are shown, 80 % right."""
    import look_sure as L
    answers = {"a/top": np.array([0.99, 0.95, 0.9, 0.85, 0.8, 0.99, 0.9, 0.85, 0.7, 0.6]),
               "a/right": np.array([1, 1, 0, 1, 1, 1, 1, 0, 1, 0], bool),
               "a/looked": np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], bool)}
    block = L.fit(answers, ["a"], threshold=0.8)
    assert block["lookThreshold"] == 0.95 and block["looked"] == 5
    assert block["lookedRightWhenSureAtThreshold"] == 0.8 and block["lookedShownSureAtLookThreshold"] == 0.4
    row = block["rows"]["a"]
    assert row["shownSureBefore"] == 0.8 and row["shownSureAfter"] == 0.5  # 3 looked answers hidden
    assert row["wrongShownSureBefore"] == 0.2 and row["wrongShownSureAfter"] == 0.1
    # never below the threshold, and 1.0 when not even the surest looked answers reach the target
    assert L.fit(answers, ["a"], threshold=0.97)["lookThreshold"] == 0.97
    assert L.fit({**answers, "a/right": np.zeros(10, bool)}, ["a"], threshold=0.8)["lookThreshold"] == 1.0


def fake_outputs(poses, s: int, ups: int = 2, d: int = 3, k: int = 4, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"labels": rng.integers(0, k, s),
            **{p: {"logits": rng.normal(size=(ups, s, k)), "features": rng.normal(size=(ups, s, d))} for p in poses}}


def test_picker_data_never_fits_a_fold_on_its_own_clouds_and_always_on_the_extra_ones(monkeypatch):
    import picker_data as P
    s, extra_s = 30, 7
    val, extra = fake_outputs(P.POSES, s), fake_outputs(P.POSES, extra_s, seed=1)
    pools = []

    def recording_fit(pool, lam):
        pools.append([(parts is extra, mask.copy()) for parts, mask in pool])
        return {"weights": np.zeros(3), "confidenceWeight": 1.0}

    monkeypatch.setattr(P, "fit_pool", recording_fit)
    fold = np.arange(s) % 5
    res = P.held_out(val, fold, [(extra, np.ones(extra_s, bool))], False, 1e-3)
    assert len(pools) == 5 and set(res) == set(P.POSES)
    for k, pool in enumerate(pools):
        (is_extra0, m0), (is_extra1, m1) = pool
        assert not is_extra0 and is_extra1
        np.testing.assert_array_equal(m0, fold != k)
        assert m1.all()
    pools.clear()
    P.held_out(val, fold, [], True, 1e-3)  # half: a fixed subset of the other folds
    halves = [pool[0][1] for pool in pools]
    assert all(not (h & (fold == k)).any() for k, h in enumerate(halves))
    assert 0 < sum(h.sum() for h in halves) < sum((fold != k).sum() for k in range(5))


def test_picker_data_fit_pool_of_validation_alone_is_the_tools_fit():
    import picker_data as P
    from any2point.tools import upright as T
    rng = np.random.default_rng(3)
    parts = {"labels": np.zeros(60, np.int64)}
    for p, u in P.POSES.items():
        f = rng.normal(size=(2, 60, 5))
        f[u, :, 0] += 1.5  # the true up's first feature higher
        parts[p] = {"logits": rng.normal(size=(2, 60, 4)), "features": f}
    mask = np.arange(60) % 3 != 0
    mine, tools = P.fit_pool([(parts, mask)], 1e-2), T.fit_on(parts, mask, 1e-2)
    np.testing.assert_allclose(mine["weights"], tools["weights"], rtol=1e-6, atol=1e-7)
    assert mine["weights"][0] > 0
    more = P.fit_pool([(parts, mask), (parts, ~mask)], 1e-2)
    assert not np.allclose(more["weights"], mine["weights"])


def test_look_data_appends_the_extra_clouds_and_holds_out_only_validation_ones(monkeypatch):
    import look_data as L
    s, extra_s = 20, 6
    val, extra = fake_outputs(L.S.VARIANTS, s, ups=6), fake_outputs(L.S.VARIANTS, extra_s, ups=6, seed=2)
    for v in L.S.VARIANTS:
        val[v]["trueUp"] = extra[v]["trueUp"] = 0
    both = L.joined(val, extra)
    assert both["labels"].shape == (s + extra_s,)
    np.testing.assert_array_equal(both["up+x"]["features"][:, s:], extra["up+x"]["features"])
    masks = []
    monkeypatch.setattr(L.S, "fit_trigger", lambda out, variants, m, lam: masks.append(m.copy()) or {
        "weights": np.zeros((2, 3)), "confidenceWeights": np.zeros(2), "bias": 0.0})
    fold = np.arange(s) % 5
    vals = L.held_out(both, val, fold, np.ones(s + extra_s, bool), "trigger", 1e-3)
    assert set(vals) == set(L.S.VARIANTS) and vals["clean"].shape == (s,)
    for k, m in enumerate(masks):
        np.testing.assert_array_equal(m[:s], fold != k)
        assert m[s:].all()


def test_look_data_reads_turned_rows_it_was_not_fitted_on(monkeypatch):
    import look_data as L
    s, rows = 15, (*L.S.VARIANTS, "heading+x")
    val = fake_outputs(rows, s, ups=6)
    for v in rows:
        val[v]["trueUp"] = 0
    fitted = []
    monkeypatch.setattr(L.S, "fit_choice", lambda out, variants, m, lam: fitted.append(tuple(variants)) or {
        "weights": np.ones(3), "confidenceWeight": 0.0})
    fold = np.arange(s) % 5
    vals = L.held_out(val, val, fold, np.ones(s, bool), "choice", 1e-3, L.S.VARIANTS, rows)
    assert set(fitted) == {L.S.VARIANTS} and len(fitted) == 5
    np.testing.assert_allclose(vals["heading+x"], val["heading+x"]["features"].sum(-1))  # scored: w . f
    L.held_out(val, val, fold, np.ones(s, bool), "choice", 1e-3, rows, rows)
    assert set(fitted[5:]) == {rows}


def test_look_data_chosen_penalty_is_the_tools_choice_read_on_more_rows():
    import look_data as L
    s, rows = 40, (*L.S.VARIANTS, "heading+x")
    val = fake_outputs(rows, s, ups=6)
    rng = np.random.default_rng(3)
    for v in rows:
        val[v]["trueUp"] = int(rng.integers(6))
        val[v]["features"][val[v]["trueUp"], :, 0] += 2.0  # the true up's first feature higher
    fold, grid = np.arange(s) % 5, (1e-3, 1e3)
    for part in ("trigger", "choice"):
        tools, lam, loss = L.S.held_out(val, L.S.VARIANTS, fold, part, log=lambda *a, **k: None, lambdas=grid)
        assert lam == 1e-3 and loss[1e-3] < loss[1e3]
        mine = L.chosen_penalty(val, fold, part, grid, L.S.VARIANTS, rows, log=lambda *a, **k: None)
        assert set(mine) == set(rows)
        for v in L.S.VARIANTS:
            np.testing.assert_allclose(mine[v], tools[v], rtol=1e-9, atol=1e-12)
