"""The torch geometry twin: the rules of docs/geometry.md, and equality with the TypeScript CPU
twin on the shared fixtures in tests/fixtures/geometry."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from any2point import fixtures
from any2point import geometry as geo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clouds() -> torch.Tensor:
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(3, 300, 3)).astype(np.float32)
    pts[1, 150:] = pts[1, :150]  # exact duplicates
    return torch.from_numpy(pts)


def test_fps_is_distinct_starts_at_zero_and_is_per_cloud(clouds):
    idx = geo.fps(clouds, 200)
    assert (idx[:, 0] == 0).all()
    for b in range(3):
        assert len(set(idx[b].tolist())) == 200
        assert torch.equal(geo.fps(clouds[b], 200), idx[b])  # batching never mixes clouds


def test_fps_repeats_cyclically_when_the_cloud_is_small():
    pts = torch.tensor([[0.0, 0, 0], [1, 0, 0], [0, 2, 0]])
    assert geo.fps(pts, 7).tolist() == [0, 2, 1, 0, 2, 1, 0]


def test_knn_is_sorted_by_distance_then_index(clouds):
    centres = geo.fps(clouds, 50)
    nbr = geo.knn(clouds, centres, 16)
    for b in range(3):
        c = clouds[b][centres[b]]
        d = geo.sq(clouds[b][nbr[b]], c[:, None])
        keys = [(float(d[s, j]), int(nbr[b, s, j])) for s in range(50) for j in range(16)]
        for s in range(50):
            row = keys[s * 16:(s + 1) * 16]
            assert row == sorted(row)
        # the farthest chosen neighbour is no farther than any point left out
        full = geo.sq(clouds[b][None], c[:, None])
        assert (full.sort(-1).values[:, 15] == d[:, 15]).all()
    # duplicates: a centre's lower-index twin comes first, at distance 0
    assert nbr[1, :, 0].le(centres[1]).all()


def test_knn_ties_resolve_to_lower_index():
    pts = torch.zeros(10, 3)
    pts[::2, 0] = 1.0  # two groups of identical points
    assert geo.knn(pts, torch.tensor([1]), 6)[0].tolist() == [1, 3, 5, 7, 9, 0]


def test_projection_ranges_and_cells():
    spec1 = fixtures._spec_1d(256, [(64, 8), (16, 8)])
    spec2 = fixtures._spec_2d(256, [(64, 8), (16, 8)])
    pts = torch.from_numpy(geo.normalise(np.random.default_rng(1).normal(size=(256, 3)), 256))
    _, _, centres = geo.hierarchy(pts, spec1.stages)
    pos, cell_mask, voxel_mask = geo.project(spec1, centres)
    assert pos.shape == (6, 16) and pos.min() == 0 and pos.max() == 127
    assert cell_mask.shape == (6, 16, 16) and (torch.diagonal(cell_mask, dim1=-2, dim2=-1) == 1).all()
    assert voxel_mask.shape == (16, 16)
    pos2, cm2, _ = geo.project(spec2, centres)
    assert pos2.shape == (6, 16, 2) and pos2.min() >= 0 and pos2.max() <= 6
    # the longer image axis spans the grid
    span = (pos2.amax(1) - pos2.amin(1)).amax(-1)
    assert torch.allclose(span, torch.full_like(span, 6.0))
    assert geo.cells_of(spec2, pos2).max() < 16  # 4 x 4 cells of size 2 on a 7 x 7 grid


def test_normalise_centres_scales_and_resamples():
    rng = np.random.default_rng(2)
    raw = rng.normal(size=(50, 3)) * 7 + 3
    out = geo.normalise(raw, 64)
    assert out.dtype == np.float32 and out.shape == (64, 3)
    assert np.allclose(out[:50].mean(0), 0, atol=1e-6)
    assert abs(np.linalg.norm(out, axis=1).max() - 1) < 1e-6
    assert np.array_equal(out[50:], out[:14])  # cyclic repeat
    with pytest.raises(ValueError, match="non-finite"):
        geo.normalise(np.array([[0, 0, np.nan]]), 4)
    with pytest.raises(ValueError, match=r"\[N, 3\]"):
        geo.normalise(np.zeros((4, 2)), 4)


def test_grow_by_hand():
    """The hand-worked clouds of tests/geometry/grow.test.ts (the TypeScript twin's)."""
    tri = np.array([[0, 0, 0], [3, 0, 0], [0, 6, 0]], np.float32)
    want = np.array([[0, 0, 0], [3, 0, 0], [0, 6, 0], [1, 0, 0], [2, 0, 0], [0, 4, 0], [0, 2, 0], [2, 2, 0], [1, 4, 0]],
                    np.float32)
    assert np.array_equal(geo.grow(tri, 9), want)
    ties = np.array([[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 0, 3]], np.float32)
    third = np.float32(1 / 3)
    got = geo.grow(ties, 14)
    assert got.shape == (14, 3)
    assert np.array_equal(got[4:8, 0], np.array([1 / 3, 2 / 3, -2 / 3, 0], np.float32))
    assert np.array_equal(got[8:12], np.array([[-third, 0, 0], [third, 0, 0], [-third, 0, 0], [third, 0, 2]], np.float32))
    assert np.array_equal(got[12:], np.array([[0, 0, 1], [2 / 3, 0, 1]], np.float32))
    two = geo.grow(np.array([[0, 0, 0], [0, 0, 3]], np.float32), 12)
    assert np.array_equal(two[:, 2], np.array([0, 3, 1, 2] * 3, np.float32))
    assert [geo.grows(n, 1024) for n in (1, 2, 341, 342)] == [False, True, True, False]
    with pytest.raises(ValueError, match="not a sparse cloud"):
        geo.grow(np.zeros((342, 3), np.float32), 1024)
    raw = np.random.default_rng(3).normal(size=(100, 3))
    assert np.array_equal(geo.normalise(raw, 256, grow_sparse=True), geo.normalise(raw, 256))  # 300 > 256: repeated
    grown = geo.normalise(raw, 300, grow_sparse=True)
    assert np.array_equal(grown[:100], geo.normalise(raw, 300)[:100]) and len(np.unique(grown, axis=0)) == 300


def test_spacing_by_hand():
    """The hand-worked clouds of tests/geometry/spacing.test.ts (the TypeScript twin's)."""
    def cloud(*p):
        return np.array(p, np.float32)
    assert geo.spacing(cloud([0, 0, 0], [3, 0, 0], [0, 4, 0], [3, 0, 0])) == 3  # 3 3 4 and the copy's 3
    assert geo.spacing(cloud([0, 0, 0], [1, 0, 0], [3, 0, 0])) == 1
    assert geo.spacing(cloud([0, 0, 0], [1, 0, 0], [3, 0, 0], [7, 0, 0])) == 1  # 1 1 2 4: the lower middle
    assert geo.spacing(cloud([0, 0, 0], [0, 0, 2])) == 2
    assert geo.spacing(cloud([1, 2, 3], [1, 2, 3], [1, 2, 3])) == 0
    line = np.array([[i, 0, 0] for i in range(10)], np.float32)
    s = geo.spacing(geo.normalise(line, 10))
    assert s == pytest.approx(1 / 4.5, abs=1e-6)
    assert geo.spacing(geo.normalise(1000 * line, 10)) == pytest.approx(s, abs=1e-6)
    assert geo.answers_grown(line, 30, s - 1e-9) and not geo.answers_grown(line, 30, s)
    assert geo.answers_grown(line, 30) and not geo.answers_grown(line, 29)


def test_committed_fixtures_are_what_this_twin_computes():
    """The files the TypeScript test reads are exactly this package's output."""
    for name, text in fixtures.render(fixtures.cases()).items():
        committed = (fixtures.OUT / name).read_text()
        assert json.loads(committed) == json.loads(text), f"{name} is stale: run python3 -m any2point.fixtures"


def test_typescript_twin_matches_the_fixtures():
    """Runs the TypeScript side (vitest) on the same fixtures: torch twin == TS CPU twin."""
    npx = shutil.which("npx")
    assert npx, "npx not found: Node is needed to compare with the TypeScript twin"
    res = subprocess.run([npx, "vitest", "run", "tests/model/geometry-fixtures.test.ts"], cwd=REPO,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "CI": "1"})
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "passed" in res.stdout


