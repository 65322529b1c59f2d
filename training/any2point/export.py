"""Export a trained checkpoint for the browser (a thin command).

    PYTHONPATH=training /usr/bin/python3 -m any2point.export --checkpoint /work/runs/<run>/best.pt \\
        --id use-lite-modelnet40 [--report /work/runs/<run>/report.json]

Writes public/models/<id>/: model.onnx (opset 17, the ONNX inputs/outputs of docs/geometry.md,
trained weights inside, frozen ones as external data), frozen.bin (NOT committed; rebuilt by
scripts/assemble-model.mjs from the recipe), manifest.json, report.json; and the golden fixture
tests/fixtures/models/<id>.json. Checks: onnx.checker, then onnxruntime-web (Node, wasm) against
PyTorch on 32 test clouds: same top-1 on all, max |logit difference| and max |features difference|
< 1e-4 (features: the head's input, the output a head taught in the app is trained on). Every input
and output has a dynamic batch axis ("batch"): the app runs all passes of one classify (candidate
ups x votes) as one batch, so the same clouds also run 3 at a time and must match PyTorch and their
batch-1 runs to the same tolerance. A report measured
with `any2point.evaluate --votes N` puts `"votes": N` in the manifest: the app then classifies
every cloud as the mean of N point orders (src/model/votes.ts), the way the figures were measured.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np
import onnx
import torch

from . import checkpoint as ckpt
from .backbones.sources import sha256_of
from .batches import Batch, make_batch
from .dataset_splits import load_splits
from .decide import manifest_block
from .novelty import manifest_block as novelty_block
from .upright import manifest_block as upright_block
from .fitted import fitted_block
from .frozen_split import source_info, split_frozen
from .model import Any2Point, count_parameters
from .pose import require_as_given
from .trig import graph_trig

REPO = Path(__file__).resolve().parents[2]
OPSET = 17
PARITY_TOLERANCE = 1e-4
NAMES = {"use-lite": "USE-Lite (language, 1D)", "kwt1": "KWT-1 (audio, 1D)",
         "vit-mnist": "ViT-MNIST (vision, 2D)", "none": "No backbone (baseline)"}
# logits and attention first, as before; features = the head's input [class token, max-pooled tokens].
OUTPUTS = ["logits", "attention", "features"]
BATCH_AXIS = "batch"  # dim_param of axis 0 of every input and output
PARITY_BATCH = 3  # clouds per run in the batched parity check


def onnx_inputs(batch: Batch) -> list[torch.Tensor]:
    """Batch tensors as the ONNX model takes them: indices as int32."""
    return [t.to(torch.int32) if not t.is_floating_point() else t for t in batch.inputs()]


def export_onnx(model: Any2Point, example: list[torch.Tensor], path: Path) -> None:
    """Traced on `example` (a batch of more than one cloud, so that no size-1 axis is taken for a
    constant), with axis 0 of every input and output symbolic."""
    model.eval()
    names = model.input_names()
    dynamic = {n: {0: BATCH_AXIS} for n in [*names, *OUTPUTS]}
    with torch.no_grad(), graph_trig():  # sin/cos as arithmetic: WebGPU's may be coarse (trig.py)
        torch.onnx.export(model, tuple(example), str(path), opset_version=OPSET,
                          input_names=names, output_names=OUTPUTS, dynamic_axes=dynamic,
                          do_constant_folding=False)  # keeps initializer names = parameter names


def check_batch_axis(path: Path) -> None:
    """Every graph input and output has the symbolic batch axis (the app stacks its passes on it)."""
    graph = onnx.load(str(path), load_external_data=False).graph
    fixed = [v.name for v in [*graph.input, *graph.output] if v.type.tensor_type.shape.dim[0].dim_param != BATCH_AXIS]
    if fixed:
        raise RuntimeError(f"ONNX export: no '{BATCH_AXIS}' axis on {fixed}")


def stacked(clouds: list[list[torch.Tensor]]) -> list[torch.Tensor]:
    """Clouds' inputs ([cloud][input], batch 1 each) as one batch."""
    return [torch.cat(ts, dim=0) for ts in zip(*clouds)]


