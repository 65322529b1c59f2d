"""Train an Any2Point model.

    PYTHONPATH=training /usr/bin/python3 -m any2point.train --backbone use-lite --epochs 60
    PYTHONPATH=training /usr/bin/python3 -m any2point.train --resume /work/runs/<run>

Every default is in config.TrainConfig. The run directory gets log.txt, last.pt (every epoch and
every `checkpoint_minutes`), best.pt (best validation accuracy) and config.json. Checkpoints hold
only trained tensors, the optimiser, RNG states and the step, so --resume continues exactly.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch

from . import checkpoint as ckpt
from .batches import Damage, Draft, draft_batch, drafts, finish_batch
from .datasets import CloudSet
from .pose import apply_heading
from .dataset_splits import load_splits
from .config import RESUMABLE_KEYS, ModelConfig, TrainConfig, parse_overrides
from .metrics import predict
from .model import count_parameters

RUNS = Path("/work/runs")


def lr_at(step: int, steps_per_epoch: int, cfg: TrainConfig) -> float:
    """Linear warmup, then cosine from lr down to min_lr over the remaining steps."""
    total = cfg.epochs * steps_per_epoch
    warm = max(1, int(cfg.warmup_epochs * steps_per_epoch))
    if step < warm:
        return cfg.lr * (step + 1) / warm
    t = min(1.0, (step - warm) / max(1, total - warm))
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * t))


def batch_generator(cfg: TrainConfig, epoch: int, step: int) -> torch.Generator:
    """Augmentation randomness of one batch, a function of (seed, epoch, step) only, so that a
    run resumed in the middle of an epoch sees the same batches it would have seen."""
    return torch.Generator().manual_seed(cfg.seed * 1_000_003 + epoch * 10_007 + step)


def epoch_order(cfg: TrainConfig, epoch: int, rows: np.ndarray) -> np.ndarray:
    g = torch.Generator().manual_seed(cfg.seed * 1_000_003 + epoch)
    return rows[torch.randperm(len(rows), generator=g).numpy()]


def resolve_device(name: str) -> torch.device:
    """"auto" is the first GPU when torch sees one, else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r}: this torch sees no CUDA GPU (use --device cpu)")
    return device


