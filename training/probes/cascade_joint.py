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
The joint trigger and the listwise choice are tools/second_look's own fits (adopted). Each fit
5-fold out of sample with the penalty of the lowest held-out loss; tau by the rule of
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

from any2point import upright
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import second_look as S
from cascade_ups import held_out_uprightness, load


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz", type=Path, help="the outputs of six_ups_outputs.py (validation, limit 0)")
    ap.add_argument("--data", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out, labels, fold, scores = load(args.npz, args.data, ap.error)
    variants = [k for k in out if k != "labels"]
    u = held_out_uprightness(out, variants, fold)
    triggers = {"u": {v: u[v][:2].max(0) for v in variants}, "joint": S.held_out(out, variants, fold, "trigger")[0]}
    choices = {"u": u, "list": S.held_out(out, variants, fold, "choice")[0]}
    res = {}
    for tn, cn in (("u", "u"), ("u", "list"), ("joint", "u"), ("joint", "list")):
        trig, choice = triggers[tn], choices[cn]
        cv = {v: np.zeros(len(labels), np.int64) for v in variants}
        for k in range(int(fold.max()) + 1):
            t = S.choose(out, variants, labels, scores, trig, choice, fold != k)
            for v in variants:
                te = fold == k
                cv[v][te] = upright.pick_with_second_look(scores[v][:, te], trig[v][te], choice[v][:, te], t)
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
