"""Walls behind the shape, left out with the floor by the loaders (any2point/room.py; twin
src/io/room.ts, which replays tests/fixtures/room.json)."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from any2point import perturb, room, strays  # noqa: E402
from any2point.dataset_splits import validation_rows  # noqa: E402
from any2point.datasets import DEFAULT_MODELNET, load_modelnet40  # noqa: E402
from test_floor import box, cylinder, with_floor, y_up  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "room.json"


def with_walls(p: np.ndarray, obj: int, share: float, rng: np.random.Generator, corner=False, gap=0.02, height=1.3):
    """p (z up; the shape its first `obj` rows, then a floor) with a wall behind the shape (beyond
    its largest y; with `corner` a second beyond its largest x) holding `share` of the points: 1.5 x
    its width wide, from its lowest point up to `height` x its height, noise 0.3 %; the floor behind
    a wall cut away and corner walls ending where they meet, as a scan sees them (probes/room.py)."""
    lo, hi = p[:obj].min(0), p[:obj].max(0)
    ext, c = hi - lo, (lo + hi) / 2
    size = float(ext[:2].max())
    n = int(round(share * len(p) / (1 - share)))

    def wall(axis, m):
        along = rng.uniform(-0.75 * size, 0.75 * size, m)
        z = lo[2] + rng.uniform(0, height * ext[2], m)
        w = hi[axis] + gap * size + rng.normal(0, 0.003 * size, m)
        return np.column_stack([c[0] + along, w, z]) if axis == 1 else np.column_stack([w, c[1] + along, z])

    keep = p[:, 1] <= hi[1] + gap * size
    if not corner:
        return np.vstack([p[keep], wall(1, n)]), int(keep[:obj].sum())
    keep &= p[:, 0] <= hi[0] + gap * size
    a, b = wall(1, n // 2), wall(0, n - n // 2)
    return np.vstack([p[keep], a[a[:, 0] <= hi[0] + gap * size], b[b[:, 1] <= hi[1] + gap * size]]), int(keep[:obj].sum())


def test_a_wall_behind_a_shape_on_a_floor_is_found_with_it():
    rng = np.random.default_rng(3)
    for make in (lambda n, rng: box(n, rng, bottom=False), cylinder):
        shape = make(900, rng)
        q, obj = with_walls(with_floor(shape, 0.15, rng, size=1.8)[0], 900, 0.2, rng)
        floor, wall, axis, walls = room.room_mask(q.astype(np.float32))
        assert (axis, walls) == ("z", 1)
        assert (floor | wall)[obj:].mean() > 0.97        # the floor and the wall go
        assert (floor | wall)[:obj].mean() < 0.15        # and little of the shape


def test_a_corner_y_up_and_at_map_scale():
    rng = np.random.default_rng(4)
    q, obj = with_walls(with_floor(cylinder(900, rng), 0.15, rng, size=2.5)[0], 900, 0.3, rng, corner=True)
    floor, wall, axis, walls = room.room_mask(q.astype(np.float32))
    assert (axis, walls) == ("z", 2) and (floor | wall)[obj:].mean() > 0.95
    # Turned y up and to map scale: a corner's three planes are all square to each other, so which
    # is the floor and which the walls can change with the up; all three still go.
    floor, wall, axis, walls = room.room_mask((y_up(q) * 300 + 1000).astype(np.float32))
    assert walls == 2 and (floor | wall)[obj:].mean() > 0.95


def test_no_wall_without_a_floor_and_none_on_shapes_with_flat_backs():
    rng = np.random.default_rng(5)
    shape = box(900, rng, bottom=False)
    q, _ = with_walls(shape, 900, 0.2, rng)                 # a wall but no floor: not taken
    assert room.room_mask(q.astype(np.float32))[3] == 0
    shelf = box(1500, rng, size=(1.0, 0.3, 1.2))              # a shelf's back on a floor: the floor only
    floor, wall, axis, walls = room.room_mask(with_floor(shelf, 0.2, rng)[0].astype(np.float32))
    assert (axis, walls, int(wall.sum())) == ("z", 0, 0)


def test_without_room_keeps_file_order():
    rng = np.random.default_rng(6)
    q, obj = with_walls(with_floor(cylinder(800, rng), 0.15, rng, size=1.5)[0], 800, 0.2, rng)
    q = q.astype(np.float32)
    floor, wall, _, _ = room.room_mask(q)
    assert np.array_equal(room.without_room(q), q[~(floor | wall)])


def test_validation_clouds_keep_their_walls_and_rooms_are_found():
    """On the 985 validation clouds as stored, walls are taken at most twice (with a floor: the
    floor step itself finds two); with a floor and a wall behind them (probes/room.py), most are
    found."""
    train = load_modelnet40("train", DEFAULT_MODELNET)
    rows = validation_rows(train)
    assert len([int(r) for r in rows if room.room_mask(strays.without_strays(train.points[r])[0])[3]]) <= 2
    rng = np.random.default_rng(7)
    found = 0
    for r in rows[:100]:
        p = train.points[r].astype(np.float64)
        q, _ = with_walls(with_floor(p, 0.15, rng, size=1.5)[0], len(p), 0.15, rng)
        found += room.room_mask(q.astype(np.float32))[3] > 0
    assert found >= 80


def fixture() -> dict:
    """tests/fixtures/room.json, which tests/io/room.test.ts replays: rooms with one wall and a
    corner, z up, y up and y down, far from zero, a wall without a floor, shapes without walls, a room of
    more than SAMPLE points, and the
    points room.room_mask leaves out. Rewrite it with
    `PYTHONPATH=training /usr/bin/python3 training/tests/test_room.py`."""
    rng = np.random.default_rng(58)
    clouds = [
        with_walls(with_floor(box(700, rng, bottom=False), 0.15, rng, size=1.8)[0], 700, 0.2, rng)[0],
        y_up(with_walls(with_floor(cylinder(700, rng), 0.15, rng, size=1.6)[0], 700, 0.25, rng, height=2.0)[0]),
        with_walls(with_floor(cylinder(700, rng), 0.15, rng, size=2.5)[0], 700, 0.3, rng, corner=True)[0] * 300 + 5000,
        with_walls(box(700, rng, bottom=False), 700, 0.2, rng)[0],
        with_floor(box(900, rng, size=(1.0, 0.3, 1.2)), 0.2, rng)[0],
        cylinder(600, rng),
        # more than room.SAMPLE points: the wall is looked for on every 2nd point, drawn on all
        with_walls(with_floor(cylinder(4000, rng), 0.15, rng, size=1.8)[0], 4000, 0.2, rng)[0],
        # y down (a depth camera's axes): the floor at the highest y, the wall behind
        with_walls(with_floor(cylinder(700, rng), 0.15, rng, size=1.8)[0], 700, 0.2, rng)[0] @ perturb.UP_ROTATIONS["-y"].T,
    ]
    cases = []
    for p in clouds:
        p = p.astype(np.float32)
        floor, wall, axis, walls = room.room_mask(p)
        cases.append({"points": [float(v) for v in p.reshape(-1)], "floor": np.flatnonzero(floor).tolist(),
                      "wall": np.flatnonzero(wall).tolist(), "walls": walls, "axis": axis})
    return {"generator": "training/tests/test_room.py fixture()", "cases": cases}


def test_fixture_is_what_python_computes():
    assert json.loads(FIXTURE.read_text()) == fixture(), "tests/fixtures/room.json is stale: see fixture()"


def test_fixture_has_one_wall_a_corner_and_none():
    assert {c["walls"] for c in json.loads(FIXTURE.read_text())["cases"]} == {0, 1, 2}


@pytest.mark.parametrize("shape", [(0, 3), (5, 2)])
def test_bad_shapes_are_refused_or_kept(shape):
    if shape[1] != 3:
        with pytest.raises(ValueError, match="expected an \\[N, 3\\] cloud"):
            room.room_mask(np.zeros(shape, np.float32))
    else:
        assert room.room_mask(np.zeros(shape, np.float32))[2] is None


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(fixture()) + "\n")
    print(f"wrote {FIXTURE}")