def autocast(precision: str, device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 autocast for the forward pass (matmuls in bf16, fp32 weights and optimiser), or nothing.
    On a CPU with AVX512-BF16 it is about 2.5 times faster than fp32 for USE-Lite (docs/training.md)."""
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def cpu_has_native_bf16(cpuinfo: str = "/proc/cpuinfo") -> Optional[bool]:
    """Whether the CPU flags list a bf16 matrix instruction set (None where they cannot be read)."""
    try:
        flags = set(Path(cpuinfo).read_text().split())
    except OSError:
        return None
    return bool(flags & {"avx512_bf16", "amx_bf16"})


class Log:
    def __init__(self, path: Optional[Path]):
        self.f = open(path, "a") if path else None

    def __call__(self, msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        if self.f:
            self.f.write(line + "\n")
            self.f.flush()


def train(cfg: TrainConfig, resume: Optional[dict] = None, log: Optional[Callable[[str], None]] = None,
          backbone_root: Optional[str] = None) -> dict:
    """Run (or continue) training; returns the final progress record. `backbone_root`: where the
    frozen backbone is read from (backbones.registry.load_backbone; default its usual source)."""
    if cfg.init and resume is None and not Path(cfg.init).is_file():
        raise ValueError(f"--init {cfg.init}: no such checkpoint file")  # before the run dir or any data work
    torch.set_num_threads(cfg.threads or int(os.environ.get("OMP_NUM_THREADS", "2")))
    run = Path(cfg.run_dir)
    run.mkdir(parents=True, exist_ok=True)
    log = log or Log(run / "log.txt")
    (run / "config.json").write_text(json.dumps(cfg.to_dict(), indent=2) + "\n")

    torch.manual_seed(cfg.seed)
    splits = load_splits(cfg.dataset, spec_for(cfg, backbone_root), cfg.data_root, cfg.cache_dir, cfg.val_fraction, log=log,
                         fps_starts=cfg.fps_starts)
    classes = splits.train.classes
    device = resolve_device(cfg.device)
    model = ckpt.build_model(cfg, len(classes), backbone_root).to(device)
    train_rows = splits.train_rows[: cfg.limit_train] if cfg.limit_train else splits.train_rows
    val_rows = splits.val_rows[: cfg.limit_val] if cfg.limit_val else splits.val_rows

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    progress = {"epoch": 0, "step_in_epoch": 0, "global_step": 0, "best_val": -1.0, "best_epoch": -1,
                "history": [], "train_seconds": 0.0}
    if cfg.init and resume is None:
        fresh = ckpt.init_from(model, cfg, Path(cfg.init))
        log(f"initialised from {cfg.init}" + (f"; fresh: {', '.join(fresh)}" if fresh else ""))
    elif resume is not None:
        ckpt.load_into(model, resume["model"])
        opt.load_state_dict(resume["optimizer"])
        progress.update(resume["progress"])
        torch.set_rng_state(resume["rng"]["torch"])
        log(f"resumed at epoch {progress['epoch']} step {progress['step_in_epoch']} (global {progress['global_step']})")
    # Validation sees what the app gives the network: with a canonical heading, the clouds turned
    # into it (a rotation, so the cached FPS / k-NN stay theirs).
    val_set = splits.train
    if cfg.heading != "none":
        turned = splits.train.points.copy()
        turned[val_rows] = apply_heading(turned[val_rows], cfg.heading)
        val_set = CloudSet(turned, splits.train.labels, splits.train.ids, splits.train.classes)
    damage = Damage.of(cfg)
    geometry_device = device if device.type == "cuda" else None  # damaged clouds' fresh FPS / k-NN
    trainable, total = count_parameters(model)
    steps_per_epoch = len(train_rows) // cfg.batch_size
    if steps_per_epoch == 0:
        raise ValueError(f"batch_size {cfg.batch_size} is larger than the {len(train_rows)} training clouds")
    log(f"{cfg.backbone} on {cfg.dataset}: {len(train_rows)} train / {len(val_rows)} val / {len(splits.test)} test clouds, "
        f"{steps_per_epoch} steps per epoch, trainable {trainable:,} / total {total:,} parameters, "
        f"tokens {model.spec.tokens}, {device} {cfg.precision}, run dir {run}")
    if cfg.precision == "bf16" and device.type == "cpu" and cpu_has_native_bf16() is False:
        log("warning: this CPU has no avx512_bf16 / amx_bf16, so bf16 is emulated and far slower than fp32; "
            "resume with --precision fp32 (docs/training.md)")

    model.train()
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    last_save = time.time()
    while progress["epoch"] < cfg.epochs:
        epoch = progress["epoch"]
        order = epoch_order(cfg, epoch, train_rows)
        t_epoch, seen = time.time(), 0
        # Summed on the device and read only when logged: a read every step would make the CPU wait
        # for the GPU instead of preparing the next batch while the GPU works.
        correct_sum = torch.zeros((), dtype=torch.long, device=device)
        loss_sum = torch.zeros((), dtype=torch.float64, device=device)
        def draft(step: int, epoch: int = epoch, order: np.ndarray = order) -> Draft:
            rows = order[step * cfg.batch_size:(step + 1) * cfg.batch_size]
            gen = batch_generator(cfg, epoch, step) if cfg.augment else None
            return draft_batch(splits.train, splits.train_idx, rows, model.spec, gen, cfg.rotate, cfg.jitter,
                               heading=cfg.heading, damage=damage)

        steps = range(progress["step_in_epoch"], steps_per_epoch)
        made = drafts(draft, steps, cfg.batch_workers)  # ahead, in worker processes, when batch_workers > 0
        for step in steps:
            t0 = time.time()
            batch = finish_batch(next(made), model.spec, geometry_device)
            for g in opt.param_groups:
                g["lr"] = lr_at(progress["global_step"], steps_per_epoch, cfg)
            labels = batch.labels.to(device)
            with autocast(cfg.precision, device):
                logits = model(*(t.to(device) for t in batch.inputs()))[0]
            loss = loss_fn(logits.float(), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
            opt.step()
            progress["global_step"] += 1
            progress["step_in_epoch"] = step + 1
            progress["train_seconds"] += time.time() - t0
            seen += len(labels)
            correct_sum += (logits.argmax(-1) == labels).sum()
            loss_sum += loss.detach().double() * len(labels)
            if (step + 1) % cfg.log_every == 0 or step + 1 == steps_per_epoch:
                el = time.time() - t_epoch
                log(f"epoch {epoch + 1}/{cfg.epochs} step {step + 1}/{steps_per_epoch} loss {float(loss_sum) / seen:.4f} "
                    f"train acc {int(correct_sum) / seen:.4f} lr {opt.param_groups[0]['lr']:.2e} {seen / el:.1f} clouds/s "
                    f"({el / seen * cfg.batch_size:.2f}s/step)")
            if cfg.max_steps and progress["global_step"] >= cfg.max_steps:
                break
            if time.time() - last_save > cfg.checkpoint_minutes * 60:
                ckpt.save(run / "last.pt", model, cfg, classes, opt, progress)
                last_save = time.time()
        if cfg.max_steps and progress["global_step"] >= cfg.max_steps and progress["step_in_epoch"] < steps_per_epoch:
            ckpt.save(run / "last.pt", model, cfg, classes, opt, progress)
            break
        t_val = time.time()
        val_pred = predict(model, val_set, splits.train_idx, val_rows, cfg.batch_size)
        val_acc = float((val_pred == splits.train.labels[val_rows]).mean()) if len(val_rows) else float("nan")
        record = {"epoch": epoch + 1, "train_loss": float(loss_sum) / max(seen, 1), "train_acc": int(correct_sum) / max(seen, 1),
                  "val_acc": val_acc, "epoch_seconds": time.time() - t_epoch, "val_seconds": time.time() - t_val}
        progress["history"].append(record)
        progress["epoch"], progress["step_in_epoch"] = epoch + 1, 0
        # Without a validation part (--val_fraction 0) the latest epoch is the one kept as best.pt.
        best = val_acc > progress["best_val"] if len(val_rows) else True
        if best:
            progress["best_val"], progress["best_epoch"] = val_acc, epoch + 1
            ckpt.save(run / "best.pt", model, cfg, classes, None, progress)
        ckpt.save(run / "last.pt", model, cfg, classes, opt, progress)
        last_save = time.time()
        log(f"epoch {epoch + 1} done in {record['epoch_seconds']:.0f}s: val acc {val_acc:.4f}"
            f"{' (best)' if best else ''}; best {progress['best_val']:.4f} at epoch {progress['best_epoch']}")
        if cfg.max_steps and progress["global_step"] >= cfg.max_steps:
            break
    return progress


def spec_for(cfg: TrainConfig, backbone_root: Optional[str] = None):
    """The geometry spec the model will use (needs only the backbone's grid)."""
    from . import geometry as geo
    from .backbones.registry import load_backbone
    from .model import default_cell

    grid = load_backbone(cfg.backbone, backbone_root).grid()
    return geo.make_spec(grid, ModelConfig.points, cfg.stages, cfg.cell or default_cell(grid), cfg.voxels)


def main(argv: list[str]) -> None:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n\noptions (--key value; defaults of config.TrainConfig):")
        for key, value in TrainConfig().to_dict().items():
            print(f"  --{key} {value!r}")
        return
    if argv and argv[0] == "--resume":
        if len(argv) < 2:
            raise SystemExit("--resume needs a run directory")
        run = Path(argv[1])
        blob = torch.load(run / "last.pt", map_location="cpu")
        cfg = TrainConfig.from_dict(blob["config"])
        # Only the length of the run may change on resume (e.g. to train longer).
        extra = parse_overrides(argv[2:], cfg)
        changed = {k for k, v in extra.to_dict().items() if v != cfg.to_dict()[k]} - RESUMABLE_KEYS
        if changed:
            raise SystemExit(f"--resume: cannot change {sorted(changed)} of a run")
        cfg = extra
        cfg.run_dir = str(run)
        train(cfg, resume=blob)
        return
    cfg = parse_overrides(argv, TrainConfig())
    if not cfg.run_dir:
        cfg.run_dir = str(RUNS / f"{cfg.backbone}-{Path(cfg.dataset).name}-{time.strftime('%Y%m%d-%H%M%S')}")
    train(cfg)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ValueError as e:
        raise SystemExit(f"train: {e}")
