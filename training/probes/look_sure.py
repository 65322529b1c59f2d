"""Probe M: is an answer found by the second look as often right, when shown as sure, as the rest?

The temperature and the "not sure" threshold (calibration.json) were fitted on the nine rows of
Auto over +z / +y; a file on its side or upside down is answered through the second look, which
that fit never saw. On test such answers are shown as sure for 45-52 % of the clouds and right
for only 81-85 % of those (docs/robustness.md, session 45), against the 95 % the threshold was
fitted for. This probe runs the app's rule (tools/robustness --up-search app) on validation,
keeps every cloud's answer probabilities and whether the second look was taken, and prints, for
the answers with and without the look, how many are shown as sure and right, and the threshold a
looked answer would need for 95 % right when sure. The picker and the second look were fitted on
these validation clouds, so the looked answers here are right more often than on new files: a
threshold read here is a lower bound.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/look_sure.py --out /tmp/look-sure.npz
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from any2point import decide
from any2point.tools import robustness as R

ROWS = "clean,up+y,up-y,up+x,up-x,up-z,heading,cut,view,points256,jitter2,outliers5,scale"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", default="checkpoints/use-lite-modelnet40/best.pt")
    ap.add_argument("--variants", default=ROWS)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    captured: list[tuple[np.ndarray, np.ndarray]] = []
    inner = R.second_look

    def look(*args, **kw):
        q, names, looked = inner(*args, **kw)
        captured.append((q, looked))
        return q, names, looked
    R.second_look = look
    report_path = a.out.with_suffix(".json")
    R.main([a.checkpoint, "--split", "val", "--up-search", "app", "--variants", a.variants, "--out", str(report_path)])
    report = json.loads(report_path.read_text())
    labels = np.array(report["labels"])
    threshold = json.loads((Path(a.checkpoint).parent / "calibration.json").read_text())["threshold"]
    rows = report["variants"]
    arrays = {}
    print(f"base threshold {threshold}")
    print(f"{'row':10s} {'looked %':>8s} {'OA looked':>9s} {'sure|look':>9s} {'right|sure,look':>15s} {'right|sure,rest':>15s}")
    for name, (q, lk) in zip(rows, captured):
        top, right = q.max(-1), q.argmax(-1) == labels
        sure = top >= threshold
        arrays[name + "/top"], arrays[name + "/right"], arrays[name + "/looked"] = top, right, lk
        f = lambda m: 100 * float(m.mean()) if m.size else float("nan")
        print(f"{name:10s} {f(lk):8.1f} {f(right[lk]):9.1f} {f(sure[lk]):9.1f} {f(right[lk & sure]):15.1f} {f(right[~lk & sure]):15.1f}")
    np.savez(a.out, **arrays)
    lk = np.concatenate([arrays[n + "/looked"] for n in rows])
    top = np.concatenate([arrays[n + "/top"] for n in rows])[lk]
    right = np.concatenate([arrays[n + "/right"] for n in rows])[lk]
    t = decide.score_threshold(top, right)  # None: not even the most confident are right 95 % of the time
    t = 1.0 if t is None else t
    print(f"pooled looked answers: {lk.sum()}; right when sure at the base threshold "
          f"{100 * right[top >= threshold].mean():.1f} % of {int((top >= threshold).sum())}; "
          f"95 % right needs top >= {t:.4f} ({int((top >= t).sum())} shown as sure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
