"""The robustness benchmark's perturbations (any2point.perturb) against hand-worked expectations."""
import math

import numpy as np
import pytest

from any2point import geometry as geo
from any2point import perturb as P


def sphere(n: int = 1024) -> np.ndarray:
    """n points spread evenly over the unit sphere (a Fibonacci lattice)."""
    i = np.arange(n) + 0.5
    polar = np.arccos(1 - 2 * i / n)
    azimuth = math.pi * (1 + 5 ** 0.5) * i
    return np.stack([np.cos(azimuth) * np.sin(polar), np.sin(azimuth) * np.sin(polar), np.cos(polar)], 1).astype(np.float32)


def cloud(seed: int = 0, n: int = 1024) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3)).astype(np.float32)


RNG = lambda: np.random.default_rng(7)  # noqa: E731


@pytest.mark.parametrize("axis, image", [("+y", (0, 1, 0)), ("-y", (0, -1, 0)), ("+x", (1, 0, 0)),
                                         ("-x", (-1, 0, 0)), ("-z", (0, 0, -1))])
def test_up_turns_z_to_the_axis_by_a_proper_rotation(axis, image):
    r = P.UP_ROTATIONS[axis]
    assert np.allclose(r @ r.T, np.eye(3)) and np.isclose(np.linalg.det(r), 1.0)
    out = P.up_to(axis)(np.array([[0, 0, 1], [0, 0, 2]], np.float32), RNG())
    assert np.array_equal(out, np.array([image, np.multiply(image, 2)], np.float32))


def test_plus_y_is_what_the_app_undoes_with_up_y():
    p = cloud()
    turned = P.up_to("+y")(p, RNG())
    assert np.allclose(turned[:3], np.stack([p[:3, 0], p[:3, 2], -p[:3, 1]], 1))
    assert np.allclose(geo.normalise(turned, 1024, up="y"), geo.normalise(p, 1024), atol=1e-6)


def test_heading_turns_about_z_only():
    p = cloud()
    out = P.random_heading(p, RNG())
    assert np.allclose(out[:, 2], p[:, 2])
    assert np.allclose(np.hypot(out[:, 0], out[:, 1]), np.hypot(p[:, 0], p[:, 1]), atol=1e-5)
    angle = np.random.default_rng(7).uniform(0, 2 * math.pi)  # the draw random_heading makes
    assert np.allclose(out[0, :2], [p[0, 0] * math.cos(angle) - p[0, 1] * math.sin(angle),
                                    p[0, 0] * math.sin(angle) + p[0, 1] * math.cos(angle)], atol=1e-5)


def test_quaternion_matrix_of_a_quarter_turn_about_z():
    q = np.array([math.cos(math.pi / 4), 0, 0, math.sin(math.pi / 4)])
    assert np.allclose(P.quaternion_matrix(q) @ [1, 0, 0], [0, 1, 0])


def test_so3_rotations_are_proper_and_spread_over_the_sphere():
    rng = np.random.default_rng(1)
    rs = [P.random_rotation(rng) for _ in range(2000)]
    for r in rs[:20]:
        assert np.allclose(r @ r.T, np.eye(3)) and np.isclose(np.linalg.det(r), 1.0)
    ups = np.array([r @ [0, 0, 1] for r in rs])
    # A uniform rotation sends z uniformly over the sphere: mean ~0, each coordinate's square ~1/3.
    assert np.abs(ups.mean(0)).max() < 0.05
    assert np.allclose((ups ** 2).mean(0), 1 / 3, atol=0.03)
    p = cloud()
    assert np.allclose(np.linalg.norm(P.random_so3(p, RNG()), axis=1), np.linalg.norm(p, axis=1), atol=1e-5)


def test_plane_cut_keeps_about_half_of_a_sphere_on_one_side():
    p = sphere()
    for seed in range(10):
        out = P.plane_cut(p, np.random.default_rng(seed))
        assert 0.4 <= len(out) / len(p) <= 0.6
        n = P.random_direction(np.random.default_rng(seed))  # the normal plane_cut drew
        assert ((out - p.mean(0)) @ n >= 0).all()


def test_visible_from_sees_the_near_half_of_a_sphere():
    p = sphere()
    for seed in range(5):
        d = P.random_direction(np.random.default_rng(seed))
        seen = P.visible_from(p, d)
        assert 0.38 <= seen.mean() <= 0.55  # the near half less a grazing band at the rim
        assert (p[seen] @ d > -0.05).all()  # nothing of the far side
        assert (seen[p @ d > 0.5]).all()  # all of the part facing the camera


def test_visible_from_hides_the_far_of_two_parallel_squares():
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 23), np.linspace(-1, 1, 23)), -1).reshape(-1, 2)
    near = np.concatenate([g, np.zeros((len(g), 1))], 1)
    far = np.concatenate([g, np.full((len(g), 1), -0.5)], 1)
    seen = P.visible_from(np.concatenate([near, far]).astype(np.float32), np.array([0.0, 0.0, 1.0]))
    assert seen[: len(g)].all() and not seen[len(g):].any()


