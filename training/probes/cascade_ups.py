"""Probe for docs/pose.md "H" (a second look at the other four ups): Auto scores +z and +y with the
learned up picker; when neither looks upright (the larger of the two scores is below a threshold
tau), it also scores -y, +x, -x, -z and keeps the best of all six. Files whose up is +z or +y
rarely pay for the four extra passes; a file on its side or upside down gets its up found.

Reads the outputs of six_ups_outputs.py (every variant classified under all six candidate ups,
with its true up's index). The scores are out of sample, as a user's file is scored: each
validation cloud by the picker fitted on the other four folds (tools/upright.validation_held_out,
the shipped picker's penalty). tau is chosen by the rule in RULE-cascade.md:

    among the thresholds (the pooled stage-1 scores' quantiles, and "never"), those that keep
    every one of the app's nine rows (NINE) within 0.5 points of the two-up rule; of those, the
    one with the highest mean over every row in the npz; equal means: the lower threshold.

Reported per row: OA and up found for the two-up rule, all six, and the second look at the tau
chosen on all clouds, with the share of clouds that took the second look (four more passes);
and the whole procedure cross-validated (tau chosen on four folds, applied to the fifth).

    PYTHONPATH=training python3 training/probes/cascade_ups.py six-all.npz [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from any2point import checkpoint as ckpt
from any2point import decide, pose, upright
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import upright as fit_tool

NINE = ("clean", "up+y", "heading", "cut", "view", "points256", "jitter2", "outliers5", "scale")
SLACK = 0.5  # points a nine row may lose to the two-up rule
QUANTILES = np.linspace(0.0, 0.6, 121)  # thresholds: quantiles of the pooled stage-1 score


def held_out_scores(d, variants: list[str], fold: np.ndarray, pickers: list[dict]) -> dict[str, np.ndarray]:
    """{variant: [6, S] scores}, each cloud scored by the picker not fitted on it."""
    out = {}
    for v in variants:
        lo, fe = d[f"{v}_logits"], d[f"{v}_features"]
        conf = decide.softmax(lo).max(-1)
        sc = np.zeros(conf.shape)
        for k, p in enumerate(pickers):
            m = fold == k
            sc[:, m] = upright.scores(fe[:, m], conf[:, m], p["weights"], p["confidenceWeight"])
        out[v] = sc
    return out


LAMBDAS = (1e-3, 1e-2)  # RULE-cascade2: the uprightness fit's penalties


def fit_logistic(x: np.ndarray, y: np.ndarray, lam: float, steps: int = 25) -> np.ndarray:
    """Logistic regression with an intercept (the last column of x is 1, not penalised) by Newton's
    method: x [n, F], y [n] in {0, 1} -> theta [F]."""
    theta = np.zeros(x.shape[1])
    pen = np.full(x.shape[1], lam)
    pen[-1] = 0.0
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        grad = x.T @ (p - y) / n + pen * theta
        hess = (x * (p * (1 - p))[:, None]).T @ x / n + np.diag(pen) + 1e-12 * np.eye(len(theta))
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def uprightness_inputs(d, v: str) -> np.ndarray:
    """[6, S, D + 2]: the picker's inputs (features, ln confidence) and a 1 for the intercept."""
    x = upright.design(d[f"{v}_features"], decide.softmax(d[f"{v}_logits"]).max(-1))
    return np.concatenate([x, np.ones(x.shape[:2] + (1,))], -1)


def held_out_uprightness(d, variants: list[str], fold: np.ndarray) -> tuple[dict, float, dict]:
    """({variant: [6, S] u logits}, the penalty, {penalty: held-out log-loss}): each cloud's from the
    fit on the other folds, the penalty chosen by that held-out log-loss (RULE-cascade2)."""
    xs = {v: uprightness_inputs(d, v) for v in variants}
    truth = {v: (np.arange(6)[:, None] == int(d[f"{v}_trueUp"])).repeat(len(fold), 1).astype(np.float64) for v in variants}
    loss, scores = {}, {}
    for lam in LAMBDAS:
        sc = {v: np.zeros((6, len(fold))) for v in variants}
        total, count = 0.0, 0
        for k in range(int(fold.max()) + 1):
            tr, te = fold != k, fold == k
            x = np.concatenate([xs[v][:, tr].reshape(-1, xs[v].shape[-1]) for v in variants])
            y = np.concatenate([truth[v][:, tr].reshape(-1) for v in variants])
            theta = fit_logistic(x, y, lam)
            for v in variants:
                m = xs[v][:, te] @ theta
                sc[v][:, te] = m
                yt = truth[v][:, te]
                total += float(np.sum(np.logaddexp(0, m) - yt * m))
                count += yt.size
        loss[lam], scores[lam] = total / count, sc
        print(f"uprightness lam {lam:g}: held-out log-loss {loss[lam]:.4f}", flush=True)
    lam = min(LAMBDAS, key=lambda x: (loss[x], -x))
    return scores[lam], lam, loss