# --- the six forced ups (src/geometry/upTurn.ts, docs/geometry.md section 1) ---------------------

UP_TURNS_FIXTURE = REPO / "tests" / "fixtures" / "up-turns.json"


def up_turns_fixture() -> dict:
    """tests/fixtures/up-turns.json, which tests/geometry/upTurn.test.ts replays: hand-picked points
    turned by pose.up_rotation (perturb.turn: a float64 matrix product, an implementation apart
    from geometry.up_turn's copy-and-negate and from the TypeScript table), and one cloud through
    geometry.normalise under each up. Rewrite it with
    `PYTHONPATH=training /usr/bin/python3 training/tests/test_geometry.py`."""
    from any2point import perturb, pose

    # No zero coordinate: a matrix product and a negation may give zeros of different signs.
    points = np.array([[1, 2, 3], [-0.5, 0.25, 4], [7.5, -3, -1.125], [1e-3, -2e3, 0.1]], np.float32)
    rng = np.random.default_rng(23)
    cloud = (rng.normal(size=(40, 3)) * [1.0, 0.6, 0.3] + [0.3, -0.2, 1.5]).astype(np.float32)
    f = lambda a: [float(v) for v in np.asarray(a, np.float32).reshape(-1)]
    return {
        "generator": "training/tests/test_geometry.py up_turns_fixture()",
        "points": f(points),
        "turns": {up: f(perturb.turn(points, pose.up_rotation(name))) for up, name in geo.UP_AXES.items()},
        "cloud": f(cloud),
        "normalised": {up: f(geo.normalise(cloud, len(cloud), up)) for up in geo.UP_AXES},
    }