def run_ort(model_path: Path, frozen: Optional[Path], inputs: list[list[torch.Tensor]], names: list[str], work: Path,
            batch: int = 1) -> dict[str, np.ndarray]:
    """Outputs of onnxruntime-web (Node, wasm EP) for each cloud's inputs ([cloud][input], batch 1
    each), run `batch` clouds at a time (stacked along the batch axis)."""
    req = {"count": len(inputs), "batch": batch, "inputs": [], "out": "out"}
    for j, name in enumerate(names):
        first = inputs[0][j]
        typ = "int32" if first.dtype == torch.int32 else "float32"
        np.concatenate([c[j].numpy().reshape(-1) for c in inputs]).astype(typ).tofile(work / f"in.{name}.bin")
        req["inputs"].append({"name": name, "type": typ, "dims": list(first.shape), "file": f"in.{name}.bin"})
    (work / "request.json").write_text(json.dumps(req))
    runner = Path(__file__).with_name("ort_run.cjs")
    res = subprocess.run(["node", str(runner), str(model_path), str(frozen) if frozen else "-", str(work / "request.json")],
                         cwd=REPO, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"onnxruntime-web run failed: {res.stderr.strip() or res.stdout.strip()}")
    dims = json.loads((work / "out.json").read_text())["dims"]
    # Dims are one cloud's (batch 1); drop that axis: [clouds, ...].
    return {n: np.fromfile(work / f"out.{n}.bin", np.float32).reshape(len(inputs), *dims[n][1:]) for n in OUTPUTS}


def calibration_of(checkpoint: Path, log=print) -> Optional[dict]:
    """The manifest's `calibration` block from tools/calibrate's calibration.json (temperature and
    threshold fitted on validation survive a re-export)."""
    return fitted_block(checkpoint, "calibration.json", manifest_block, "any2point.tools.calibrate", log)


def novelty_of(checkpoint: Path, log=print) -> Optional[dict]:
    """The manifest's `novelty` block from tools/novelty's novelty.json (the same rule)."""
    return fitted_block(checkpoint, "novelty.json", novelty_block, "any2point.tools.novelty", log)


def upright_of(checkpoint: Path, log=print) -> Optional[dict]:
    """The manifest's `upright` block (the learned up picker) from tools/upright's upright.json."""
    return fitted_block(checkpoint, "upright.json", upright_block, "any2point.tools.upright", log)


def heads_of(model: Any2Point) -> list[int]:
    return [int(b.heads) for b in model.backbone.blocks]


def manifest(model_id: str, model: Any2Point, cfg, classes: list[str], frozen: dict, out: Path,
             report: Optional[dict], onnx_input_names: list[str], attention_shape: list[int]) -> dict:
    bb = model.backbone
    trainable, total = count_parameters(model)
    heads = heads_of(model)
    src = source_info(bb)[0] if bb.frozen_sources() else {"kind": "none"}
    dataset = cfg.dataset if cfg.dataset == "modelnet40" else Path(cfg.dataset).name
    metrics = {"testOverallAccuracy": None, "testMeanClassAccuracy": None, "valOverallAccuracy": None,
               "epochs": None, "report": None}
    if report:
        metrics = {"testOverallAccuracy": report["test"]["overallAccuracy"],
                   "testMeanClassAccuracy": report["test"]["meanClassAccuracy"],
                   "valOverallAccuracy": report["val"]["overallAccuracy"],
                   "epochs": report["epochs"], "report": "report.json"}
    return {
        "id": model_id,
        "name": f"{NAMES.get(bb.name, bb.name)} · {'ModelNet40' if dataset == 'modelnet40' else dataset}",
        "backbone": {"name": bb.name, "modality": bb.modality, "layers": len(bb.blocks), "heads": heads,
                     "widthIn": bb.width_in, "widthOut": bb.width_out, "source": src},
        "dataset": dataset,
        "classes": classes,
        "geometry": model.spec.to_manifest(),
        "onnx": {"file": "model.onnx", "opset": OPSET, "inputs": onnx_input_names, "outputs": OUTPUTS},
        "attention": {"layers": attention_shape[1], "heads": attention_shape[2]},
        # features output [1, dim]: what a taught head (src/teach/head.ts) is trained on.
        "features": {"dim": 2 * bb.width_out},
        "frozen": frozen,
        "files": {f: {"bytes": (out / f).stat().st_size, "sha256": sha256_of(out / f)}
                  for f in ("model.onnx", "report.json") if (out / f).exists()},
        "parameters": {"trainable": trainable, "total": total},
        "metrics": metrics,
        # How it was trained to see poses: "z" = every heading about the up axis. The app's zoo order
        # (src/model/zooOrder.ts) puts such models first: users' files come in any heading.
        "training": {"rotate": cfg.rotate},
    }


