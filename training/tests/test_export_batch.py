"""export.py writes models with a symbolic batch axis on every input and output (the app runs all
passes of one classify, candidate ups x votes, as one batch) and checks that clouds run 3 to a
batch give their batch-1 outputs and PyTorch's."""
from pathlib import Path

import onnx
import pytest

from any2point.export import BATCH_AXIS, OUTPUTS, PARITY_BATCH, check_batch_axis, export

REPO = Path(__file__).resolve().parents[2]
CHECKPOINT = REPO / "training" / "checkpoints" / "none-modelnet40" / "best.pt"


def test_committed_models_take_a_batch():
    models = sorted((REPO / "public" / "models").glob("*/model.onnx"))
    assert models
    for path in models:
        check_batch_axis(path)


def test_export_checks_batched_runs_and_rejects_a_fixed_batch(tmp_path):
    if not CHECKPOINT.exists():
        pytest.skip("no committed baseline checkpoint")
    m = export(CHECKPOINT, "none-modelnet40", out_root=tmp_path / "models", parity_clouds=4,
               fixtures=tmp_path / "fixtures", log=lambda *_: None)
    batched = m["parity"]["batched"]
    assert batched["batch"] == PARITY_BATCH and batched["sameTop1"] == 4
    assert batched["maxDiffToBatch1"] < 1e-4 and batched["maxDiff"] < 1e-4
    path = tmp_path / "models" / "none-modelnet40" / "model.onnx"
    graph = onnx.load(str(path)).graph
    assert [v.name for v in graph.output] == OUTPUTS
    assert all(v.type.tensor_type.shape.dim[0].dim_param == BATCH_AXIS for v in [*graph.input, *graph.output])
    # The same model with batch 1 fixed on one input is refused.
    model = onnx.load(str(path))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    onnx.save(model, str(tmp_path / "fixed.onnx"))
    with pytest.raises(RuntimeError, match="no 'batch' axis on \\['points'\\]"):
        check_batch_axis(tmp_path / "fixed.onnx")
