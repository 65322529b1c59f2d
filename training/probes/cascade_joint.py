"""Probe for RULE-cascade3.md: a better trigger and a better choice for the second look (docs/pose.md "H").

The second look as adopted (RULE-cascade2.md) uses one pointwise score u (a logistic regression
per candidate: "is this turn upright?") twice: as the trigger (look when u(+z), u(+y) are both
below tau) and as the choice (argmax u over the six ups). Here, on the same saved outputs:
  trigger  u      max(u(+z), u(+y)) (as adopted);
           joint  g = one logistic regression on both first-run candidates at once,
                  [f_z, ln conf_z, f_y, ln conf_y, 1]: "is the true up +z or +y?";
  choice   u      argmax u (as adopted);
           list   argmax of s = w . f + c ln conf fitted as a conditional logit (softmax over a
                  cloud's six candidates).
Each fit 5-fold out of sample with the penalty of the lowest held-out loss; tau by the rule of
second_look.choose (every nine row within SLACK of the two-up rule, then the highest mean), and
cross-validated (tau on four folds, applied to the fifth), as cascade_ups.py does.

    PYTHONPATH=training python3 training/probes/cascade_joint.py six-all.npz [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from any2point import decide, upright
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import second_look as S
from cascade_ups import load


def confidence(out: dict, v: str) -> np.ndarray:
    return decide.softmax(out[v]["logits"]).max(-1)


def joint_inputs(out: dict, v: str, m: np.ndarray) -> np.ndarray:
    """[n, 2 (D + 1) + 1]: both first-run candidates' inputs of the clouds m, and an intercept."""
    x = upright.design(out[v]["features"][:2, m], confidence(out, v)[:2, m])
    return np.concatenate([x[0], x[1], np.ones((x.shape[1], 1))], 1)


def fit_joint(out: dict, variants, m: np.ndarray, lam: float) -> np.ndarray:
    x = np.concatenate([joint_inputs(out, v, m) for v in variants])
    y = np.concatenate([np.full(int(m.sum()), float(out[v]["trueUp"] in (0, 1))) for v in variants])
    pen = np.full(x.shape[1], lam)
    pen[-1] = 0.0
    return upright.newton_logistic(x, y, pen, 25)


def list_inputs(out: dict, v: str, m: np.ndarray) -> np.ndarray:
    """[n, 6, D + 1]: the six candidates' inputs of the clouds m."""
    return upright.design(out[v]["features"][:, m], confidence(out, v)[:, m]).transpose(1, 0, 2)


def fit_list(out: dict, variants, m: np.ndarray, lam: float, steps: int = 30) -> np.ndarray:
    """Conditional logit by Newton's method: minimises the mean of -log softmax(X theta)[true] +
    lam / 2 |theta|^2 over the clouds m of every variant."""
    x = np.concatenate([list_inputs(out, v, m) for v in variants])  # [n, 6, P]
    t = np.concatenate([np.full(int(m.sum()), out[v]["trueUp"]) for v in variants])
    n, c, p = x.shape
    theta = np.zeros(p)
    for _ in range(steps):
        s = x @ theta
        q = np.exp(s - s.max(1, keepdims=True))
        q /= q.sum(1, keepdims=True)
        mean = np.einsum("nc,ncp->np", q, x)
        grad = (mean - x[np.arange(n), t]).sum(0) / n + lam * theta
        hess = sum((x[:, k] * q[:, k, None]).T @ x[:, k] for k in range(c)) / n - mean.T @ mean / n + lam * np.eye(p)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def held_out(out: dict, variants, fold: np.ndarray, kind: str, log=print) -> dict:
    """{variant: held-out values} ([S] trigger logits for "joint", [6, S] scores for "list"), with
    the penalty of the lowest held-out loss."""
    best = None
    for lam in S.LAMBDAS:
        vals = {v: np.zeros(len(fold)) if kind == "joint" else np.zeros((6, len(fold))) for v in variants}
        loss, count = 0.0, 0
        for k in range(int(fold.max()) + 1):
            tr, te = fold != k, fold == k
            theta = (fit_joint if kind == "joint" else fit_list)(out, variants, tr, lam)
            for v in variants:
                if kind == "joint":
                    z = joint_inputs(out, v, te) @ theta
                    y = float(out[v]["trueUp"] in (0, 1))
                    loss += float(np.sum(np.logaddexp(0, z) - y * z))
                    vals[v][te] = z
                else:
                    s = list_inputs(out, v, te) @ theta  # [n, 6]
                    ls = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
                    loss -= float(ls[:, out[v]["trueUp"]].sum())
                    vals[v][:, te] = s.T
                count += int(te.sum())
        log(f"  {kind}, penalty {lam:g}: held-out loss {loss / count:.4f}", flush=True)
        if best is None or loss / count < best[0]:
            best = (loss / count, lam, vals)
    return best[2]


