"""Pose handling (any2point.pose, docs/pose.md): the up candidates and the canonical heading,
against hand-worked clouds."""
import math

import numpy as np
import pytest

from any2point import perturb, pose


def cloud(xy: list[tuple[float, float]], z: float = 0.25) -> np.ndarray:
    return np.array([(x, y, z) for x, y in xy], np.float32)


def skewed_blob(seed: int = 1) -> np.ndarray:
    """An anisotropic cloud, skewed along its long axis: one canonical heading, well defined."""
    rng = np.random.default_rng(seed)
    p = rng.standard_normal((1024, 3)) * [1.0, 0.5, 0.3]
    p[:, 0] += 0.3 * p[:, 0] ** 2
    return (p - p.mean(0)).astype(np.float32)


@pytest.mark.parametrize("axis", ["+y", "-y", "+x", "-x", "-z"])
def test_up_rotation_takes_the_candidate_up_to_z_and_undoes_the_benchmark_turn(axis):
    r = pose.up_rotation(axis)
    vec = {"+y": (0, 1, 0), "-y": (0, -1, 0), "+x": (1, 0, 0), "-x": (-1, 0, 0), "-z": (0, 0, -1)}[axis]
    assert r @ np.array(vec, float) == pytest.approx([0, 0, 1])
    assert np.linalg.det(r) == pytest.approx(1.0)
    p = skewed_blob()
    turned = perturb.apply(f"up{axis}", p, 0)
    # Axis turns permute and negate coordinates only: the candidate of the true up is exact.
    cands = pose.up_candidates(turned)
    assert cands.shape == (6, 1024, 3)
    assert np.array_equal(cands[pose.UP_CANDIDATES.index(axis)], p)
    assert np.array_equal(cands[0], turned)  # +z: as given


def test_up_rotation_rejects_an_unknown_axis():
    with pytest.raises(ValueError, match="one of \\+z, \\+y"):
        pose.up_rotation("y")


def test_a_skewed_line_along_y_is_turned_onto_x_with_its_long_tail_at_plus_x():
    # u = (3, -1, -1, -1): sum u^3 = 24 > 0. Along y the principal axis is at 90 degrees, phi = -90.
    along_x = cloud([(3, 0), (-1, 0), (-1, 0), (-1, 0)])
    along_y = cloud([(0, 3), (0, -1), (0, -1), (0, -1)])
    flipped = cloud([(-3, 0), (1, 0), (1, 0), (1, 0)])
    assert np.array_equal(pose.canonical_heading(along_x), along_x)
    assert pose.heading_rotation(along_y).tolist() == [0.0, -1.0]
    assert np.array_equal(pose.canonical_heading(along_y), along_x)
    assert np.array_equal(pose.canonical_heading(flipped), along_x)  # the half turn that makes sum x'^3 > 0


def test_a_square_is_turned_by_its_four_fold_moment_onto_a_diamond():
    # Equal eigenvalues: m2 = 0, so m4 = sum (u + i v)^4 = 4 (1 + i)^4 = -16 decides: t = pi / 4.
    square = cloud([(1, 1), (-1, 1), (-1, -1), (1, -1)])
    r = math.sqrt(2)
    diamond = cloud([(r, 0), (0, r), (-r, 0), (0, -r)])
    assert pose.canonical_heading(square) == pytest.approx(diamond, abs=1e-6)
    for angle in (0.3, 1.0, 2.0):  # the same diamond, its corners in another order
        out = pose.canonical_heading(perturb.rotate(square, perturb.rotation_z(angle)))
        assert sorted(map(tuple, out.round(5))) == sorted(map(tuple, diamond.round(5)))


def test_a_circle_has_no_axis_and_keeps_its_heading():
    a = np.arange(360) * (2 * math.pi / 360)
    circle = cloud(list(zip(np.cos(a), np.sin(a))))
    assert pose.heading_rotation(circle).tolist() == [1.0, -0.0]
    assert np.array_equal(pose.canonical_heading(circle), circle)


