"""Probe for docs/pose.md "H" (a second look at the other four ups), on saved outputs: the rules of
RULE-cascade.md and RULE-cascade2.md, with any2point.tools.second_look's own functions.

Auto picks between +z and +y with the learned up picker; where a trigger says neither looks
upright (both below a threshold tau), the cloud is also classified under -y, +x, -x, -z and the
candidate with the highest trigger of all six is kept. The trigger:
  --score picker       the picker's own score (RULE-cascade.md: not adopted);
  --score uprightness  a logistic regression with an intercept fitted on every candidate
                       (RULE-cascade2.md: adopted; what tools/second_look fits for the app).
Everything out of sample (held-out picker, held-out uprightness, tau chosen by the rule; and the
whole procedure cross-validated), as tools/second_look reports it.

Reads the outputs of six_ups_outputs.py (the validation clouds of every variant under all six
candidate ups, with each variant's true up):

    PYTHONPATH=training python3 training/probes/cascade_ups.py six-all.npz [--score uprightness] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from any2point import checkpoint as ckpt
from any2point import pose, upright
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import second_look as S
from any2point.tools.upright import validation_held_out


def load(npz: Path, data: Path, error) -> tuple[dict, np.ndarray, np.ndarray, dict]:
    """(outputs {"labels", variant: {"logits", "features", "trueUp"}}, labels, fold, {variant: [6, S]
    held-out picker scores}) of six_ups_outputs.py's npz, checked against the shipped picker."""
    d = np.load(npz)
    if tuple(str(u) for u in d["ups"]) != pose.UP_CANDIDATES:
        error("the npz's candidate ups are not pose.UP_CANDIDATES")
    variants = [k[: -len("_logits")] for k in d.files if k.endswith("_logits")]
    if any(f"{v}_trueUp" not in d.files for v in variants):
        error(f"{npz} has no true up for every variant: rerun six_ups_outputs.py")
    out = {"labels": d["labels"], **{v: {"logits": d[f"{v}_logits"], "features": d[f"{v}_features"],
                                         "trueUp": int(d[f"{v}_trueUp"])} for v in variants}}
    path = Path(str(d["checkpoint"]))
    shipped = json.loads((path.parent / "upright.json").read_text())
    sha = str(d["checkpoint_sha256"])
    if shipped["checkpointSha256"] != sha:
        error("the checkpoint's upright.json was fitted on another checkpoint than the npz's")
    model, cfg, _ = ckpt.load_model(path)
    labels, fold, pickers = validation_held_out(path.parent.name, model, cfg.heading, 0, data, sha, shipped["lambda"])
    if not np.array_equal(labels, out["labels"]):
        error("the npz's clouds are not the validation clouds tools/upright fits on (use --limit 0)")
    return out, labels, fold, S.held_out_scores(out, variants, fold, pickers)


def held_out_uprightness(out: dict, variants, fold: np.ndarray) -> dict:
    """{variant: [6, S] u}: RULE-cascade2's pointwise uprightness (a logistic regression with an
    intercept on every candidate, "is this turn the true up?"), each cloud's from the fit on the
    other folds, with the penalty of the lowest held-out log-loss."""
    def inputs(m):
        x = np.concatenate([upright.design(out[v]["features"][:, m], S.confidence(out, v)[:, m]).reshape(-1, out[v]["features"].shape[-1] + 1)
                            for v in variants])
        y = np.concatenate([(np.arange(6)[:, None] == out[v]["trueUp"]).repeat(int(m.sum()), 1).reshape(-1) for v in variants])
        return np.concatenate([x, np.ones((len(x), 1))], 1), y.astype(np.float64)
    best = None
    for lam in (1e-3, 1e-2):  # RULE-cascade3.md's grid, that of this probe's figures
        u = {v: np.zeros((6, len(fold))) for v in variants}
        total, count = 0.0, 0
        for k in range(int(fold.max()) + 1):
            x, y = inputs(fold != k)
            pen = np.full(x.shape[1], lam)
            pen[-1] = 0.0
            theta = upright.newton_logistic(x, y, pen, 25)
            for v in variants:
                te = fold == k
                z = upright.design(out[v]["features"][:, te], S.confidence(out, v)[:, te]) @ theta[:-1] + theta[-1]
                u[v][:, te] = z
                t = (np.arange(6)[:, None] == out[v]["trueUp"])
                total += float(np.sum(np.logaddexp(0, z) - t * z))
                count += z.size
        print(f"  uprightness, penalty {lam:g}: held-out log-loss {total / count:.4f}", flush=True)
        if best is None or total / count < best[0]:
            best = (total / count, u)
    return best[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz", type=Path, help="the outputs of six_ups_outputs.py (validation, limit 0)")
    ap.add_argument("--score", choices=("picker", "uprightness"), default="picker")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out, labels, fold, scores = load(args.npz, args.data, ap.error)
    variants = [k for k in out if k != "labels"]
    u = scores if args.score == "picker" else held_out_uprightness(out, variants, fold)
    trig = {v: u[v][:2].max(0) for v in variants}
    tau = S.choose(out, variants, labels, scores, trig, u, np.ones(len(labels), bool))
    cv = {v: np.zeros(len(labels), np.int64) for v in variants}
    taus = []
    for k in range(int(fold.max()) + 1):
        t = S.choose(out, variants, labels, scores, trig, u, fold != k)
        taus.append(t)
        for v in variants:
            te = fold == k
            cv[v][te] = upright.pick_with_second_look(scores[v][:, te], trig[v][te], u[v][:, te], t)
    res = {"score": args.score, "tau": tau, "cvTaus": taus, "rows": {}}
    print(f"{args.score}: tau {tau:.4f}; per fold {', '.join(f'{t:.3f}' for t in taus)}")
    f = lambda r: f"{r['OA']:5.1f} ({r['upFound']:5.1f})"
    for v in variants:
        r = {"twoUps": S.figures(out, v, labels, scores[v][:2].argmax(0)),
             "allSix": S.figures(out, v, labels, u[v].argmax(0)),
             "secondLook": S.figures(out, v, labels, upright.pick_with_second_look(scores[v], trig[v], u[v], tau)),
             "crossValidated": S.figures(out, v, labels, cv[v]),
             "looked": 100 * float(upright.needs_second_look(trig[v], tau).mean())}
        res["rows"][v] = r
        print(f"{v:10s} two {f(r['twoUps'])}  six {f(r['allSix'])}  look {f(r['secondLook'])}  "
              f"cv {f(r['crossValidated'])}  looked {r['looked']:.1f} %", flush=True)
    for name, group in (("nine", [v for v in S.NINE if v in variants]), ("other ups", [v for v in S.OTHER_UPS if v in variants])):
        m = {k: float(np.mean([res["rows"][v][k]["OA"] for v in group])) for k in ("twoUps", "crossValidated")}
        res[f"mean {name}"] = m
        print(f"mean {name}: two ups {m['twoUps']:.2f}, cross-validated second look {m['crossValidated']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