def golden(model_id: str, names: list[str], clouds: list[list[torch.Tensor]], ids: list[str], labels: list[int],
           logits: np.ndarray, attention: np.ndarray, features: np.ndarray) -> dict:
    """Clouds -> geometry outputs (the ONNX inputs) -> logits / attention / features, for the TS tests."""
    entries = []
    for c, inputs in enumerate(clouds):
        entry = {"id": ids[c], "label": labels[c], "inputs": {}}
        for name, t in zip(names, inputs):
            entry["inputs"][name] = {"type": "int32" if t.dtype == torch.int32 else "float32",
                                     "dims": list(t.shape), "data": t.reshape(-1).tolist()}
        entry["logits"] = logits[c].reshape(-1).tolist()
        entry["attention"] = {"dims": list(attention[c].shape), "data": attention[c].reshape(-1).tolist()}
        entry["features"] = features[c].reshape(-1).tolist()
        entries.append(entry)
    return {"model": model_id, "tolerance": PARITY_TOLERANCE, "clouds": entries}


def export(checkpoint: Path, model_id: str, out_root: Path = REPO / "public" / "models",
           report_path: Optional[Path] = None, parity_clouds: int = 32, golden_clouds: int = 2,
           fixtures: Path = REPO / "tests" / "fixtures" / "models", log=print) -> dict:
    model, cfg, blob = ckpt.load_model(checkpoint)
    require_as_given(cfg.heading, "export")
    classes = blob["classes"]
    splits = load_splits(cfg.dataset, model.spec, cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=None)
    test = splits.test
    n = min(parity_clouds, len(test))
    rows = np.linspace(0, len(test) - 1, n).round().astype(np.int64)  # spread over the classes
    clouds = [onnx_inputs(make_batch(test, splits.test_idx, rows[i:i + 1], model.spec)) for i in range(n)]
    names = model.input_names()

    out = out_root / model_id
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / "model.onnx"
    export_onnx(model, stacked(clouds[:PARITY_BATCH]), onnx_path)
    frozen = split_frozen(onnx_path, model.backbone)
    onnx.checker.check_model(str(onnx_path))
    check_batch_axis(onnx_path)
    graph_inputs = [i.name for i in onnx.load(str(onnx_path), load_external_data=False).graph.input]

    with torch.no_grad():
        ref = [model(*c) for c in clouds]
    ref_logits = np.stack([r[0][0].numpy() for r in ref])
    ref_attn = np.stack([r[1][0].numpy() for r in ref])
    ref_feat = np.stack([r[2][0].numpy() for r in ref])
    with tempfile.TemporaryDirectory() as tmp:
        kept = [c[: len(graph_inputs)] if graph_inputs == names[: len(graph_inputs)] else
                [t for t, nm in zip(c, names) if nm in graph_inputs] for c in clouds]
        frozen_file = out / frozen["file"] if frozen["recipe"] else None
        got = run_ort(onnx_path, frozen_file, kept, graph_inputs, Path(tmp))
        batched = run_ort(onnx_path, frozen_file, kept, graph_inputs, Path(tmp), batch=PARITY_BATCH)
    diff = float(np.abs(got["logits"] - ref_logits).max())
    attn_diff = float(np.abs(got["attention"] - ref_attn).max())
    feat_diff = float(np.abs(got["features"] - ref_feat).max())
    same_top1 = int((got["logits"].argmax(-1) == ref_logits.argmax(-1)).sum())
    # The same clouds PARITY_BATCH to a run: against PyTorch, and against their own batch-1 runs.
    batch_diff = max(float(np.abs(batched[o] - r).max()) for o, r in
                     (("logits", ref_logits), ("attention", ref_attn), ("features", ref_feat)))
    batch_vs_single = max(float(np.abs(batched[o] - got[o]).max()) for o in OUTPUTS)
    batch_top1 = int((batched["logits"].argmax(-1) == ref_logits.argmax(-1)).sum())
    parity = {"clouds": n, "sameTop1": same_top1, "maxLogitDiff": diff, "maxAttentionDiff": attn_diff,
              "maxFeatureDiff": feat_diff,
              "batched": {"batch": PARITY_BATCH, "sameTop1": batch_top1, "maxDiff": batch_diff,
                          "maxDiffToBatch1": batch_vs_single},
              "runtime": "onnxruntime-web (Node, wasm EP)", "tolerance": PARITY_TOLERANCE}
    log(f"parity on {n} test clouds: same top-1 {same_top1}/{n}, max |logit diff| {diff:.3g}, max |attention diff| {attn_diff:.3g}, "
        f"max |features diff| {feat_diff:.3g}; {PARITY_BATCH} per run: same top-1 {batch_top1}/{n}, max |diff| to PyTorch "
        f"{batch_diff:.3g}, to batch 1 {batch_vs_single:.3g}")
    if same_top1 != n or diff >= PARITY_TOLERANCE or feat_diff >= PARITY_TOLERANCE:
        raise RuntimeError(f"ONNX parity failed: {parity}")
    if batch_top1 != n or batch_diff >= PARITY_TOLERANCE or batch_vs_single >= PARITY_TOLERANCE:
        raise RuntimeError(f"ONNX parity at batch {PARITY_BATCH} failed: {parity['batched']}")

    report = None
    if report_path:
        report = json.loads(Path(report_path).read_text())
        report["parity"] = parity
        (out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    if frozen["recipe"] == []:
        (out / frozen["file"]).unlink(missing_ok=True)
        frozen = None
    m = manifest(model_id, model, cfg, classes, frozen, out, report, graph_inputs, list(ref_attn.shape))
    if report and report.get("votes", 1) > 1:
        # The report was measured voting over point orders: the app classifies the same way.
        m["votes"] = int(report["votes"])
    m["parity"] = parity
    calibration = calibration_of(Path(checkpoint), log)
    if calibration is not None:
        m["calibration"] = calibration
    novelty = novelty_of(Path(checkpoint), log)
    if novelty is not None:
        m["novelty"] = novelty
    picker = upright_of(Path(checkpoint), log)
    if picker is not None:
        m["upright"] = picker
    (out / "manifest.json").write_text(json.dumps(m, indent=2) + "\n")
    fixtures.mkdir(parents=True, exist_ok=True)
    g = golden(model_id, graph_inputs, kept[:golden_clouds], [test.ids[r] for r in rows[:golden_clouds]],
               [int(test.labels[r]) for r in rows[:golden_clouds]], ref_logits, ref_attn, ref_feat)
    # PyTorch logits of every parity cloud: the browser tests replay these clouds from the dataset.
    g["parity"] = [{"id": test.ids[r], "logits": ref_logits[i].tolist()} for i, r in enumerate(rows)]
    (fixtures / f"{model_id}.json").write_text(json.dumps(g) + "\n")
    log(f"wrote {out}/manifest.json, model.onnx ({(out / 'model.onnx').stat().st_size:,} bytes)"
        f"{', frozen.bin (' + format(m['frozen']['bytes'], ',') + ' bytes, not committed)' if m['frozen'] else ''}, "
        f"{fixtures / (model_id + '.json')}")
    return m


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.export", description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True, type=Path)
    ap.add_argument("--id", required=True, help="model id = folder name under public/models")
    ap.add_argument("--report", type=Path, help="report.json from any2point.evaluate (goes into the manifest)")
    ap.add_argument("--out", type=Path, default=REPO / "public" / "models")
    ap.add_argument("--fixtures", type=Path, default=REPO / "tests" / "fixtures" / "models")
    ap.add_argument("--parity-clouds", type=int, default=32)
    a = ap.parse_args(argv)
    torch.set_num_threads(2)
    export(a.checkpoint, a.id, a.out, a.report, a.parity_clouds, fixtures=a.fixtures)


if __name__ == "__main__":
    main(sys.argv[1:])
