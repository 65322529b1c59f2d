"""Train several configurations at once on one GPU within a time budget (a lent GPU machine).

    PYTHONPATH=training python3 -m any2point.tools.sweep --carry .gpu --runs training/sweeps/<name>.json \\
        --budget 505 --out $OUT

The carry folder is any2point.tools.carry's; the frozen backbone is read from the module saved
there whole (backbones.registry.load_backbone with root <carry>/<name>.pt, passed down through
train.train). The driver unpacks the training split into a dataset folder, builds the geometry cache once, then starts one process per run (a name -> list of
train options in the JSON file) on the same GPU. Each process times a few training steps of its
configuration while the others run, then trains with as many epochs as fit before the budget
ends (at most --max-epochs; the cosine schedule is stretched over them; the steps timed are the
run's own, training damage included). Every 20 s, each run's best.pt, last.pt, log.txt,
config.json and probe.json are packed into <out>/<name>.tar, so a run cut off by the machine's
limit still returns its best checkpoint.

A run whose options name `--epochs` keeps that schedule even when it is longer than the call; the
next call, given the earlier call's tars with `--resume-from <folder>`, continues every run that
has one there from its last.pt (optimiser, RNG and step: exactly as `train --resume`), so a
150-epoch schedule can span calls (and sessions: the tars are what the call brings back).

The stand-in test split is the first 64 training clouds: training never reads the test split,
and the real one is evaluated on the CPU machine afterwards (any2point.evaluate).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Optional

import numpy as np

from .carry import POINTS, dequantise

DATA, CACHE, RUNS = Path("/tmp/any2point-sweep/data"), Path("/tmp/any2point-sweep/cache"), Path("/tmp/any2point-sweep/runs")
PACKED = ("best.pt", "last.pt", "log.txt", "config.json", "probe.json")  # last.pt: the end of the schedule (pose rules judge it)


def log(t0: float, msg: str) -> None:
    print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)


def carried_backbone(carry: Path, name: str) -> Optional[str]:
    """The backbone saved whole in the carry folder (no node_modules on a lent machine), if there."""
    path = carry / f"{name}.pt"
    return str(path) if path.exists() else None


def unpack(carry: Path) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    labels = np.fromfile(carry / "train_labels.u8", np.uint8)
    pts = dequantise((carry / POINTS).read_bytes(), labels.size * 1024 * 3)
    pts.tofile(DATA / "train_points.f32")  # float32, little-endian on x86
    labels.tofile(DATA / "train_labels.u8")
    for f in ("train_ids.txt", "shape_names.txt"):
        (DATA / f).write_bytes((carry / f).read_bytes())
    ids = (carry / "train_ids.txt").read_text().split()
    pts.reshape(-1, 1024, 3)[:64].tofile(DATA / "test_points.f32")
    labels[:64].tofile(DATA / "test_labels.u8")
    (DATA / "test_ids.txt").write_text("\n".join(ids[:64]) + "\n")


def config_for(name: str, options: list[str], device: str):
    from ..config import TrainConfig, parse_overrides

    cfg = parse_overrides(options, TrainConfig())
    cfg.data_root, cfg.cache_dir, cfg.device, cfg.run_dir = str(DATA), str(CACHE), device, str(RUNS / name)
    return cfg


def seconds_per_step(cfg, backbone_root: Optional[str], steps: int = 14, warm: int = 4) -> tuple[float, int]:
    """Time a few training steps of this configuration (with the other runs competing)."""
    import torch
    from ..batches import Damage, draft_batch, drafts, finish_batch
    from ..checkpoint import build_model
    from ..dataset_splits import load_splits
    from ..train import spec_for

    dev = torch.device(cfg.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    splits = load_splits("modelnet40", spec_for(cfg, backbone_root), cfg.data_root, cfg.cache_dir, log=None, fps_starts=cfg.fps_starts)
    model = build_model(cfg, len(splits.train.classes), backbone_root).to(dev).train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    damage, geometry_device = Damage.of(cfg), (dev if dev.type == "cuda" else None)  # as train.py's steps

    def draft(i: int):
        rows = splits.train_rows[i * cfg.batch_size:(i + 1) * cfg.batch_size]
        return draft_batch(splits.train, splits.train_idx, rows, model.spec, torch.Generator().manual_seed(i), cfg.rotate,
                           cfg.jitter, heading=cfg.heading, damage=damage)

    made = drafts(draft, range(steps), cfg.batch_workers)  # with the run's batch workers, as its steps will be
    for i in range(steps):
        if i == warm:
            sync()
            t = time.time()
        b = finish_batch(next(made), model.spec, geometry_device)
        logits = model(*(x.to(dev) for x in b.inputs()))[0]
        loss = torch.nn.functional.cross_entropy(logits, b.labels.to(dev))
        opt.zero_grad()
        loss.backward()
        opt.step()
    sync()
    train_rows = len(splits.train_rows[: cfg.limit_train] if cfg.limit_train else splits.train_rows)
    return (time.time() - t) / (steps - warm), max(1, train_rows // cfg.batch_size)


def resumed(resume_from: str, name: str) -> Optional[dict]:
    """`name`'s packed files from an earlier call (<resume_from>/<name>.tar, that call's $OUT),
    unpacked into its run folder here; the blob of its last.pt, or None when there is none."""
    import torch

    packed = Path(resume_from) / f"{name}.tar" if resume_from else None
    if packed is None or not packed.is_file():
        return None
    run = RUNS / name
    run.mkdir(parents=True, exist_ok=True)
    with tarfile.open(packed) as tar:
        for m in tar.getmembers():
            if m.isfile() and m.name.startswith(f"{name}/") and Path(m.name).name in PACKED:
                (run / Path(m.name).name).write_bytes(tar.extractfile(m).read())
    if not (run / "last.pt").is_file():
        return None
    return torch.load(run / "last.pt", map_location="cpu", weights_only=False)


def worker(a: argparse.Namespace, name: str, options: list[str]) -> None:
    from .. import train as T
    from ..config import TrainConfig

    blob = resumed(a.resume_from, name)
    if blob is not None:  # an earlier call's run goes on: its own schedule, this machine's paths
        cfg = TrainConfig.from_dict(blob["config"])
        cfg.data_root, cfg.cache_dir, cfg.device, cfg.run_dir = str(DATA), str(CACHE), a.device, str(RUNS / name)
        cfg.batch_workers = a.batch_workers if "--batch_workers" not in options else cfg.batch_workers
        log(a.t0, f"{name}: resumed at epoch {blob['progress'].get('epoch', 0)} of {cfg.epochs}")
        T.train(cfg, resume=blob, backbone_root=carried_backbone(Path(a.carry), cfg.backbone))
        return
    cfg = config_for(name, ["--batch_workers", str(a.batch_workers), *options], a.device)  # a run's own option wins
    backbone_root = carried_backbone(Path(a.carry), cfg.backbone)
    sps, steps = seconds_per_step(cfg, backbone_root)
    left = a.t0 + a.budget - time.time()
    fits = int(left / (sps * steps * 1.25 + 1.0))  # + validation, slack
    # A run that names its --epochs keeps them (a schedule longer than one call, resumed by the
    # next call's --resume-from); the others stretch their cosine over what this call allows.
    fixed = "--epochs" in options
    if not fixed:
        cfg.epochs = max(1, min(a.max_epochs, fits))
    Path(cfg.run_dir).mkdir(parents=True, exist_ok=True)
    probe = {"s_per_step": sps, "steps_per_epoch": steps, "left_s": left, "epochs": cfg.epochs, "fixed": fixed, "options": options}
    (Path(cfg.run_dir) / "probe.json").write_text(json.dumps(probe) + "\n")
    log(a.t0, f"{name}: {sps * 1000:.1f} ms a step, {steps} steps an epoch -> {cfg.epochs} epochs"
        + (f" (fixed; about {fits} in this call)" if fixed else ""))
    T.train(cfg, backbone_root=backbone_root)


# What a run's config says about the GPU machine rather than the model: its unpacked dataset and
# cache under /tmp, its device. Packed runs leave with the defaults, so that evaluate / export /
# the fitting tools read the dataset from its usual place wherever the run is brought.
MACHINE_LOCAL = {"data_root": "", "cache_dir": "", "device": "auto"}


def portable(path: Path) -> bytes:
    """A packed file's bytes, a checkpoint's embedded config and config.json with MACHINE_LOCAL."""
    if path.suffix == ".pt":
        import torch
        blob = torch.load(path, map_location="cpu", weights_only=False)
        blob["config"] = {**blob["config"], **MACHINE_LOCAL}
        buf = io.BytesIO()
        torch.save(blob, buf)
        return buf.getvalue()
    if path.name == "config.json":
        return (json.dumps({**json.loads(path.read_text()), **MACHINE_LOCAL}, indent=2) + "\n").encode()
    return path.read_bytes()


def pack(out: Path, names: list[str]) -> None:
    for name in names:
        run = RUNS / name
        if not (run / "best.pt").exists():
            continue
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for f in PACKED:
                if (run / f).exists():
                    data = portable(run / f)
                    info = tarfile.TarInfo(f"{name}/{f}")
                    info.size, info.mtime = len(data), int((run / f).stat().st_mtime)
                    tar.addfile(info, io.BytesIO(data))
        tmp = out / f".{name}.tar.tmp"
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, out / f"{name}.tar")


def drive(a: argparse.Namespace, runs: dict[str, list[str]]) -> None:
    import torch

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    log(a.t0, f"torch {torch.__version__}, {torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'}")
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("sweep: this machine has no CUDA GPU (use --device cpu to try the sweep here)")
    unpack(Path(a.carry))
    torch.set_num_threads(os.cpu_count() or 2)
    from ..dataset_splits import load_splits
    from ..train import spec_for
    # The cache depends on the stages and the FPS starts only: build it once for each.
    by_geometry = {}
    for name, options in runs.items():
        cfg = config_for(name, options, a.device)
        by_geometry[(cfg.stages, cfg.fps_starts)] = name
    for name in by_geometry.values():
        cfg = config_for(name, runs[name], a.device)
        load_splits("modelnet40", spec_for(cfg, carried_backbone(Path(a.carry), cfg.backbone)), cfg.data_root, cfg.cache_dir,
                    log=None, fps_starts=cfg.fps_starts, workers=max(1, min(8, (os.cpu_count() or 2) // 2)))  # starts side by side
    log(a.t0, "data unpacked, geometry cache built")
    env = dict(os.environ, OMP_NUM_THREADS="2", PYTHONUNBUFFERED="1")
    # Each run's batches are prepared ahead in worker processes: the damage drawn per cloud on the
    # CPU, not the GPU, bound the step of the 2026-12-04 sweep (docs/training.md).
    workers = a.batch_workers if a.batch_workers >= 0 else max(0, min(3, ((os.cpu_count() or 2) - len(runs)) // len(runs)))
    log(a.t0, f"{len(runs)} runs, {workers} batch workers each")
    argv = [sys.executable, "-m", "any2point.tools.sweep", "--carry", a.carry, "--budget", str(a.budget), "--t0", str(a.t0),
            "--device", a.device, "--max-epochs", str(a.max_epochs), "--batch-workers", str(workers), "--resume-from", a.resume_from]
    procs = {name: subprocess.Popen([*argv, "--worker", name, "--options", json.dumps(options)], env=env,
                                    stdout=open(RUNS.parent / f"{name}.out", "w"), stderr=subprocess.STDOUT)
             for name, options in runs.items()}
    while any(p.poll() is None for p in procs.values()) and time.time() < a.t0 + a.budget + 60:
        time.sleep(20)
        pack(out, list(runs))
        log(a.t0, "epochs " + " ".join(f"{n}:{(RUNS / n / 'log.txt').read_text().count('done in') if (RUNS / n / 'log.txt').exists() else 0}" for n in runs))
    for p in procs.values():
        if p.poll() is None:
            p.kill()
    pack(out, list(runs))
    for name, p in procs.items():
        tail = (RUNS.parent / f"{name}.out").read_text().splitlines()[-2:]
        log(a.t0, f"{name} (exit {p.returncode}): " + " | ".join(tail))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="any2point.tools.sweep", description=__doc__.split("\n\n")[0])
    ap.add_argument("--carry", default=".gpu")
    ap.add_argument("--runs", help="JSON file: run name -> list of any2point.train options")
    ap.add_argument("--budget", type=float, default=505.0, help="seconds from the start by which training ends")
    ap.add_argument("--max-epochs", type=int, default=300)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batch-workers", type=int, default=-1,
                    help="processes preparing each run's next batches (default: the cores left over by the runs, at most 3)")
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/any2point-sweep/out"))
    ap.add_argument("--resume-from", default="",
                    help="an earlier call's $OUT (carried): a run with a <name>.tar there continues from its last.pt")
    ap.add_argument("--t0", type=float, default=time.time())
    ap.add_argument("--worker")
    ap.add_argument("--options")
    a = ap.parse_args(argv)
    if a.worker:
        worker(a, a.worker, json.loads(a.options))
        return
    if not a.runs:
        raise SystemExit("sweep: --runs <file.json> is required")
    runs = json.loads(Path(a.runs).read_text())
    if not isinstance(runs, dict) or not all(isinstance(v, list) for v in runs.values()):
        raise SystemExit(f"sweep: {a.runs} must map run names to lists of train options")
    drive(a, runs)


if __name__ == "__main__":
    main(sys.argv[1:])
