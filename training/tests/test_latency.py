"""any2point.tools.latency: the exported model rebuilt in PyTorch reproduces the export's logits, and
the command prints the JSON that scripts/bench-e2e.ts reads."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from any2point.tools import latency as L

REPO = Path(__file__).resolve().parents[2]
MODELS = sorted(p for p in (REPO / "public" / "models").glob("*/manifest.json")
                if (REPO / "tests" / "fixtures" / "models" / f"{p.parent.name}.json").exists())
TOLERANCE = 1e-4


@pytest.fixture(scope="module", params=[p.parent for p in MODELS], ids=[p.parent.name for p in MODELS])
def exported(request):
    model, cfg, manifest = L.load_exported(request.param)
    fixture = json.loads((REPO / "tests" / "fixtures" / "models" / f"{request.param.name}.json").read_text())
    return request.param, model, manifest, fixture


def test_there_is_a_model_with_a_fixture():
    assert MODELS, "public/models has no model with a fixture in tests/fixtures/models"


def test_rebuilt_model_reproduces_the_golden_logits(exported):
    _, model, _, fixture = exported
    pairs = L.golden_logits(model, fixture)
    assert pairs
    for got, want in pairs:
        assert got.shape == want.shape
        assert np.abs(got - want).max() < TOLERANCE


def test_rebuilt_model_with_its_own_geometry_matches_the_parity_clouds(exported):
    _, model, _, fixture = exported
    for ref in fixture["parity"][:8]:
        got = L.classify(model, L.test_cloud(ref["id"])).numpy()
        assert np.abs(got - np.asarray(ref["logits"], np.float32)).max() < TOLERANCE, ref["id"]


def test_command_prints_the_json_bench_e2e_reads(exported):
    model_dir, _, manifest, _ = exported
    env = {**os.environ, "PYTHONPATH": str(REPO / "training"), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    out = subprocess.run([sys.executable, "-m", "any2point.tools.latency", "--model-dir", str(model_dir), "--json", "--runs", "2", "--threads", "1"],
                         capture_output=True, text=True, env=env, cwd=REPO, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["model"] == manifest["id"]
    assert result["threads"] == 1 and result["runs"] == 2
    assert 0 < result["minMs"] <= result["medianMs"] <= result["maxMs"]
    assert result["top1"] in manifest["classes"]
