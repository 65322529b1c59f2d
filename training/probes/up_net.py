"""Probe: a small network of its own that says which of the six axis-aligned ups is a cloud's up.

The app's Auto classifies +z and +y and lets the transformer's features pick (docs/pose.md E, H2):
files on their side or upside down are found only when a trigger says "neither looks upright",
which must stay quiet for the common z- and y-up files. A network made for the question alone
costs little enough to score all six turns of every cloud, so the two candidates the
transformer classifies could be the up-net's best two instead of +z and +y.

The up-net scores one turned cloud (PointNet: per-point x, y, z and the distance from the up
axis, three shared layers, the mean over the points, two layers to one number; trained on 256
random points of each cloud a step, read on all 1,024); the six turns of a cloud go through it
and a softmax over them is trained towards the turn that stands the cloud upright. Training
clouds: the training rows that are not validation rows, each epoch a fresh damage drawn from the
benchmark's own functions (perturb: clean, plane cut, single viewpoint, 256 / 512 points, jitter
1 / 2 %, outliers, anisotropic scale), the loaders' stray step, a heading (half of them a quarter
turn, so that a wrong turn lies flat on a face as an axis-aligned file on its side does; half
uniform), a random mirror, and each of the six turns a random spin about its new up; normalised
to 1,024 points as the app does. Validation: the benchmark's seeded variant clouds of the 985
validation rows (tools/robustness variant_clouds), scored on all six candidates; written to an
npz for the rules that combine it with the transformer (probes/up_net_rules.py).

    PYTHONPATH=training OMP_NUM_THREADS=2 /usr/bin/python3 training/probes/up_net.py \
        --out /work/upnet-run --epochs 12
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from any2point import geometry as geo
from any2point import perturb, pose, strays
from any2point.datasets import DEFAULT_MODELNET, load_modelnet40
from any2point.dataset_splits import validation_rows
from any2point.tools.robustness import stored_clouds, true_up, variant_clouds
from any2point.tools.second_look import VARIANTS  # the thirteen rows with a known up

DAMAGE = ("clean", "clean", "cut", "view", "points256", "points512", "jitter1", "jitter2", "outliers5", "scale")
TURNS = torch.from_numpy(np.stack([pose.up_rotation(a) for a in pose.UP_CANDIDATES]).astype(np.float32))  # [6, 3, 3]


class UpNet(nn.Module):
    """[B, N, 3] upright-candidate clouds -> [B] scores ("this turn stands the cloud upright").
    Per point x, y, z and the distance from the up axis through three shared layers, then the mean
    over the points (not the max: the mean does not depend on how many points there are, so a net
    trained on 256 of a cloud's points reads all 1,024 of it the same), then two layers."""

    def __init__(self, widths: tuple[int, ...] = (32, 64, 128)):
        super().__init__()
        layers, c = [], 4
        for w in widths:
            layers += [nn.Linear(c, w), nn.BatchNorm1d(w), nn.ReLU()]
            c = w
        self.points = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(c, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        r = torch.sqrt(x[..., 0] ** 2 + x[..., 1] ** 2)
        h = self.points(torch.cat([x, r[..., None]], -1).reshape(b * n, 4))
        return self.head(h.reshape(b, n, -1).mean(1))[:, 0]


def six_scores(net: UpNet, clouds: torch.Tensor, spin: bool = False) -> torch.Tensor:
    """[B, N, 3] clouds as given -> [B, 6] scores of their six candidate ups (UP_CANDIDATES order).
    spin (training): each turned cloud also turned by a random angle about its new up. Without it
    a net learns a shortcut: a candidate whose old up now lies along x or y exactly is a wrong one
    (the random heading of the damage is about the true up only), so it would call every
    axis-aligned upright file (most CAD files, ModelNet's own heading) not upright."""
    b, n, _ = clouds.shape
    turns = TURNS.expand(b, 6, 3, 3)
    if spin:
        angles = (torch.rand(b, 6) * (2 * math.pi)).flatten().tolist()
        about_z = torch.from_numpy(np.stack([perturb.rotation_z(t) for t in angles]).astype(np.float32))
        turns = about_z.reshape(b, 6, 3, 3) @ turns
    turned = torch.einsum("buij,bnj->buni", turns, clouds).reshape(b * 6, n, 3)
    return net(turned).reshape(b, 6)


def damaged_epoch(raw: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One fresh damaged, headed, mirrored, normalised copy of every upright training cloud."""
    out = np.empty((len(raw), 1024, 3), np.float32)
    for i, c in enumerate(raw):
        p = perturb.VARIANTS[DAMAGE[rng.integers(len(DAMAGE))]](c, rng)
        p = strays.without_strays(p)[0]
        # Half the clouds keep an axis-aligned heading (a quarter turn), as CAD files and ModelNet's
        # own clouds have: a shape of theirs turned on its side lies flat on a face, the hard case.
        quarter = rng.random() < 0.5
        p = perturb.rotate(p, perturb.rotation_z(rng.integers(4) * math.pi / 2 if quarter else rng.uniform(0, 2 * math.pi)))
        if rng.random() < 0.5:
            p = p * np.array([-1, 1, 1], np.float32)
        out[i] = geo.normalise(p, 1024)
    return out


def validation_clouds(root: Path, cache: Path) -> dict:
    if cache.exists():
        z = np.load(cache)
        return {k: z[k] for k in z.files}
    train = load_modelnet40("train", root)
    rows = validation_rows(train)
    raw = stored_clouds(root, rows, "val")
    res = {v: variant_clouds(v, raw, rows, 1024) for v in VARIANTS}
    res["labels"] = train.labels[rows]
    np.savez(cache, **res)
    return res


@torch.no_grad()
def evaluate(net: UpNet, val: dict) -> tuple[dict, dict]:
    net.eval()
    scores, summary = {}, {}
    for v in VARIANTS:
        s = torch.cat([six_scores(net, torch.from_numpy(val[v][a:a + 128])) for a in range(0, len(val[v]), 128)])
        s = s.numpy().T  # [6, S]
        t = pose.UP_CANDIDATES.index(true_up(v))
        order = np.argsort(-s, axis=0)
        summary[v] = {"top1": float((order[0] == t).mean() * 100), "top2": float((order[:2] == t).any(0).mean() * 100)}
        scores[v] = s
    net.train()
    return scores, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--train_points", type=int, default=256, help="points of each cloud a step reads (a fresh random subset)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--root", type=Path, default=DEFAULT_MODELNET)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    train = load_modelnet40("train", a.root)
    held = set(validation_rows(train).tolist())
    rows = np.array([r for r in range(len(train)) if r not in held])
    raw = stored_clouds(a.root, rows, "val")
    val = validation_clouds(a.root, a.out / "val-clouds.npz")
    net = UpNet()
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    steps = a.epochs * math.ceil(len(rows) / a.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, a.lr, total_steps=steps, pct_start=0.1)
    state = a.out / "state.pt"
    start, log = 0, []
    if state.exists():
        s = torch.load(state)
        net.load_state_dict(s["net"]), opt.load_state_dict(s["opt"]), sched.load_state_dict(s["sched"])
        start, log = s["epoch"], s["log"]
        rng = np.random.default_rng([a.seed, start])
    target = torch.zeros(a.batch, dtype=torch.long)
    for epoch in range(start, a.epochs):
        t0 = time.time()
        clouds = torch.from_numpy(damaged_epoch(raw, rng))
        perm = torch.from_numpy(rng.permutation(len(clouds)))
        total, right = 0.0, 0
        for k in range(0, len(perm), a.batch):
            x = clouds[perm[k:k + a.batch]][:, torch.from_numpy(rng.choice(1024, a.train_points, replace=False))]
            s = six_scores(net, x, spin=True)
            loss = nn.functional.cross_entropy(s, target[:len(x)])
            opt.zero_grad(), loss.backward(), opt.step(), sched.step()
            total += float(loss) * len(x)
            right += int((s.argmax(1) == 0).sum())
        scores, summary = evaluate(net, val)
        log.append({"epoch": epoch + 1, "loss": total / len(perm), "trainTop1": right / len(perm) * 100,
                    "seconds": time.time() - t0, "val": summary})
        print(json.dumps(log[-1]), flush=True)
        rng = np.random.default_rng([a.seed, epoch + 1])
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "log": log}, state)
        np.savez(a.out / "val-scores.npz", labels=val["labels"], **scores)


if __name__ == "__main__":
    main()
