"""The configuration: the model's settings (ModelConfig) and a training run's (TrainConfig, which
takes its model fields' defaults from ModelConfig), command-line overrides parsed against the
field types, unknown keys rejected, renamed keys of older checkpoints mapped to their new names."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, get_type_hints


# Old name -> new name. Checkpoints and config.json files written before a rename still load, and
# the old command-line option still works (e.g. the sweeps' JSON files of 2026-11).
RENAMED_KEYS = {"fps_variants": "fps_starts"}

# Keys that only decide how long a run goes, how it logs and what it runs on: --resume may change
# them (the model, the data and the optimisation stay those the run started with).
RESUMABLE_KEYS = frozenset({"epochs", "max_steps", "checkpoint_minutes", "log_every", "threads", "device", "precision", "batch_workers"})
PRECISIONS = ("fp32", "bf16")
ROTATIONS = ("none", "z90", "z")
HEADINGS = ("none", "canonical")  # what pose.apply_heading does
# Training damage (batches.damage_batch): option -> what a cloud that draws it gets. Each cloud
# draws at most one, with these options' values as the probabilities (their sum at most 1).
DAMAGES = ("aug_cut", "aug_view", "aug_points", "aug_noise", "aug_outliers")


@dataclass(frozen=True)
class ModelConfig:
    """Model settings that are not the backbone's own; the defaults of every run (TrainConfig)."""

    points: int = 1024
    stages: tuple[tuple[int, int], ...] = ((256, 24), (64, 16))  # (centres, k) per tokenizer stage; last = T tokens
    stage_widths: tuple[int, ...] = (48,)  # tokenizer widths before the last stage (last = width_in)
    cell: int = 0  # cell size in position-grid units; 0 = about 8 segments (1D) / 4 x 4 cells (2D)
    voxels: int = 4
    adapter_bottleneck: int = 16
    head_hidden: int = 256
    dropout: float = 0.5


@dataclass
class TrainConfig:
    # model: the backbone + ModelConfig's fields (but the point count), defaults from there
    backbone: str = "use-lite"
    stages: tuple = ModelConfig.stages
    stage_widths: tuple = ModelConfig.stage_widths
    cell: int = ModelConfig.cell
    voxels: int = ModelConfig.voxels
    adapter_bottleneck: int = ModelConfig.adapter_bottleneck
    head_hidden: int = ModelConfig.head_hidden
    dropout: float = ModelConfig.dropout
    # data
    dataset: str = "modelnet40"  # or a folder of class sub-folders of .ply / .obj / .off / .glb / .3mf ... (meshio.EXTENSIONS), or an HDF5 data set (h5sets.py)
    data_root: str = ""  # default: ../shared/datasets/modelnet40
    val_fraction: float = 0.1
    cache_dir: str = ""  # default: <repo>/.cache/geometry
    limit_train: int = 0  # use only this many training clouds (tests); 0 = all
    limit_val: int = 0
    augment: bool = True
    rotate: str = "none"  # augmentation: also rotate about z (up): "none", "z90" (multiples of 90 degrees), "z"
    fps_starts: int = 1  # augmentation: training geometry cached for this many FPS starts; each batch draws one per cloud
    jitter: float = 0.0  # augmentation: per-point Gaussian noise of this sigma (clipped at 5 sigma)
    heading: str = "none"  # pose: "canonical" turns every cloud about z into its canonical heading (pose.py), in training and inference
    # augmentation, training damage (docs/pose.md): the probability that a cloud gets ... (at most one each)
    aug_cut: float = 0.0  # ... a plane cut through its centroid (perturb.plane_cut)
    aug_view: float = 0.0  # ... only the points seen from one viewpoint (perturb.single_view)
    aug_points: float = 0.0  # ... a count of points uniform in [aug_min_points, N) (perturb.density)
    aug_min_points: int = 256
    aug_noise: float = 0.0  # ... Gaussian noise of sigma uniform in [0, aug_noise_max] x its bbox diagonal
    aug_noise_max: float = 0.02
    aug_outliers: float = 0.0  # ... a fraction uniform in [0, aug_outliers_max] of its points moved uniformly into its bbox
    aug_outliers_max: float = 0.05
    # optimisation
    epochs: int = 60
    batch_size: int = 32
    lr: float = 2e-3
    min_lr: float = 1e-5
    weight_decay: float = 0.05
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.2
    grad_clip: float = 1.0
    seed: int = 0
    init: str = ""  # start from this checkpoint's trained tensors (fine-tuning; fresh optimiser and schedule)
    # run
    run_dir: str = ""  # default: /work/runs/<backbone>-<dataset>-<time>
    max_steps: int = 0  # stop after this many optimiser steps (tests); 0 = no limit
    log_every: int = 20
    checkpoint_minutes: float = 10.0  # also checkpoint inside an epoch this often
    threads: int = 0  # torch threads; 0 = $OMP_NUM_THREADS or 2
    batch_workers: int = 0  # processes preparing the next batches (augmentation, damage) while a step trains; 0 = none (docs/training.md)
    device: str = "auto"  # "auto" (cuda when there is one), "cpu", "cuda", "cuda:1", ...
    precision: str = "fp32"  # training matmuls: "fp32" or "bf16" (autocast; weights and evaluation stay fp32)

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"config precision: {self.precision!r} is not one of {', '.join(PRECISIONS)}")
        if self.rotate not in ROTATIONS:
            raise ValueError(f"config rotate: {self.rotate!r} is not one of {', '.join(ROTATIONS)}")
        if self.fps_starts < 1:
            raise ValueError(f"config fps_starts: {self.fps_starts} must be at least 1")
        if self.batch_workers < 0:
            raise ValueError(f"config batch_workers: {self.batch_workers} must be 0 or more")
        if not self.jitter >= 0.0:
            raise ValueError(f"config jitter: {self.jitter} must be a number >= 0")
        if self.heading not in HEADINGS:
            raise ValueError(f"config heading: {self.heading!r} is not one of {', '.join(HEADINGS)}")
        for key in DAMAGES:
            if not 0.0 <= getattr(self, key) <= 1.0:
                raise ValueError(f"config {key}: {getattr(self, key)} must be a probability in [0, 1]")
        if sum(self.damage_probabilities()) > 1.0 + 1e-9:
            raise ValueError(f"config {', '.join(DAMAGES)}: their sum {sum(self.damage_probabilities()):g} must be at most 1 "
                             "(each cloud gets at most one)")
        if not 1 <= self.aug_min_points:
            raise ValueError(f"config aug_min_points: {self.aug_min_points} must be at least 1")
        if not (0.0 <= self.aug_noise_max and 0.0 <= self.aug_outliers_max <= 1.0):
            raise ValueError(f"config aug_noise_max / aug_outliers_max: {self.aug_noise_max} / {self.aug_outliers_max} "
                             "must be >= 0 (and a fraction <= 1 for outliers)")

    def damage_probabilities(self) -> tuple[float, ...]:
        """The probabilities of DAMAGES, in that order."""
        return tuple(float(getattr(self, key)) for key in DAMAGES)

    def model_kwargs(self) -> dict[str, Any]:
        return dict(stages=tuple(tuple(s) for s in self.stages), stage_widths=tuple(self.stage_widths),
                    cell=self.cell, voxels=self.voxels, adapter_bottleneck=self.adapter_bottleneck,
                    head_hidden=self.head_hidden, dropout=self.dropout)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        d = {RENAMED_KEYS.get(k, k): v for k, v in d.items()}
        unknown = set(d) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown config keys {sorted(unknown)}")
        return cls(**{k: _coerce(k, v, cls) for k, v in d.items()})


