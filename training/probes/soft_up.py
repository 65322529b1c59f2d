"""Probe: answer with the up marginalised instead of picked (a candidate for a later session).

The app answers with the probabilities of the one up it picks (decide.py step 3). The learned
picker is a pairwise logistic regression, so sigmoid(score_z - score_y) is its probability that
+z (not +y) is the true up; the second look's choice is a conditional logit, so softmax over its
six scores is a probability over the six ups. Answering with the mixture
    Q = sum_u P(up = u) Q_u        (Q_u: the softmax of up u's pass, one vote)
instead of Q_argmax costs no pass (every mixed up has been classified already) and keeps the up
shown. Nothing is tuned here: the weights are the fitted models' own probabilities.

On the validation clouds of tools/second_look (its cached six-up outputs; everything held out:
the picker's scores, the trigger and the choice from fits on the other four folds, tau chosen on
four folds and applied to the fifth, as tools/second_look's cross-validated column), per row:
OA of the picked up (the app today) and of the mixture.

    cd training && OMP_NUM_THREADS=1 PYTHONPATH=. python3 probes/soft_up.py [checkpoint]

Adopting it would change the answer's probabilities, so tools/calibrate (T, threshold) must be
refitted on the mixed answers for every zoo model, and decide.ts follow decide.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from any2point import checkpoint as ckpt
from any2point import decide, upright
from any2point.backbones.sources import sha256_of
from any2point.datasets import DEFAULT_MODELNET
from any2point.tools import second_look as S
from any2point.tools.upright import folds, validation_held_out


def mixture(P: np.ndarray, pair: np.ndarray, choice: np.ndarray, look: np.ndarray) -> np.ndarray:
    """P [6, S, K] softmax per up; pair [2, S] picker scores of +z, +y; choice [6, S] choice
    scores; look [S] bool -> [S, K]: the two-up mixture, or the six-up one where the look is taken."""
    pz = 1.0 / (1.0 + np.exp(-(pair[0] - pair[1])))
    two = pz[:, None] * P[0] + (1.0 - pz)[:, None] * P[1]
    w = np.exp(choice - choice.max(0))
    six = ((w / w.sum(0))[:, :, None] * P).sum(0)
    return np.where(look[:, None], six, two)


def six_up_validation(path: Path) -> tuple[dict, np.ndarray, np.ndarray, Callable[[], dict]]:
    """(tools/second_look's cached six-up outputs, labels, fold, a function giving the held-out
    picker scores {variant: [6, S]}) of checkpoint `path`; the pickers' fits (15-25 minutes on
    the 2-core CPU) happen only when that function is called."""
    mid, sha = path.parent.name, sha256_of(path)
    shipped = json.loads((path.parent / "upright.json").read_text())
    model, cfg, _ = ckpt.load_model(path)
    out = S.six_up_outputs(mid, model, cfg.heading, DEFAULT_MODELNET, sha, S.VARIANTS, log=None)

    def scores() -> dict:
        _, fold, pickers = validation_held_out(mid, model, cfg.heading, 0, DEFAULT_MODELNET, sha, shipped["lambda"],
                                               log=None)
        return S.held_out_scores(out, S.VARIANTS, fold, pickers)
    return out, out["labels"], folds(len(out["labels"])), scores


def main(path: Path) -> None:
    out, labels, fold, held_out_scores = six_up_validation(path)
    scores = held_out_scores()
    trigger, _, _ = S.held_out(out, S.VARIANTS, fold, "trigger", log=print)
    choice, _, _ = S.held_out(out, S.VARIANTS, fold, "choice", log=print)
    taus = [S.choose(out, S.VARIANTS, labels, scores, trigger, choice, fold != k) for k in range(int(fold.max()) + 1)]
    tau = np.array([taus[k] for k in fold])  # each cloud's threshold from the other folds
    s = np.arange(len(labels))
    rows = {}
    for v in S.VARIANTS:
        P = decide.softmax(out[v]["logits"])
        look = upright.needs_second_look(trigger[v], tau)
        picks = upright.pick_with_second_look(scores[v], trigger[v], choice[v], tau)
        picked = P[picks, s].argmax(-1)
        mixed = mixture(P, scores[v][:2], choice[v], look).argmax(-1)
        rows[v] = (100 * float((picked == labels).mean()), 100 * float((mixed == labels).mean()), 100 * float(look.mean()))
        print(f"{v:10s} picked {rows[v][0]:6.2f}  mixed {rows[v][1]:6.2f}  ({rows[v][1] - rows[v][0]:+.2f}; looked {rows[v][2]:.1f} %)")
    for name, group in (("nine", S.NINE), ("other ups", S.OTHER_UPS)):
        a, b = np.mean([rows[v][0] for v in group]), np.mean([rows[v][1] for v in group])
        print(f"mean {name:9s} picked {a:6.2f}  mixed {b:6.2f}  ({b - a:+.2f})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "checkpoints/use-lite-modelnet40/best.pt"))
