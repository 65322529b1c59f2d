"""The robustness variants written as PLY files (tools/variant_files) are the clouds the Python
benchmark measures: same rows, same seeded perturbation, bit for bit."""
import json

import numpy as np
import pytest

from any2point import meshio, perturb
from any2point.datasets import DEFAULT_MODELNET, load_modelnet40
from any2point.tools import robustness as R
from any2point.tools.variant_files import main, write_variants

pytestmark = pytest.mark.skipif(not (DEFAULT_MODELNET / "test_points.f32").exists(), reason="ModelNet40 is not in this checkout")


def test_written_variant_files_read_back_to_the_perturbed_points(tmp_path):
    count = write_variants(tmp_path, ["clean", "up+y", "points256"], limit=3)
    test = load_modelnet40("test")
    rows = R.spread_rows(len(test), 3)
    assert count == 3
    listed = json.loads((tmp_path / "clouds.json").read_text())
    assert listed["rows"] == rows.tolist() and listed["ids"] == [test.ids[r] for r in rows]
    assert listed["labels"] == test.labels[rows].tolist() and listed["classes"] == test.classes
    raw = R.stored_clouds(DEFAULT_MODELNET, rows)
    for name in ("clean", "up+y", "points256"):
        files = sorted((tmp_path / name).glob("*/*.ply"))
        assert len(files) == 3
        for cloud, r in zip(raw, rows):
            path = tmp_path / name / test.classes[test.labels[r]] / f"{test.ids[r]}.ply"
            back = meshio.read_cloud(path, 1024, np.random.default_rng(0))
            assert np.array_equal(back, perturb.apply(name, cloud, int(r)))
    assert len(back) == 256 and not np.array_equal(back, raw[-1][:256])


def test_unknown_variant_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--variants", "nope"])