def picks(scores: np.ndarray, tau: float, trigger: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """[6, S] scores -> (the up kept [S], widened [S]): the better of +z, +y, or, where its score is
    below tau, the best of all six (ties to the earlier candidate). With `trigger` [6, S] (the
    uprightness logits, RULE-cascade2): the look where both +z and +y's trigger is below tau, and
    then the best trigger of all six."""
    two = scores[:2].argmax(0)
    if trigger is None:
        widened = scores[:2].max(0) < tau
        return np.where(widened, scores.argmax(0), two), widened
    widened = trigger[:2].max(0) < tau
    return np.where(widened, trigger.argmax(0), two), widened


def row(d, v: str, labels: np.ndarray, pick: np.ndarray, m: np.ndarray | None = None) -> dict:
    m = np.ones(len(labels), bool) if m is None else m
    s = np.arange(len(labels))[m]
    pred = d[f"{v}_logits"].argmax(-1)[pick[m], s]
    return {"OA": 100 * float((pred == labels[m]).mean()), "upFound": 100 * float((pick[m] == int(d[f"{v}_trueUp"])).mean())}


def choose(d, variants: list[str], labels: np.ndarray, scores: dict, m: np.ndarray,
           trigger: dict | None = None) -> tuple[float, dict]:
    """The rule's tau on the clouds m, and its rows."""
    trig = trigger or {v: None for v in variants}
    pooled = np.concatenate([(scores if trigger is None else trigger)[v][:2, m].max(0) for v in variants])
    taus = [-np.inf] + sorted(set(np.quantile(pooled, QUANTILES).tolist()))
    base = {v: row(d, v, labels, picks(scores[v], -np.inf)[0], m)["OA"] for v in variants}
    best = None
    for tau in taus:
        rows = {v: row(d, v, labels, picks(scores[v], tau, trig[v])[0], m)["OA"] for v in variants}
        if any(rows[v] < base[v] - SLACK for v in NINE if v in rows):
            continue
        mean = float(np.mean(list(rows.values())))
        if best is None or mean > best[1] + 1e-12:
            best = (tau, mean)
    return best[0], base


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz", type=Path, help="the outputs of six_ups_outputs.py (validation, limit 0)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--score", choices=("picker", "uprightness"), default="picker",
                    help="what triggers the look and picks among six: the picker's own score (RULE-cascade) "
                         "or a fitted uprightness (RULE-cascade2)")
    args = ap.parse_args(argv)
    d = np.load(args.npz)
    if tuple(str(u) for u in d["ups"]) != pose.UP_CANDIDATES:
        ap.error("the npz's candidate ups are not pose.UP_CANDIDATES")
    variants = [k[: -len("_logits")] for k in d.files if k.endswith("_logits")]
    missing = [v for v in variants if f"{v}_trueUp" not in d.files]
    if missing:
        ap.error(f"{args.npz} has no true up for {missing}: rerun six_ups_outputs.py")
    path = Path(str(d["checkpoint"]))
    shipped = json.loads((path.parent / "upright.json").read_text())
    if shipped["checkpointSha256"] != str(d["checkpoint_sha256"]):
        ap.error("the checkpoint's upright.json was fitted on another checkpoint than the npz's")
    model, cfg, _ = ckpt.load_model(path)
    labels, fold, pickers = fit_tool.validation_held_out(path.parent.name, model, cfg.heading, 0, args.data,
                                                         shipped["checkpointSha256"], shipped["lambda"])
    if not np.array_equal(labels, d["labels"]):
        ap.error("the npz's clouds are not the validation clouds tools/upright fits on (use --limit 0)")
    scores = held_out_scores(d, variants, fold, pickers)
    trigger = None
    if args.score == "uprightness":
        trigger, lam, _ = held_out_uprightness(d, variants, fold)
        print(f"uprightness penalty {lam:g}")
    trig = trigger or {v: None for v in variants}
    every = np.ones(len(labels), bool)
    tau, _ = choose(d, variants, labels, scores, every, trigger)
    pooled = np.concatenate([(scores if trigger is None else trigger)[v][:2].max(0) for v in variants])
    cv_pick = {v: np.zeros(len(labels), np.int64) for v in variants}
    cv_taus = []
    for k in range(int(fold.max()) + 1):
        t, _ = choose(d, variants, labels, scores, fold != k, trigger)
        cv_taus.append(t)
        for v in variants:
            cv_pick[v][fold == k] = picks(scores[v][:, fold == k], t, None if trigger is None else trigger[v][:, fold == k])[0]
    out = {"npz": str(args.npz), "checkpointSha256": shipped["checkpointSha256"], "clouds": int(len(labels)),
           "tau": tau, "tauQuantileOfPooledStage1": float((pooled < tau).mean()), "cvTaus": cv_taus, "rows": {}}
    print(f"tau {tau:.4f} (below it: {100 * (pooled < tau).mean():.1f} % of the pooled stage-1 scores); "
          f"per fold {', '.join(f'{t:.3f}' for t in cv_taus)}")
    print(f"{'row':10s} {'two ups':>14s} {'all six':>14s} {'second look':>14s} {'cross-val':>14s} {'widened':>8s}")
    for v in variants:
        two = row(d, v, labels, picks(scores[v], -np.inf)[0])
        six = row(d, v, labels, (scores if trigger is None else trigger)[v].argmax(0))
        p, w = picks(scores[v], tau, trig[v])
        look = row(d, v, labels, p)
        cv = row(d, v, labels, cv_pick[v])
        out["rows"][v] = {"twoUps": two, "allSix": six, "secondLook": look, "crossValidated": cv,
                          "widened": 100 * float(w.mean())}
        f = lambda r: f"{r['OA']:5.1f} ({r['upFound']:5.1f})"
        print(f"{v:10s} {f(two):>14s} {f(six):>14s} {f(look):>14s} {f(cv):>14s} {100 * w.mean():7.1f}%", flush=True)
    for name, group in (("nine", [v for v in NINE if v in variants]), ("all", variants),
                        ("other ups", [v for v in ("up-y", "up+x", "up-x", "up-z") if v in variants])):
        means = {k: float(np.mean([out["rows"][v][k]["OA"] for v in group]))
                 for k in ("twoUps", "allSix", "secondLook", "crossValidated")}
        out[f"mean {name}"] = means
        print(f"mean {name:9s} " + "  ".join(f"{k} {x:.2f}" for k, x in means.items()))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
