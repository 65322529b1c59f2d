"""Probe J: shape cues beside the network's features for the second look's trigger and choice.

The second look (docs/pose.md "H2") finds the true up of a sideways or upside-down file only when
its trigger fires, and the trigger (a logistic regression on the +z and +y passes' features and
confidences) fires for 31-60 % of them. Man-made shapes stand on a base: turned upright for the
right up, their points gather near the bottom plane, their centre of mass sits low, their
footprint is wide. These cues cost no network pass (they are the cloud's own coordinates), so
the trigger can read them for all six ups. Here, for every candidate up c, the cloud turned
upright for c gives UP_STATS numbers (up_stats); the trigger gets them for all six ups beside
its inputs, the choice gets each candidate's own beside its design; everything else as
tools/second_look (the same validation clouds, folds, held-out picker scores, penalty 1e-3, tau
rule, cross-validated figures).

    cd training && OMP_NUM_THREADS=1 PYTHONPATH=. python3 probes/geo_look.py [checkpoint]

Needs tools/second_look's six-up outputs (bench-results/novelty/, computed if missing).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from any2point import checkpoint as ckpt
from any2point import pose, upright
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import second_look as S
from any2point.tools.robustness import split_rows, stored_clouds, variant_clouds
from any2point.tools.upright import validation_held_out

SLABS = (0.02, 0.05, 0.1)
LAM = 1e-3


def up_stats(turned: np.ndarray) -> np.ndarray:
    """[S, N, 3] clouds standing on one candidate up -> [S, F] cues of "this is upright": the share
    of points within each SLABS fraction of the height of the bottom and of the top, the height
    of the centre of mass, the height's share of the variance, its skewness, and the horizontal
    spread of the bottom and top tenths against the whole's."""
    p = turned.astype(np.float64)
    z = p[..., 2]
    lo, hi = z.min(-1, keepdims=True), z.max(-1, keepdims=True)
    h = np.maximum(hi - lo, 1e-9)
    u = (z - lo) / h  # 0 at the bottom, 1 at the top
    cols = [(u < s).mean(-1) for s in SLABS] + [(u > 1 - s).mean(-1) for s in SLABS]
    cols.append(u.mean(-1))
    var = p.var(1)  # [S, 3]
    cols.append(var[:, 2] / np.maximum(var.sum(-1), 1e-12))
    d = z - z.mean(-1, keepdims=True)
    cols.append((d ** 3).mean(-1) / np.maximum(var[:, 2], 1e-12) ** 1.5)
    xy = p[..., :2] - p[..., :2].mean(1, keepdims=True)
    r2 = (xy ** 2).sum(-1)
    whole = np.maximum(r2.mean(-1), 1e-12)
    for part in (u < 0.1, u > 0.9):
        cols.append((r2 * part).sum(-1) / np.maximum(part.sum(-1), 1) / whole)
    return np.stack(cols, -1)


def six_stats(mid: str, variants, n_in: int) -> dict:
    """{variant: [6, S, F]} of the validation clouds (robustness's variants and seeds)."""
    data, rows = split_rows("val", DEFAULT_MODELNET, 0)
    raw = stored_clouds(DEFAULT_MODELNET, rows, "val")
    res = {}
    for v in variants:
        t0 = time.time()
        clouds = variant_clouds(v, raw, rows, n_in)
        res[v] = np.stack([up_stats(c) for c in pose.up_candidates(clouds, pose.UP_CANDIDATES)])
        print(f"  stats {v}: {time.time() - t0:.0f} s", flush=True)
    return res


def standardise(stats: dict) -> dict:
    every = np.concatenate([s.reshape(-1, s.shape[-1]) for s in stats.values()])
    mu, sd = every.mean(0), every.std(0) + 1e-9
    return {v: (s - mu) / sd for v, s in stats.items()}


def trigger_x(out, v, g, m, geo: bool) -> np.ndarray:
    x = upright.trigger_inputs(out[v]["features"][:, m], S.confidence(out, v)[:, m])
    if not geo:
        return x
    return np.concatenate([x[:, :-1], g[v][:, m].transpose(1, 0, 2).reshape(int(m.sum()), -1), x[:, -1:]], 1)


def choice_x(out, v, g, m, geo: bool) -> np.ndarray:
    x = upright.design(out[v]["features"][:, m], S.confidence(out, v)[:, m])  # [6, S, D + 1]
    if geo:
        x = np.concatenate([x, g[v][:, m]], -1)
    return x.transpose(1, 0, 2)  # [S, 6, P]


