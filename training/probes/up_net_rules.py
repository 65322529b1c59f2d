"""Probe: the up-net's best two ups as Auto's two candidates, against the app's rule today.

Reads the up-net's validation scores (probes/up_net.py's val-scores.npz: [6, S] per variant, the
same seeded variant clouds) and the default model's cached six-up outputs (tools/second_look),
and computes per benchmark row, on the 985 validation clouds, everything held out as in
probes/soft_up.py (picker, trigger, choice, tau: fits on the other four folds):

- today: Auto over +z / +y, the second look, the mixture answer (soft_up.py's "mixed" column);
- upnet1: the up-net's best up alone (one pass instead of two);
- upnet2 (bias b): the two ups with the highest up-net score + b for +z and +y (the ups files
  usually have), classified both; the answer is the mixture of the two weighted by
  sigmoid(d), d the difference of the picker's scores plus alpha times the difference of the
  up-net's, (1, alpha) scaled by one factor: both fitted per fold (pairs whose true up is one of
  the two, log-loss).

    cd training && OMP_NUM_THREADS=1 PYTHONPATH=. python3 probes/up_net_rules.py /work/upnet-run/val-scores.npz \
        [--today-from an earlier rules.json: its "today" column instead of the second look's held-out fits, 40 min]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import soft_up

from any2point import decide, upright
from any2point.tools import second_look as S

BIASES = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0)


def top2(u: np.ndarray, bias: float) -> np.ndarray:
    """[6, S] scores -> [2, S] the two best ups (+z, +y raised by bias)."""
    b = u + bias * np.array([1, 1, 0, 0, 0, 0])[:, None]
    return np.argsort(-b, axis=0, kind="stable")[:2]


def pair_inputs(picker: np.ndarray, u: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """[S, 2]: (picker, up-net) score of candidate 0 minus candidate 1."""
    s = np.arange(cand.shape[1])
    return np.stack([picker[cand[0], s] - picker[cand[1], s], u[cand[0], s] - u[cand[1], s]], 1)


def fit_pair(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression without an intercept on [n, 2] inputs, labels 1 = candidate 0 true."""
    return upright.newton_logistic(x, y, np.full(2, 1e-3), 30)


def main(npz: Path, path: Path, today_from: Path | None) -> None:
    z = np.load(npz)
    out, labels, fold, held_out_scores = soft_up.six_up_validation(path)
    if not np.array_equal(labels, z["labels"]):
        raise SystemExit("the up-net's scores are not of the same validation clouds")
    cache = npz.parent / "picker-held-out.npz"  # the pickers' fits take 15-25 minutes on this CPU
    if cache.exists():
        scores = dict(np.load(cache))
    else:
        scores = held_out_scores()
        np.savez(cache, **scores)
    if today_from is None:  # the second look's held-out fits: about 40 minutes on two loaded threads
        trigger, _, _ = S.held_out(out, S.VARIANTS, fold, "trigger", log=None)
        choice, _, _ = S.held_out(out, S.VARIANTS, fold, "choice", log=None)
        taus = [S.choose(out, S.VARIANTS, labels, scores, trigger, choice, fold != k) for k in range(int(fold.max()) + 1)]
        tau = np.array([taus[k] for k in fold])
    else:
        earlier = json.loads(today_from.read_text())
    s = np.arange(len(labels))
    P = {v: decide.softmax(out[v]["logits"]) for v in S.VARIANTS}
    rows: dict = {}
    for v in S.VARIANTS:
        if today_from is None:
            look = upright.needs_second_look(trigger[v], tau)
            today = 100 * float((soft_up.mixture(P[v], scores[v][:2], choice[v], look).argmax(-1) == labels).mean())
        else:
            today = earlier[v]["today"]
        u = z[v]
        one = P[v][u.argmax(0), s].argmax(-1)
        true = out[v]["trueUp"]
        rows[v] = {"today": today, "upnet1": 100 * float((one == labels).mean()),
                   "upnet top1": 100 * float((u.argmax(0) == true).mean()),
                   "true up": 100 * float((P[v][true].argmax(-1) == labels).mean())}
    for b in BIASES:
        cand = {v: top2(z[v], b) for v in S.VARIANTS}
        x = {v: pair_inputs(scores[v], z[v], cand[v]) for v in S.VARIANTS}
        hit = {v: (cand[v] == out[v]["trueUp"]).any(0) for v in S.VARIANTS}
        y = {v: (cand[v][0] == out[v]["trueUp"]).astype(float) for v in S.VARIANTS}
        theta = np.zeros((len(labels), 2))
        for k in range(int(fold.max()) + 1):
            m = fold != k
            xs = np.concatenate([x[v][m & hit[v]] for v in S.VARIANTS])
            ys = np.concatenate([y[v][m & hit[v]] for v in S.VARIANTS])
            theta[fold == k] = fit_pair(xs, ys)
        for v in S.VARIANTS:
            p = 1.0 / (1.0 + np.exp(-(x[v] * theta).sum(1)))
            q = p[:, None] * P[v][cand[v][0], s] + (1 - p)[:, None] * P[v][cand[v][1], s]
            rows[v][f"b{b}"] = 100 * float((q.argmax(-1) == labels).mean())
            rows[v][f"b{b} cover"] = 100 * float(hit[v].mean())
        print(f"bias {b}: alpha/scale per fold", np.unique(theta, axis=0).round(3).tolist())
    keys = list(rows[S.VARIANTS[0]])
    print(f"{'row':10s} " + " ".join(f"{k:>11s}" for k in keys))
    for v in S.VARIANTS:
        print(f"{v:10s} " + " ".join(f"{rows[v][k]:11.2f}" for k in keys))
    for name, group in (("nine", S.NINE), ("other ups", S.OTHER_UPS)):
        print(f"{'mean ' + name:10s} " + " ".join(f"{np.mean([rows[v][k] for v in group]):11.2f}" for k in keys))
    (npz.parent / "rules.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scores", type=Path, help="up_net.py's val-scores.npz")
    ap.add_argument("--checkpoint", type=Path, default=Path("checkpoints/use-lite-modelnet40/best.pt"))
    ap.add_argument("--today-from", type=Path, help="an earlier run's rules.json: its 'today' column, not recomputed")
    a = ap.parse_args()
    main(a.scores, a.checkpoint, a.today_from)
