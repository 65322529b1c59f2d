"""Few-shot measurement of "teach your own classes" (docs/teach.md): a head taught in the app on the
frozen model's features, beside fine-tuning the whole trainable part with train.py --init.

    PYTHONPATH=training /usr/bin/python3 -m any2point.tools.fewshot --out /work/runs/fewshot [--skip-finetune]
    npm run bench:teach -- /work/runs/fewshot          # the app's head trainer on the features written here

Classes: the first ten of ModelNet40 in its (alphabetical) order. For each, 20 shapes (the most
--shots) are drawn with each of --seeds from the training split's training rows (the fixed
validation part is left out), and 1, 5 and 20 shots take the first 1, 5, 20 of that draw. Every test shape of the ten classes is the
test set. Written under --out:
  data/test/<class>/<id>.ply, data/shots-<k>/train/<class>/<id>.ply (+ a link to data/test): the
      shapes of the first seed's draw as binary PLY files, a folder dataset for train.py --dataset
      and for the app; data/pool/: every drawn shape of every seed.
  features/: the exported model's `features` output (onnxruntime-web in Node, wasm) of the drawn
      and the test shapes, with PyTorch's max difference (parity), and the model's own head on the
      test shapes (restricted to the ten classes), read by scripts/bench-teach.ts.
  finetune-<k>/: train.py --init runs on the first seed's draw, a fixed --steps optimiser steps
      each, and fewshot.json with their test accuracy.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .. import checkpoint as ckpt
from ..batches import make_batch
from ..dataset_splits import validation_rows
from ..datasets import DEFAULT_MODELNET, CloudSet, load_folder, load_modelnet40
from ..export import onnx_inputs, run_ort
from ..index_cache import cached_indices
from ..metrics import predict, scores

REPO = Path(__file__).resolve().parents[3]
DEFAULT_CHECKPOINT = REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt"
DEFAULT_MODEL = REPO / "public" / "models" / "use-lite-modelnet40"
SHOTS = (1, 5, 20)


def write_ply(path: Path, points: np.ndarray) -> None:
    """A binary little-endian PLY of float32 vertices: exact, and read by the app and meshio alike."""
    header = f"ply\nformat binary_little_endian 1.0\nelement vertex {len(points)}\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
    path.write_bytes(header.encode("ascii") + points.astype("<f4").tobytes())


def draw(labels: np.ndarray, classes: list[int], per_class: int, seed: int, exclude: np.ndarray) -> list[list[int]]:
    """Per class, `per_class` seeded rows (not in `exclude`); k shots = the first k of them."""
    left_out = set(exclude.tolist())
    rng = np.random.default_rng(seed)
    out = []
    for c in classes:
        rows = [r for r in np.flatnonzero(labels == c) if r not in left_out]
        out.append([int(r) for r in rng.permutation(rows)[:per_class]])
    return out


def write_folders(out: Path, train: CloudSet, test: CloudSet, classes: list[int], drawn: list[list[int]], shots: list[int]) -> None:
    names = [train.classes[c] for c in classes]
    for c, name in zip(classes, names):
        (out / "data" / "test" / name).mkdir(parents=True, exist_ok=True)
        for r in np.flatnonzero(test.labels == c):
            write_ply(out / "data" / "test" / name / f"{test.ids[r]}.ply", test.points[r])
    for k in shots:
        root = out / "data" / f"shots-{k}"
        for name, rows in zip(names, drawn):
            (root / "train" / name).mkdir(parents=True, exist_ok=True)
            for r in rows[:k]:
                write_ply(root / "train" / name / f"{train.ids[r]}.ply", train.points[r])
        if not (root / "test").exists():
            (root / "test").symlink_to(Path("..") / "test")


def write_pool(out: Path, train: CloudSet, draws: list[list[list[int]]]) -> None:
    """Every shape some draw took, once: the training shapes whose features are computed."""
    for r in sorted({r for d in draws for rows in d for r in rows}):
        name = train.classes[train.labels[r]]
        (out / "data" / "pool" / name).mkdir(parents=True, exist_ok=True)
        write_ply(out / "data" / "pool" / name / f"{train.ids[r]}.ply", train.points[r])


def features(out: Path, model_dir: Path, checkpoint: Path, sets: dict[str, CloudSet], columns: list[int], log=print) -> dict:
    """The exported model's `features` of every shape (onnxruntime-web, as the app runs it), read
    from the PLY files through the same normalise and geometry as training; PyTorch's beside it.
    Also the model's own head on the test shapes, its logits restricted to `columns` (the folder
    classes' ModelNet40 indices, in folder label order): the frozen
    network was trained on all 40 classes, so this says how much it already knows of them."""
    model, cfg, _ = ckpt.load_model(checkpoint)
    model.eval()
    manifest = json.loads((model_dir / "manifest.json").read_text())
    if "features" not in manifest["onnx"]["outputs"]:
        raise SystemExit(f"{model_dir}: the model has no features output; export it again (any2point.export)")
    names = manifest["onnx"]["inputs"]
    (out / "features").mkdir(parents=True, exist_ok=True)
    meta = {"model": manifest["id"], "sha256": manifest["files"]["model.onnx"]["sha256"], "dim": manifest["features"]["dim"], "sets": {}}
    for tag, cs in sets.items():
        idx = cached_indices(cs.points, model.spec, f"fewshot-{tag}", out / "cache", log=None)
        full = [onnx_inputs(make_batch(cs, idx, np.array([r]), model.spec)) for r in range(len(cs))]
        clouds = [[t for t, n in zip(c, model.input_names()) if n in names] for c in full]  # the graph's inputs
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            got = run_ort(model_dir / "model.onnx", model_dir / "frozen.bin" if manifest["frozen"] else None, clouds, names, Path(tmp))
        feats = got["features"].reshape(len(cs), -1).astype(np.float32)
        with torch.no_grad():
            ref = np.concatenate([model(*[t if t.is_floating_point() else t.long() for t in c])[2].numpy() for c in full])
        diff = float(np.abs(feats - ref).max())
        log(f"features of {len(cs)} {tag} shapes: onnxruntime-web {time.time() - t0:.0f}s, max |ONNX - PyTorch| {diff:.3g}")
        feats.tofile(out / "features" / f"{tag}.f32")
        meta["sets"][tag] = {"count": len(cs), "labels": cs.labels.tolist(), "ids": cs.ids, "maxDiffPyTorch": diff}
        if tag == "test":
            pred = got["logits"].reshape(len(cs), -1)[:, columns].argmax(-1)
            own = scores(cs.labels, pred, cs.classes)
            meta["ownHead"] = {"overallAccuracy": own["overallAccuracy"], "meanClassAccuracy": own["meanClassAccuracy"]}
    return meta


def finetune(out: Path, k: int, checkpoint: Path, steps: int, batch: int, log=print) -> dict:
    """train.py --init on the k-shot folder for `steps` optimiser steps, then test accuracy."""
    dataset = out / "data" / f"shots-{k}"
    run = out / f"finetune-{k}"
    n = 10 * k
    batch = min(batch, n)
    epochs = max(1, round(steps / (n // batch)))
    # The recipe the default model itself was fine-tuned with (its config.json), no validation part.
    args = ["--dataset", str(dataset), "--init", str(checkpoint), "--run_dir", str(run), "--cache_dir", str(out / "cache"),
            "--val_fraction", "0", "--epochs", str(epochs), "--batch_size", str(batch), "--lr", "0.0003",
            "--weight_decay", "0.05", "--warmup_epochs", "0.5", "--label_smoothing", "0.2", "--fps_starts", "8",
            "--log_every", "1000"]
    log("train " + " ".join(args))
    t0 = time.time()
    env = {**os.environ, "PYTHONPATH": str(REPO / "training")}
    subprocess.run([sys.executable, "-m", "any2point.train", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.time() - t0
    model, cfg, blob = ckpt.load_model(run / "best.pt")
    test = load_folder(dataset / "test", model.spec.points)
    idx = cached_indices(test.points, model.spec, "fewshot-test", out / "cache", log=None)
    pred = predict(model, test, idx, np.arange(len(test)), 32)
    rep = scores(test.labels, pred, blob["classes"])
    return {"shots": k, "epochs": epochs, "batchSize": batch, "steps": epochs * (n // batch), "trainSeconds": seconds,
            "overallAccuracy": rep["overallAccuracy"], "meanClassAccuracy": rep["meanClassAccuracy"], "args": args}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.tools.fewshot", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="one draw per seed; the first is also fine-tuned")
    ap.add_argument("--classes", type=int, default=10, help="the first N classes of ModelNet40")
    ap.add_argument("--shots", type=int, nargs="+", default=list(SHOTS))
    ap.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    ap.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--steps", type=int, default=200, help="optimiser steps of each fine-tuning run")
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--skip-finetune", action="store_true")
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    # A rerun with other settings must not meet the last run's files or cached geometry.
    for stale in ("data", "cache", "features", *([] if a.skip_finetune else [f"finetune-{k}" for k in a.shots])):
        shutil.rmtree(a.out / stale, ignore_errors=True)
    train, test = load_modelnet40("train", DEFAULT_MODELNET), load_modelnet40("test", DEFAULT_MODELNET)
    classes = list(range(a.classes))
    val = validation_rows(train)
    draws = [draw(train.labels, classes, max(a.shots), seed, val) for seed in a.seeds]
    write_folders(a.out, train, test, classes, draws[0], a.shots)
    write_pool(a.out, train, draws)
    # The drawn shapes and the test shapes, read back from the PLY files like every other path.
    sets = {"train": load_folder(a.out / "data" / "pool"), "test": load_folder(a.out / "data" / "test")}
    order = {s: i for i, s in enumerate(sets["train"].ids)}  # class/<id>.ply -> row, to keep the draw order
    meta = features(a.out, a.model_dir, a.checkpoint, sets, [train.classes.index(n) for n in sets["test"].classes])
    meta["classes"] = sets["train"].classes
    meta["draws"] = [[[order[f"{train.classes[c]}/{train.ids[r]}.ply"] for r in rows] for c, rows in zip(classes, d)] for d in draws]
    meta["seeds"], meta["shots"] = a.seeds, a.shots
    (a.out / "features" / "meta.json").write_text(json.dumps(meta) + "\n")
    if a.skip_finetune:  # a fewshot.json of an earlier run with fine-tuning stays
        return
    results = [finetune(a.out, k, a.checkpoint, a.steps, a.batch) for k in a.shots]
    (a.out / "fewshot.json").write_text(json.dumps({"classes": meta["classes"], "seed": a.seeds[0], "finetune": results}, indent=1) + "\n")
    print("shots | fine-tuned (train.py --init): overall / mean class | steps | seconds")
    for r in results:
        print(f"{r['shots']:5d} | {100 * r['overallAccuracy']:.2f} % / {100 * r['meanClassAccuracy']:.2f} % | {r['steps']} | {r['trainSeconds']:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
