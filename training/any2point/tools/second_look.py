"""The learned up picker's second look (docs/pose.md "H"), fitted for one checkpoint.

    PYTHONPATH=training python3 -m any2point.tools.second_look [checkpoint] [--write]

Auto picks between +z and +y with the learned up picker (any2point.upright); a file whose up is
-y, +x, -x or -z is then read on its side. The second look (RULE-cascade3.md): a trigger g on the
two first-run candidates at once (a logistic regression with an intercept on [f_z, ln conf_z,
f_y, ln conf_y]: "is the true up +z or +y?"); where g is below a threshold tau, the cloud is also
classified under the other four ups and a choice score s (a conditional logit over a cloud's six
candidates on f and ln conf) picks among all six (upright.pick_with_second_look, twin
src/model/upright.ts). Files whose up is +z or +y rarely pay for the four extra passes.

1. Every validation cloud in each of the benchmark's variants with a known up (VARIANTS: the six
   ups, a random heading, the partial, sparse and noisy ones) and in four sideways rows turned
   about their up too (TURNED: a random heading laid with its up along -y, +x, -x, -z, how a
   user's sideways file comes; RULE-look-penalty.md) classified under all six candidate ups at one
   vote (cached with tools/novelty's outputs, bench-results/novelty/).
2. The trigger and the choice fitted on every cloud of every variant; each penalty from LAMBDAS
   by 5-fold cross-validation over the clouds (held-out loss), each cloud's held-out values kept;
   the picker's held-out scores from tools/upright.validation_held_out.
3. tau (RULE-cascade.md .. RULE-cascade3.md) on the held-out values: among the thresholds
   (quantiles of the pooled trigger, and "never"), those that keep every one of the app's nine
   rows (NINE) within SLACK points of the two-up rule; of those the one with the highest mean over
   all the rows; equal means: the lower.
4. Reported per row: OA and up found with the two ups, the best choice of all six, the second
   look at tau, and the whole procedure cross-validated (tau chosen on four folds, applied to the
   fifth), with the share of clouds that took the look. Both are then refitted on every
   validation cloud (weights rounded to 7 significant digits) for the app.
`--write` adds the `secondLook` block to the checkpoint's upright.json and the manifest's upright
block. Run it after tools/upright (which rewrites upright.json without it: the look belongs to
the picker it was fitted beside) and before tools/calibrate and tools/novelty.
The network outputs take most of the time (about 7-11 min a row on one CPU thread): `--outputs
picker,clean,...` only computes and caches the named rows ("picker": the picker's validation
poses), so that several one-thread workers can share them out before the fit.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from .. import checkpoint as ckpt
from .. import decide, pose, upright
from ..backbones.sources import sha256_of
from ..datasets import DEFAULT_MODELNET, REPO
from .novelty import cached, outputs
from .robustness import split_rows, stored_clouds, true_up, variant_clouds
from .upright import split_outputs, validation_held_out, write

NINE = ("clean", "up+y", "heading", "cut", "view", "points256", "jitter2", "outliers5", "scale")
OTHER_UPS = ("up-y", "up+x", "up-x", "up-z")
VARIANTS = (*NINE[:2], *OTHER_UPS, *NINE[2:])
# A random heading laid on its side (perturb.turned_variant): how a user's sideways file comes
# (RULE-look-turned.md, RULE-look-penalty.md). The trigger and the choice are fitted on FITTED.
TURNED = ("heading-y", "heading+x", "heading-x", "heading-z")
FITTED = (*VARIANTS, *TURNED)
SLACK = 0.5  # points a nine row may lose to the two-up rule
QUANTILES = np.linspace(0.0, 0.6, 121)  # candidate thresholds: quantiles of the pooled trigger
LAMBDAS = (1e-4, 3e-4, 1e-3, 3e-3)  # the trigger's and the choice's penalties (RULE-look-penalty.md)
SIGNIFICANT = 7


def six_up_outputs(mid: str, model, heading: str, root: Path, sha: str, variants: Sequence[str], log=print) -> dict:
    """{"labels": [S], variant: {"logits": [6, S, K], "features": [6, S, D], "trueUp": index}} of
    the validation clouds under every candidate up (pose.UP_CANDIDATES order)."""
    data, rows = split_rows("val", root, 0)
    raw = stored_clouds(root, rows, "val")
    res: dict = {"labels": data.labels[rows]}
    for v in variants:
        res[v] = cached(mid, f"val-six-{v}", sha, lambda: outputs(
            model, variant_clouds(v, raw, rows, model.spec.points), heading, pose.UP_CANDIDATES), log)
        res[v]["trueUp"] = pose.UP_CANDIDATES.index(true_up(v))
    return res


def held_out_scores(out: dict, variants: Sequence[str], fold: np.ndarray, pickers: list[dict]) -> dict:
    """{variant: [6, S] picker scores}, each cloud scored by the picker not fitted on it."""
    res = {}
    for v in variants:
        conf = decide.softmax(out[v]["logits"]).max(-1)
        sc = np.zeros(conf.shape)
        for k, p in enumerate(pickers):
            m = fold == k
            sc[:, m] = upright.scores(out[v]["features"][:, m], conf[:, m], p["weights"], p["confidenceWeight"])
        res[v] = sc
    return res


def confidence(out: dict, v: str) -> np.ndarray:
    return decide.softmax(out[v]["logits"]).max(-1)


def fit_trigger(out: dict, variants: Sequence[str], m: np.ndarray, lam: float) -> dict:
    """The trigger fitted on the clouds m of every variant (labelled: is the true up +z or +y?)."""
    x = np.concatenate([upright.trigger_inputs(out[v]["features"][:, m], confidence(out, v)[:, m]) for v in variants])
    y = np.concatenate([np.full(int(m.sum()), float(out[v]["trueUp"] in (0, 1))) for v in variants])
    return upright.fit_trigger(x, y, lam)


def fit_choice(out: dict, variants: Sequence[str], m: np.ndarray, lam: float) -> dict:
    """The choice fitted on the clouds m of every variant (a softmax over each cloud's six ups)."""
    x = np.concatenate([upright.design(out[v]["features"][:, m], confidence(out, v)[:, m]).transpose(1, 0, 2)
                        for v in variants])
    t = np.concatenate([np.full(int(m.sum()), out[v]["trueUp"]) for v in variants])
    return upright.fit_choice(x, t, lam)


def held_out(out: dict, variants: Sequence[str], fold: np.ndarray, part: str, log=print,
             lambdas: Sequence[float] = LAMBDAS) -> tuple[dict, float, dict]:
    """({variant: held-out values}, the penalty, {penalty: held-out loss}) of the trigger ([S]
    logits) or the choice ([6, S] scores): each cloud's from the fit on the other folds, with the
    penalty of `lambdas` of the lowest held-out loss (log-loss, or the choice's cross-entropy over six)."""
    loss, held = {}, {}
    for lam in lambdas:
        vals = {v: np.zeros(len(fold)) if part == "trigger" else np.zeros((6, len(fold))) for v in variants}
        total, count = 0.0, 0
        for k in range(int(fold.max()) + 1):
            te = fold == k
            look = {part: (fit_trigger if part == "trigger" else fit_choice)(out, variants, fold != k, lam)}
            for v in variants:
                f, c = out[v]["features"][:, te], confidence(out, v)[:, te]
                if part == "trigger":
                    vals[v][te] = z = upright.look_trigger(f, c, look)
                else:
                    vals[v][:, te] = z = upright.look_choice(f, c, look)
                total += loss_sum(out, v, part, z)
                count += int(te.sum())
        loss[lam], held[lam] = total / count, vals
        log(f"  {part}, penalty {lam:g}: held-out loss {loss[lam]:.4f}", flush=True)
    lam = min(lambdas, key=lambda x: (loss[x], -x))
    return held[lam], lam, loss


def loss_sum(out: dict, v: str, part: str, z: np.ndarray) -> float:
    """The summed loss of the trigger's logits z [S] (log-loss against "the true up is +z or +y")
    or of the choice's scores z [6, S] (cross-entropy over six) on row v's clouds."""
    if part == "trigger":
        y = float(out[v]["trueUp"] in (0, 1))
        return float(np.sum(np.logaddexp(0, z) - y * z))
    return -float(np.sum(z[out[v]["trueUp"]] - np.logaddexp.reduce(z, axis=0)))


def figures(out: dict, v: str, labels: np.ndarray, picks: np.ndarray, m: Optional[np.ndarray] = None) -> dict:
    """OA and up found (%) of `picks` [S] on the clouds m."""
    m = np.ones(len(labels), bool) if m is None else m
    s = np.arange(len(labels))[m]
    pred = out[v]["logits"].argmax(-1)[picks[m], s]
    return {"OA": round(100 * float((pred == labels[m]).mean()), 4),
            "upFound": round(100 * float((picks[m] == out[v]["trueUp"]).mean()), 4)}


def choose(out: dict, variants: Sequence[str], labels: np.ndarray, scores: dict, trigger: dict, choice: dict,
           m: np.ndarray) -> float:
    """The rule's tau on the clouds m (-inf: never look)."""
    pooled = np.concatenate([trigger[v][m] for v in variants])
    taus = [-np.inf] + sorted(set(np.quantile(pooled, QUANTILES).tolist()))
    oa = lambda v, tau: figures(out, v, labels, upright.pick_with_second_look(scores[v], trigger[v], choice[v], tau), m)["OA"]
    base = {v: oa(v, -np.inf) for v in variants}
    best, best_mean = -np.inf, -np.inf
    for tau in taus:
        rows = {v: oa(v, tau) for v in variants}
        if any(rows[v] < base[v] - SLACK for v in NINE if v in rows):
            continue
        mean = float(np.mean(list(rows.values())))
        if mean > best_mean + 1e-9:
            best, best_mean = tau, mean
    return best


def round_to(x: float, digits: int = SIGNIFICANT) -> float:
    return float(f"{x:.{digits - 1}e}")


def evaluate(mid: str, path: Path, root: Path, variants: Sequence[str] = FITTED, log=print) -> dict:
    shipped_path = path.parent / "upright.json"
    if not shipped_path.exists():
        raise SystemExit(f"{shipped_path}: no learned up picker; run any2point.tools.upright {path} --write first")
    shipped = json.loads(shipped_path.read_text())
    sha = sha256_of(path)
    if shipped.get("checkpointSha256") != sha:
        raise SystemExit(f"{shipped_path} was fitted on another checkpoint; run any2point.tools.upright {path} --write first")
    model, cfg, _ = ckpt.load_model(path)
    out = six_up_outputs(mid, model, cfg.heading, root, sha, variants, log)
    labels, fold, pickers = validation_held_out(mid, model, cfg.heading, 0, root, sha, shipped["lambda"], log)
    if not np.array_equal(labels, out["labels"]):
        raise SystemExit("the six-up outputs are not of the validation clouds tools/upright fits on")
    scores = held_out_scores(out, variants, fold, pickers)
    trigger, lam_t, loss_t = held_out(out, variants, fold, "trigger", log)
    choice, lam_c, loss_c = held_out(out, variants, fold, "choice", log)
    tau = choose(out, variants, labels, scores, trigger, choice, np.ones(len(labels), bool))
    if not np.isfinite(tau):
        log(f"{mid}: no threshold keeps the nine rows within {SLACK} points: no second look")
        return {"below": None}
    tau = round_to(tau)
    cv_picks = {v: np.zeros(len(labels), np.int64) for v in variants}
    cv_taus = []
    for k in range(int(fold.max()) + 1):
        t = choose(out, variants, labels, scores, trigger, choice, fold != k)
        cv_taus.append(t if np.isfinite(t) else None)
        for v in variants:
            te = fold == k
            cv_picks[v][te] = upright.pick_with_second_look(scores[v][:, te], trigger[v][te], choice[v][:, te], t)
    rows = {}
    for v in variants:
        rows[v] = {"twoUps": figures(out, v, labels, scores[v][:2].argmax(0)),
                   "allSix": figures(out, v, labels, choice[v].argmax(0)),
                   "secondLook": figures(out, v, labels, upright.pick_with_second_look(scores[v], trigger[v], choice[v], tau)),
                   "crossValidated": figures(out, v, labels, cv_picks[v]),
                   "looked": round(100 * float(upright.needs_second_look(trigger[v], tau).mean()), 2)}
    means = {name: {k: round(float(np.mean([rows[v][k]["OA"] for v in group])), 4)
                    for k in ("twoUps", "allSix", "secondLook", "crossValidated")}
             for name, group in (("nine", [v for v in NINE if v in variants]),
                                 ("otherUps", [v for v in OTHER_UPS if v in variants]),
                                 ("turned", [v for v in TURNED if v in variants]),
                                 ("sideways", [v for v in (*OTHER_UPS, *TURNED) if v in variants]), ("all", list(variants)))
             if group}
    every = np.ones(len(labels), bool)
    t, c = fit_trigger(out, variants, every, lam_t), fit_choice(out, variants, every, lam_c)
    return {"below": tau,
            "trigger": {"weights": [[round_to(x) for x in w] for w in t["weights"]],
                        "confidenceWeights": [round_to(x) for x in t["confidenceWeights"]], "bias": round_to(t["bias"])},
            "choice": {"weights": [round_to(x) for x in c["weights"]], "confidenceWeight": round_to(c["confidenceWeight"])},
            "ups": list(upright.SECOND_LOOK_UPS), "lambda": {"trigger": lam_t, "choice": lam_c},
            "rule": "docs/pose.md H (RULE-cascade3.md, RULE-look-penalty.md)",
            "score": "trigger: weights[0] . features(+z) + confidenceWeights[0] ln(max softmax(+z)) + the same of +y + bias, "
                     "look below `below`; choice: weights . features + confidenceWeight ln(max softmax), the highest of six",
            "fittedOn": {"split": "validation", "clouds": int(len(labels)), "variants": list(variants), "votes": 1,
                         "heldOut": "trigger, choice, tau and the picker's scores of each cloud from fits on the other four folds",
                         "slack": SLACK},
            "heldOutLoss": {"trigger": {str(k): round(x, 5) for k, x in loss_t.items()},
                            "choice": {str(k): round(x, 5) for k, x in loss_c.items()}},
            "crossValidatedTaus": cv_taus, "validation": rows, "validationMeans": means}


def table(look: dict) -> str:
    f = lambda r: f"{r['OA']:5.1f} ({r['upFound']:5.1f})"
    lines = [f"tau {look['below']} (penalties {look['lambda']}); cross-validated taus "
             f"{', '.join('never' if t is None else f'{t:.3f}' for t in look['crossValidatedTaus'])}",
             f"{'OA % (up found %)':18s} {'two ups':>14s} {'best of six':>14s} {'second look':>14s} {'cross-val':>14s} {'looked':>7s}"]
    for v, r in look["validation"].items():
        lines.append(f"{v:18s} {f(r['twoUps']):>14s} {f(r['allSix']):>14s} {f(r['secondLook']):>14s} "
                     f"{f(r['crossValidated']):>14s} {r['looked']:6.1f}%")
    for name, m in look["validationMeans"].items():
        lines.append(f"mean {name:13s} " + "  ".join(f"{k} {x:.2f}" for k, x in m.items()))
    return "\n".join(lines)


def rows_named(text: str) -> list[str]:
    """--outputs' rows, each one of FITTED or "picker"."""
    rows = [r.strip() for r in text.split(",") if r.strip()]
    unknown = [r for r in rows if r != "picker" and r not in FITTED]
    if not rows or unknown:
        raise argparse.ArgumentTypeError(f"unknown rows {', '.join(unknown) or '(none given)'}; "
                                         f"known: picker, {', '.join(FITTED)}")
    return rows


def cache_outputs(mid: str, path: Path, root: Path, rows: Sequence[str], log=print) -> None:
    """The network outputs evaluate reads, computed into the cache (the validation clouds read once
    for the six-up rows)."""
    model, cfg, _ = ckpt.load_model(path)
    sha = sha256_of(path)
    if "picker" in rows:
        split_outputs(mid, model, cfg.heading, "val", 0, root, sha, log=log)
    six = [r for r in rows if r != "picker"]
    if six:
        six_up_outputs(mid, model, cfg.heading, root, sha, six, log)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.second_look", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", nargs="?", type=Path,
                    default=REPO / "training" / "checkpoints" / "use-lite-modelnet40" / "best.pt")
    ap.add_argument("--write", action="store_true", help="add the block to upright.json and the manifest's upright")
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--outputs", type=rows_named, metavar="ROWS",
                    help="only cache these rows' outputs (comma list of FITTED rows and 'picker'), then stop")
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    mid, path = a.checkpoint.parent.name, a.checkpoint
    if a.outputs:
        cache_outputs(mid, path, a.data_root, a.outputs)
        return 0
    look = evaluate(mid, path, a.data_root)
    if look["below"] is None:
        return 0
    print(table(look))
    if a.write:
        block = json.loads((path.parent / "upright.json").read_text())
        block["secondLook"] = look
        write(mid, path, block)
        print(f"wrote the secondLook block to {path.parent / 'upright.json'} and public/models/{mid}/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