def pick(two: np.ndarray, trig: np.ndarray, choice: np.ndarray, tau: float) -> np.ndarray:
    return np.where(trig < tau, np.argmax(choice, 0), np.argmax(two[:2], 0))


def choose(out, variants, labels, scores, trig, choice, m) -> float:
    """second_look.choose with a separate trigger and choice."""
    pooled = np.concatenate([trig[v][m] for v in variants])
    taus = [-np.inf] + sorted(set(np.quantile(pooled, S.QUANTILES).tolist()))
    oa = lambda v, tau: S.figures(out, v, labels, pick(scores[v], trig[v], choice[v], tau), m)["OA"]
    base = {v: oa(v, -np.inf) for v in variants}
    best, best_mean = -np.inf, -np.inf
    for tau in taus:
        rows = {v: oa(v, tau) for v in variants}
        if any(rows[v] < base[v] - S.SLACK for v in S.NINE if v in rows):
            continue
        mean = float(np.mean(list(rows.values())))
        if mean > best_mean + 1e-9:
            best, best_mean = tau, mean
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz", type=Path, help="the outputs of six_ups_outputs.py (validation, limit 0)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out, labels, fold, scores = load(args.npz, args.data, ap.error)
    variants = [k for k in out if k != "labels"]
    u = S.held_out_uprightness(out, variants, fold)[0]
    triggers = {"u": {v: u[v][:2].max(0) for v in variants}, "joint": held_out(out, variants, fold, "joint")}
    choices = {"u": u, "list": held_out(out, variants, fold, "list")}
    res = {}
    for tn, cn in (("u", "u"), ("u", "list"), ("joint", "u"), ("joint", "list")):
        trig, choice = triggers[tn], choices[cn]
        cv = {v: np.zeros(len(labels), np.int64) for v in variants}
        for k in range(int(fold.max()) + 1):
            t = choose(out, variants, labels, scores, trig, choice, fold != k)
            for v in variants:
                te = fold == k
                cv[v][te] = pick(scores[v][:, te], trig[v][te], choice[v][:, te], t)
        rows = {v: {**S.figures(out, v, labels, cv[v]), "twoUps": S.figures(out, v, labels, scores[v][:2].argmax(0))["OA"],
                    "allSix": S.figures(out, v, labels, choice[v].argmax(0))["upFound"]} for v in variants}
        means = {name: float(np.mean([rows[v]["OA"] for v in group]))
                 for name, group in (("nine", [v for v in S.NINE if v in variants]),
                                     ("otherUps", [v for v in S.OTHER_UPS if v in variants]))}
        res[f"{tn}+{cn}"] = {"rows": rows, "means": means}
        print(f"trigger {tn}, choice {cn}: cross-validated nine-row mean {means['nine']:.2f}, other ups {means['otherUps']:.2f}")
        for v in variants:
            r = rows[v]
            print(f"  {v:10s} OA {r['twoUps']:5.1f} -> {r['OA']:5.1f}  up found {r['upFound']:5.1f}  (choice over six finds it {r['allSix']:5.1f})")
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