def _coerce(key: str, value: Any, cls=TrainConfig) -> Any:
    """A value (from JSON or a command-line string) as the field's type, or a clear error."""
    want = get_type_hints(cls)[key]
    try:
        if want is bool:
            if isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0"):
                    raise ValueError
                return value.lower() in ("true", "1")
            return bool(value)
        if want is tuple:
            if isinstance(value, str):
                value = _parse_tuple(value)
            return tuple(tuple(v) if isinstance(v, (list, tuple)) else v for v in value)
        if want is int and isinstance(value, float) and not value.is_integer():
            raise ValueError
        return want(value)
    except (TypeError, ValueError):
        raise ValueError(f"config {key}: {value!r} is not a valid {want.__name__}") from None


def _parse_tuple(s: str) -> tuple:
    """'512:16,64:16' -> ((512, 16), (64, 16)); '32' or '32,64' -> (32,) / (32, 64); JSON also works."""
    s = s.strip()
    if s.startswith("["):
        return tuple(json.loads(s))
    parts = [p for p in s.split(",") if p]
    if any(":" in p for p in parts):
        return tuple(tuple(int(x) for x in p.split(":")) for p in parts)
    return tuple(int(p) for p in parts)


def parse_overrides(args: list[str], base: TrainConfig) -> TrainConfig:
    """`--key value` / `--key=value` pairs over `base`; unknown keys are an error."""
    d = base.to_dict()
    names = set(d)
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("--"):
            raise ValueError(f"expected --key value, got {a!r}")
        if "=" in a:
            key, value = a[2:].split("=", 1)
            i += 1
        else:
            if i + 1 >= len(args):
                raise ValueError(f"{a} needs a value")
            key, value = a[2:], args[i + 1]
            i += 2
        key = key.replace("-", "_")
        key = RENAMED_KEYS.get(key, key)  # the old name still works
        if key not in names:
            raise ValueError(f"unknown option --{key}; known: {', '.join(sorted(names))}")
        d[key] = _coerce(key, value)
    return TrainConfig(**d)