def test_up_turns_fixture_is_what_python_computes():
    committed = json.loads(UP_TURNS_FIXTURE.read_text())
    assert committed == up_turns_fixture(), "tests/fixtures/up-turns.json is stale: see up_turns_fixture()"
    # and the copy-and-negate turn read off pose.up_rotation agrees with its matrix product
    p = np.asarray(committed["points"], np.float32).reshape(-1, 3)
    for up, turned in committed["turns"].items():
        source, sign = geo.up_turn(up)
        assert np.array_equal(p[:, source] * sign, np.asarray(turned, np.float32).reshape(-1, 3)), up


@pytest.mark.parametrize("up", ["z", "y", "-y", "x", "-x", "-z"])
def test_normalise_with_each_up_is_normalise_z_of_the_cloud_turned_upright(up):
    from any2point import perturb, pose

    rng = np.random.default_rng(5)
    raw = (rng.normal(size=(300, 3)) * [2.0, 1.0, 0.5] + [1.0, -4.0, 2.0]).astype(np.float32)
    upright = perturb.turn(raw, pose.up_rotation(geo.UP_AXES[up]))
    for n_in in (300, 128, 512):
        assert np.array_equal(geo.normalise(raw, n_in, up), geo.normalise(upright, n_in, "z")), n_in


def test_normalise_with_y_up_is_the_original_turn():
    """'y' keeps its bits: (x, y, z) -> (x, -z, y), as before the other four ups came."""
    raw = np.array([[1, 2, 3], [-4, 5, 0.5], [2, -1, -6]], np.float32)
    want = geo.normalise(np.stack([raw[:, 0], -raw[:, 2], raw[:, 1]], 1), 3, "z")
    assert np.array_equal(geo.normalise(raw, 3, "y"), want)


def test_a_file_turned_by_the_benchmark_stands_upright_again_under_its_forced_up():
    """perturb's "up<axis>" (how a file with that up arrives) undone by normalise(up=axis)."""
    from any2point import perturb

    rng = np.random.default_rng(6)
    raw = (rng.normal(size=(200, 3)) * [2.0, 1.0, 0.5]).astype(np.float32)
    for up, name in geo.UP_AXES.items():
        if name == "+z":
            continue
        arrived = perturb.apply(f"up{name}", raw, 0)
        assert np.array_equal(geo.normalise(arrived, 128, up), geo.normalise(raw, 128, "z")), up


def test_normalise_refuses_an_unknown_up():
    with pytest.raises(ValueError, match=r"up must be one of 'z', 'y', '-y', 'x', '-x', '-z', got '\+x'"):
        geo.normalise(np.ones((4, 3)), 4, "+x")  # type: ignore[arg-type]


if __name__ == "__main__":
    # one line per key (and per up), not one per number
    body = {k: ({u: json.dumps(a) for u, a in v.items()} if isinstance(v, dict) else json.dumps(v)) for k, v in up_turns_fixture().items()}
    lines = [f" {json.dumps(k)}: " + ("{\n" + ",\n".join(f"  {json.dumps(u)}: {a}" for u, a in v.items()) + "\n }" if isinstance(v, dict) else v) for k, v in body.items()]
    UP_TURNS_FIXTURE.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {UP_TURNS_FIXTURE}")
