"""Stray pieces left out by the loaders (any2point/strays.py; twin src/io/strays.ts)."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from any2point import perturb, strays  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "strays.json"


def sphere(n: int, seed: int = 0, radius: float = 1.0) -> np.ndarray:
    d = np.random.default_rng(seed).normal(size=(n, 3))
    return (radius * d / np.linalg.norm(d, axis=1, keepdims=True)).astype(np.float32)


def test_a_clean_surface_is_kept_whole():
    for n in (32, 256, 1024, 20000):
        drop, pieces = strays.stray_mask(sphere(n, n))
        assert pieces == 0 and not drop.any(), n


def test_far_points_are_left_out_and_only_they():
    p = sphere(1024)
    p[[5, 500, 900]] = [[3.0, 0, 0], [0, -2.5, 0.5], [0.1, 0.2, 4.0]]
    drop, pieces = strays.stray_mask(p)
    assert pieces == 3 and np.flatnonzero(drop).tolist() == [5, 500, 900]
    kept, points, n_pieces = strays.without_strays(p)
    assert (points, n_pieces) == (3, 3) and len(kept) == 1021
    assert np.array_equal(kept, np.delete(p, [5, 500, 900], 0))  # file order kept


def test_a_small_cluster_is_one_piece_and_a_big_second_part_stays():
    body = sphere(2000, 1)
    cluster = (sphere(15, 2, 0.02) + [4.0, 0, 0]).astype(np.float32)  # 0.7 % of the points
    part = (sphere(300, 3, 0.3) + [0, 3.0, 0]).astype(np.float32)     # 13 %: a part of the shape
    drop, pieces = strays.stray_mask(np.concatenate([body, cluster, part]))
    assert pieces == 1 and np.flatnonzero(drop).tolist() == list(range(2000, 2015))


def test_nothing_is_left_out_of_tiny_identical_or_scattered_clouds():
    assert strays.stray_mask(sphere(31))[1] == 0                      # under MIN_POINTS
    assert strays.stray_mask(np.ones((100, 3), np.float32))[1] == 0   # s == 0
    noise = np.random.default_rng(4).uniform(-1, 1, (200, 3)).astype(np.float32)
    noise[:3] *= 50  # even far points stay when the cloud itself is scattered bits
    drop, pieces = strays.stray_mask(noise)
    assert pieces == 0 or drop.sum() <= strays.CAP * 200


def test_the_benchmark_strays_variant_is_undone():
    p = sphere(1024, 7)
    moved = perturb.apply("strays3", p, 11)
    assert (np.linalg.norm(moved - p, axis=1) > 0).sum() == 3
    r = np.linalg.norm(moved.astype(np.float64) - p.astype(np.float64).mean(0), axis=1)
    assert ((r > 1.4) == (np.linalg.norm(moved - p, axis=1) > 0)).all()
    kept, points, _ = strays.without_strays(moved)
    assert points == 3 and np.array_equal(np.sort(kept, 0), np.sort(p[np.all(moved == p, 1)], 0))


def fixture() -> dict:
    """tests/fixtures/strays.json, which tests/io/strays.test.ts replays: clouds of several sizes
    and scales with stray points and pieces, and the points strays.stray_mask leaves out. Rewrite it
    with `PYTHONPATH=training /usr/bin/python3 training/tests/test_strays.py`."""
    rng = np.random.default_rng(45)
    cases = []
    for n, scale, offset, far in [(40, 1.0, 0.0, 2), (256, 0.01, 5.0, 1), (1024, 1.0, 0.0, 3),
                                  (1024, 300.0, -1e3, 12), (2000, 1.0, 0.0, 0), (1500, 1e-4, 0.0, 20)]:
        p = rng.normal(size=(n, 3)) * [1.0, 0.5, 0.3]
        p /= np.linalg.norm(p, axis=1, keepdims=True)
        rows = rng.choice(n, far, replace=False)
        p[rows] *= rng.uniform(1.5, 4.0, (far, 1))
        p = (p * scale + offset).astype(np.float32)
        drop, pieces = strays.stray_mask(p)
        cases.append({"points": [float(v) for v in p.reshape(-1)],
                      "drop": np.flatnonzero(drop).tolist(), "pieces": pieces})
    return {"generator": "training/tests/test_strays.py fixture()", "cases": cases}


def test_fixture_is_what_python_computes():
    assert json.loads(FIXTURE.read_text()) == fixture(), "tests/fixtures/strays.json is stale: see fixture()"


def test_fixture_cases_leave_something_out_and_keep_something():
    cases = json.loads(FIXTURE.read_text())["cases"]
    assert any(c["pieces"] > 1 for c in cases) and any(c["pieces"] == 0 for c in cases)


@pytest.mark.parametrize("shape", [(0, 3), (5, 2)])
def test_bad_shapes_are_refused_or_kept(shape):
    if shape[1] != 3:
        with pytest.raises(ValueError, match="expected an \\[N, 3\\] cloud"):
            strays.stray_mask(np.zeros(shape, np.float32))
    else:
        assert strays.stray_mask(np.zeros(shape, np.float32))[1] == 0


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(fixture()) + "\n")
    print(f"wrote {FIXTURE}")
