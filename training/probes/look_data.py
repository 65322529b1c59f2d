"""Probe: does the second look (docs/pose.md "H2") gain from more clouds in its fits?

The second look's trigger (2 x 1,025 + 1 weights) and choice (1,025) are fitted on the 985
validation clouds in the benchmark's thirteen rows with a known up. Its trigger fires for only
31-60 % of the sideways and upside-down clouds. Is that a shortage of fitting clouds? The whole
procedure of tools/second_look's cross-validated column (the picker's held-out scores, the
trigger and the choice fitted on four folds, tau chosen on four folds and applied to the fifth)
with the trigger and the choice fitted on:
  all: the other folds' validation clouds in the thirteen rows at penalty `--lambda` (the tool's
     own figures until RULE-look-penalty, session 52);
  half: a seeded half of them (the learning curve);
  +train: all of them and `--train-per-class` training clouds of every class (validation rows
     left out; the same variants and seeds), which the network was trained on (also in the
     trigger's fit only, or in the choice's only: `--settings`);
  +turned: the validation clouds in more rows (`--turned`, e.g. a random heading laid on its side,
     "heading+x": how sideways files really come), the trigger and the choice fitted and tau chosen
     on the thirteen rows and those (RULE-look-turned.md);
  ... (penalty chosen): "all" or "+turned" with each part's penalty chosen from `--lambdas` by its
     held-out loss on the rows it is fitted on, as tools/second_look chooses it (RULE-look-penalty.md).
tau is always chosen on validation clouds only. Reported: each row's cross-validated OA, the
means over the app's nine rows and over the other four ups.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/look_data.py [--train-per-class 25]

Outputs cached with tools/novelty's (bench-results/novelty/<id>-val-six-<v>.npz, and
<id>-trainfit-six-<n>-<v>.npz).
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from any2point import checkpoint as ckpt
from any2point import pose, upright
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET, REPO, load_modelnet40
from any2point.tools import second_look as S
from any2point.tools.novelty import cached, outputs, reference_rows
from any2point.tools.robustness import stored_clouds, true_up, variant_clouds
from any2point.tools.upright import validation_held_out

DEFAULT = REPO / "training/checkpoints/use-lite-modelnet40/best.pt"


def train_six_outputs(mid, model, heading, root, sha, per_class, log=print) -> dict:
    """S.six_up_outputs of `per_class` training clouds of every class (validation rows left out)."""
    data = load_modelnet40("train", root)
    rows = reference_rows(data, per_class, seed=1)
    raw = stored_clouds(root, rows, "val")
    res: dict = {"labels": data.labels[rows]}
    for v in S.VARIANTS:
        res[v] = cached(mid, f"trainfit-six-{per_class}-{v}", sha, lambda: outputs(
            model, variant_clouds(v, raw, rows, model.spec.points), heading, pose.UP_CANDIDATES), log)
        res[v]["trueUp"] = pose.UP_CANDIDATES.index(true_up(v))
    return res


def joined(val: dict, extra: dict) -> dict:
    """The validation outputs with `extra`'s clouds appended (after them) in every variant."""
    out = {"labels": np.concatenate([val["labels"], extra["labels"]])}
    for v in S.VARIANTS:
        out[v] = {k: np.concatenate([val[v][k], extra[v][k]], 1) for k in ("logits", "features")}
        out[v]["trueUp"] = val[v]["trueUp"]
    return out


def held_out(fit_out: dict, val: dict, fold: np.ndarray, keep: np.ndarray, part: str, lam: float,
             fit_rows=S.VARIANTS, rows=S.VARIANTS) -> dict:
    """{row: held-out trigger [S] / choice [6, S] values of the validation clouds in `rows`}; each
    fold's fit on the rows fit_rows of the clouds of fit_out selected by keep (its first len(fold)
    are the validation clouds) minus that fold."""
    n = len(fold)
    vals = {v: np.zeros(n) if part == "trigger" else np.zeros((6, n)) for v in rows}
    for k in range(int(fold.max()) + 1):
        m = keep.copy()
        m[:n] &= fold != k
        look = {part: (S.fit_trigger if part == "trigger" else S.fit_choice)(fit_out, fit_rows, m, lam)}
        te = fold == k
        for v in rows:
            f, c = val[v]["features"][:, te], S.confidence(val, v)[:, te]
            if part == "trigger":
                vals[v][te] = upright.look_trigger(f, c, look)
            else:
                vals[v][:, te] = upright.look_choice(f, c, look)
    return vals


def chosen_penalty(val: dict, fold: np.ndarray, part: str, lambdas, fit_rows, rows, log=print) -> dict:
    """held_out's values of `rows` with the penalty of `lambdas` whose fits on fit_rows have the
    lowest held-out loss on fit_rows (S.held_out's choice, read on more rows)."""
    best, best_loss = None, np.inf
    for lam in lambdas:
        vals = held_out(val, val, fold, np.ones(len(fold), bool), part, lam, fit_rows, rows)
        loss = sum(S.loss_sum(val, v, part, vals[v]) for v in fit_rows) / (len(fold) * len(fit_rows))
        log(f"  {part}, penalty {lam:g}: held-out loss {loss:.4f}", flush=True)
        if loss < best_loss - 1e-12:
            best, best_loss = vals, loss
    return best