def test_a_cloud_without_spread_in_xy_is_left_as_it_is():
    column = np.array([[0.5, -0.25, z] for z in np.linspace(-1, 1, 9)], np.float32)
    assert pose.heading_rotation(column).tolist() == [1.0, 0.0]
    assert np.array_equal(pose.canonical_heading(column), column)


@pytest.mark.parametrize("angle", [0.0, 0.3, 1.0, 2.5, math.pi, 4.0, 5.9])
def test_any_turn_about_z_gives_the_same_canonical_cloud(angle):
    p = skewed_blob()
    ref = pose.canonical_heading(p)
    out = pose.canonical_heading(perturb.rotate(p, perturb.rotation_z(angle)))
    assert np.abs(out - ref).max() < 2e-6
    assert np.array_equal(out[:, 2], p[:, 2])  # z untouched


def test_the_heading_is_a_proper_rotation_and_batches_equal_single_clouds():
    clouds = np.stack([skewed_blob(s) for s in range(4)])
    cs = pose.heading_rotation(clouds)
    assert cs.shape == (4, 2)
    for c, s in cs:
        m = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        assert np.linalg.det(m) == pytest.approx(1.0, abs=1e-12)
    batch = pose.canonical_heading(clouds)
    for b, p in zip(batch, clouds):
        assert np.array_equal(b, pose.canonical_heading(p))
        # what it computes: the principal axis along x, third moment along x >= 0
        u = b[:, :2].astype(np.float64) - b[:, :2].astype(np.float64).mean(0)
        cov = u.T @ u
        assert abs(cov[0, 1]) < 1e-3 * cov[0, 0] and cov[0, 0] > cov[1, 1]
        assert (u[:, 0] ** 3).sum() > 0


def test_apply_heading_leaves_or_turns_and_rejects_unknown_modes():
    p = skewed_blob()
    turned = perturb.rotate(p, perturb.rotation_z(1.0))
    assert np.array_equal(pose.apply_heading(turned, "none"), turned)
    assert np.array_equal(pose.apply_heading(turned, "canonical"), pose.canonical_heading(turned))
    with pytest.raises(ValueError, match="heading 'pca'"):
        pose.apply_heading(p, "pca")


def test_the_up_search_keeps_the_most_confident_candidate():
    probs = np.array([
        [[0.5, 0.3, 0.2], [0.4, 0.4, 0.2]],   # +z
        [[0.1, 0.8, 0.1], [0.34, 0.33, 0.33]],  # +y
        [[0.6, 0.2, 0.2], [0.45, 0.45, 0.1]],  # -y
    ])
    assert pose.pick_up(probs, "max").tolist() == [1, 2]
    # entropies of cloud 2: +z 1.055, +y 1.099, -y 0.948 -> -y
    assert pose.pick_up(probs, "entropy").tolist() == [1, 2]
    assert pose.searched(probs).tolist() == [[0.1, 0.8, 0.1], [0.45, 0.45, 0.1]]
    tie = np.array([[[0.5, 0.5]], [[0.5, 0.5]]])
    assert pose.pick_up(tie).tolist() == [0]  # ties go to the earlier candidate
    with pytest.raises(ValueError, match="'max' or 'entropy'"):
        pose.pick_up(probs, "vote")


def test_evaluate_and_export_refuse_a_canonical_heading_checkpoint(tmp_path):
    # They feed clouds as given; a canonical-heading model must not be measured or exported so.
    from any2point import evaluate, export
    from any2point.config import TrainConfig
    cfg = TrainConfig(heading="canonical")
    with pytest.raises(ValueError, match="evaluate: this checkpoint was trained with heading 'canonical'"):
        evaluate._splits(None, cfg, 1)
    pose.require_as_given("none", "export")  # an upright model passes
    with pytest.raises(ValueError, match="export: .* does not apply yet"):
        pose.require_as_given(cfg.heading, "export")
    assert "require_as_given" in export.export.__code__.co_names