def test_single_view_keeps_about_half_of_a_sphere():
    out = P.single_view(sphere(), RNG())
    assert 0.38 <= len(out) / 1024 <= 0.55


@pytest.mark.parametrize("count", [256, 512])
def test_density_is_a_subset_of_distinct_points(count):
    p = cloud()
    out = P.density(count)(p, RNG())
    assert out.shape == (count, 3)
    rows = {tuple(x) for x in p}
    assert all(tuple(x) in rows for x in out) and len({tuple(x) for x in out}) == count
    assert np.array_equal(P.density(2000)(p, RNG()), p)


@pytest.mark.parametrize("fraction", [0.01, 0.02])
def test_jitter_sigma_is_a_fraction_of_the_bbox_diagonal(fraction):
    p = np.zeros((20000, 3), np.float32)
    p[0], p[1] = (-1, -2, -2), (1, 2, 2)  # diagonal sqrt(4 + 16 + 16) = 6
    noise = P.jitter(fraction)(p, RNG()) - p
    assert np.isclose(noise.std(), fraction * 6, rtol=0.02)
    assert abs(noise.mean()) < 0.01 * fraction * 6 * 3


def test_outliers_replace_five_percent_inside_the_bbox():
    p = sphere(1000)
    out = P.outliers(0.05)(p, RNG())
    assert out.shape == p.shape
    changed = (out != p).any(1)
    assert changed.sum() == 50
    assert (out >= p.min(0)).all() and (out <= p.max(0)).all()
    # Uniform in the box, so almost all of them lie off the sphere's surface.
    assert (np.abs(np.linalg.norm(out[changed], axis=1) - 1) > 0.02).mean() > 0.9


def test_anisotropic_scale_is_one_factor_per_axis_in_range():
    p = cloud()
    out = P.anisotropic_scale(0.7, 1.3)(p, RNG())
    factors = out / p
    assert np.allclose(factors, factors[0], rtol=1e-5)
    assert ((factors[0] >= 0.7) & (factors[0] <= 1.3)).all()
    assert np.allclose(factors[0], np.random.default_rng(7).uniform(0.7, 1.3, 3), rtol=1e-5)


@pytest.mark.parametrize("name", [n for n in P.VARIANTS if n != "clean"])
def test_every_variant_is_seeded(name):
    p = cloud()
    a, b = P.apply(name, p, 3), P.apply(name, p, 3)
    assert a.dtype == np.float32 and a.ndim == 2 and a.shape[1] == 3
    assert np.array_equal(a, b)
    c = P.apply(name, p, 4)
    if name.startswith("up"):  # deterministic turns: the same for every cloud
        assert np.array_equal(a, c)
    else:
        assert a.shape != c.shape or not np.array_equal(a, c)
    assert np.array_equal(P.apply("clean", p, 3), p)


def test_variant_seeds_differ_between_variants():
    assert P.variant_rng("jitter1", 5).random() != P.variant_rng("jitter2", 5).random()
    with pytest.raises(ValueError, match="unknown variant 'tilt'"):
        P.apply("tilt", cloud(), 0)


@pytest.mark.parametrize("name, base, axis", [("heading+x", "heading", "+x"), ("cut-z", "cut", "-z"),
                                              ("points256-y", "points256", "-y")])
def test_a_turned_variant_is_its_variants_cloud_laid_on_the_axis(name, base, axis):
    from any2point.tools.robustness import true_up
    p = cloud()
    assert P.turned_variant(name) == (base, axis) and P.known(name)
    np.testing.assert_array_equal(P.apply(name, p, 3), P.up_to(axis)(P.apply(base, p, 3), None))
    np.testing.assert_array_equal(P.apply(name, p, 3, seed=9), P.up_to(axis)(P.apply(base, p, 3, seed=9), None))
    assert true_up(name) == axis and true_up(base) == "+z"


@pytest.mark.parametrize("name", ["up+x-z", "so3+x", "heading+q", "tilt+x", "heading"])
def test_only_a_benchmark_variant_and_an_up_axis_make_a_turned_one(name):
    assert P.turned_variant(name) is None
    if name != "heading":
        assert not P.known(name)
        with pytest.raises(ValueError, match="followed by an up axis"):
            P.apply(name, cloud(), 0)


def test_the_table_names_a_turned_variant_after_its_variant():
    from any2point.tools.robustness import label, parse_variants
    assert label("heading+x") == "random heading about the up axis, then laid with its up along +x"
    assert label("up+x") == "up turned to +x"
    assert parse_variants("clean,heading-z") == ["clean", "heading-z"]
    with pytest.raises(ValueError, match="unknown variant"):
        parse_variants("heading+q")