def held_out(out, variants, fold, g, geo: bool) -> tuple[dict, dict, float, float]:
    """Held-out trigger logits {v: [S]} and choice scores {v: [6, S]} and their held-out losses."""
    trig = {v: np.zeros(len(fold)) for v in variants}
    choice = {v: np.zeros((6, len(fold))) for v in variants}
    lt = lc = 0.0
    n = 0
    for k in range(int(fold.max()) + 1):
        tr, te = fold != k, fold == k
        x = np.concatenate([trigger_x(out, v, g, tr, geo) for v in variants])
        y = np.concatenate([np.full(int(tr.sum()), float(out[v]["trueUp"] in (0, 1))) for v in variants])
        pen = np.full(x.shape[1], LAM)
        pen[-1] = 0.0
        theta = upright.newton_logistic(x, y, pen, 25)
        xc = np.concatenate([choice_x(out, v, g, tr, geo) for v in variants])
        t = np.concatenate([np.full(int(tr.sum()), out[v]["trueUp"]) for v in variants])
        c = upright.fit_choice(xc, t, LAM)
        beta = np.append(c["weights"], c["confidenceWeight"])
        for v in variants:
            z = trigger_x(out, v, g, te, geo) @ theta
            yv = float(out[v]["trueUp"] in (0, 1))
            lt += float(np.sum(np.logaddexp(0, z) - yv * z))
            trig[v][te] = z
            s = choice_x(out, v, g, te, geo) @ beta  # [S, 6]
            lc -= float(np.sum(s[:, out[v]["trueUp"]] - np.logaddexp.reduce(s, axis=1)))
            choice[v][:, te] = s.T
            n += int(te.sum())
        print(f"  fold {k} ({'with' if geo else 'without'} shape cues)", flush=True)
    return trig, choice, lt / n, lc / n


def main(path: Path) -> None:
    mid, sha = path.parent.name, sha256_of(path)
    shipped = json.loads((path.parent / "upright.json").read_text())
    model, cfg, _ = ckpt.load_model(path)
    out = S.six_up_outputs(mid, model, cfg.heading, DEFAULT_MODELNET, sha, S.VARIANTS, log=None)
    labels, fold, pickers = validation_held_out(mid, model, cfg.heading, 0, DEFAULT_MODELNET, sha, shipped["lambda"], log=None)
    scores = S.held_out_scores(out, S.VARIANTS, fold, pickers)
    g = standardise(six_stats(mid, S.VARIANTS, model.spec.points))
    res = {}
    for geo in (False, True):
        trig, choice, lt, lc = held_out(out, S.VARIANTS, fold, g, geo)
        picks = {v: np.zeros(len(labels), np.int64) for v in S.VARIANTS}
        looked = {v: np.zeros(len(labels), bool) for v in S.VARIANTS}
        for k in range(int(fold.max()) + 1):
            tau = S.choose(out, S.VARIANTS, labels, scores, trig, choice, fold != k)
            te = fold == k
            for v in S.VARIANTS:
                picks[v][te] = upright.pick_with_second_look(scores[v][:, te], trig[v][te], choice[v][:, te], tau)
                looked[v][te] = upright.needs_second_look(trig[v][te], tau)
        res[geo] = {v: (S.figures(out, v, labels, picks[v]), 100 * looked[v].mean(),
                        S.figures(out, v, labels, choice[v].argmax(0))) for v in S.VARIANTS}
        print(f"held-out loss: trigger {lt:.4f}, choice {lc:.4f}", flush=True)
    print(f"{'cross-validated OA % (up found %; looked %; best of six up found %)':70s}")
    for v in S.VARIANTS:
        a, b = res[False][v], res[True][v]
        print(f"{v:10s} network only {a[0]['OA']:6.2f} ({a[0]['upFound']:5.1f}; {a[1]:5.1f}; {a[2]['upFound']:5.1f})   "
              f"with shape cues {b[0]['OA']:6.2f} ({b[0]['upFound']:5.1f}; {b[1]:5.1f}; {b[2]['upFound']:5.1f})")
    for name, group in (("nine", S.NINE), ("other ups", S.OTHER_UPS)):
        a = np.mean([res[False][v][0]["OA"] for v in group])
        b = np.mean([res[True][v][0]["OA"] for v in group])
        print(f"mean {name:9s} network only {a:6.2f}  with shape cues {b:6.2f}  ({b - a:+.2f})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "checkpoints/use-lite-modelnet40/best.pt"))