def cross_validated(val: dict, labels: np.ndarray, fold: np.ndarray, scores: dict, trigger: dict, choice: dict,
                    tau_rows=S.VARIANTS, rows=S.VARIANTS) -> dict:
    """{row: OA %} of the whole procedure on `rows`, tau chosen on four folds of tau_rows and
    applied to the fifth."""
    picks = {v: np.zeros(len(labels), np.int64) for v in rows}
    for k in range(int(fold.max()) + 1):
        t = S.choose(val, tau_rows, labels, scores, trigger, choice, fold != k)
        te = fold == k
        for v in rows:
            picks[v][te] = upright.pick_with_second_look(scores[v][:, te], trigger[v][te], choice[v][:, te], t)
    return {v: S.figures(val, v, labels, picks[v])["OA"] for v in rows}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--train-per-class", type=int, default=0, help="also fit with this many training clouds a class")
    ap.add_argument("--lambda", dest="lam", type=float, default=1e-3, help="the trigger's and the choice's penalty")
    ap.add_argument("--lambdas", default="1e-4,3e-4,1e-3,3e-3",
                    help="the grid of the settings '... (penalty chosen)' (each part's by its held-out loss)")
    ap.add_argument("--turned", default="", help="more rows, e.g. heading+x,heading-z (perturb.turned_variant): "
                    "every setting is read on them too, and the setting '+turned' is fitted on them as well")
    ap.add_argument("--settings", default="all,half,+train",
                    help="of all, half, +train, '+train trigger only', '+train choice only', +turned, "
                    "'all (penalty chosen)', '+turned (penalty chosen)'")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    mid, sha = a.checkpoint.parent.name, sha256_of(a.checkpoint)
    shipped = json.loads((a.checkpoint.parent / "upright.json").read_text())
    model, cfg, _ = ckpt.load_model(a.checkpoint)
    turned = tuple(v for v in a.turned.split(",") if v)
    every = (*S.VARIANTS, *turned)
    val = S.six_up_outputs(mid, model, cfg.heading, DEFAULT_MODELNET, sha, every)
    labels, fold, pickers = validation_held_out(mid, model, cfg.heading, 0, DEFAULT_MODELNET, sha, shipped["lambda"])
    scores = S.held_out_scores(val, every, fold, pickers)
    n = len(labels)
    alone, half = (val, np.ones(n, bool)), (val, np.random.default_rng(5).random(n) < 0.5)
    # name: (the trigger's fit clouds, the choice's, the rows both are fitted and tau is chosen on)
    settings = {"all": (alone, alone, S.VARIANTS), "half": (half, half, S.VARIANTS)}
    if a.train_per_class:
        extra = train_six_outputs(mid, model, cfg.heading, DEFAULT_MODELNET, sha, a.train_per_class)
        both = (joined(val, extra), np.ones(n + len(extra["labels"]), bool))
        settings.update({"+train": (both, both, S.VARIANTS), "+train trigger only": (both, alone, S.VARIANTS),
                         "+train choice only": (alone, both, S.VARIANTS)})
    if turned:
        settings["+turned"] = (alone, alone, every)
    chosen = {"all (penalty chosen)": S.VARIANTS, "+turned (penalty chosen)": every if turned else None}
    lambdas = [float(x) for x in a.lambdas.split(",")]
    groups = (("nine", S.NINE), ("otherUps", S.OTHER_UPS), *((("turned", turned), ("sideways", S.OTHER_UPS + turned))
                                                             if turned else ()))
    report = {}
    for name in a.settings.split(","):
        t0 = time.time()
        if name in chosen:
            fit_rows = chosen[name]
            if fit_rows is None:
                raise SystemExit(f"{name!r} needs --turned")
            trig, choice = (chosen_penalty(val, fold, part, lambdas, fit_rows, every) for part in ("trigger", "choice"))
        else:
            (trig_out, trig_keep), (choice_out, choice_keep), fit_rows = settings[name]
            trig = held_out(trig_out, val, fold, trig_keep, "trigger", a.lam, fit_rows, every)
            choice = held_out(choice_out, val, fold, choice_keep, "choice", a.lam, fit_rows, every)
        rows = cross_validated(val, labels, fold, scores, trig, choice, fit_rows, every)
        means = {g: round(float(np.mean([rows[v] for v in group])), 2) for g, group in groups}
        report[name] = {"means": means, "rows": rows}
        print(f"{name}: {means} {rows} ({time.time() - t0:.0f} s)", flush=True)
    if a.out:
        a.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
