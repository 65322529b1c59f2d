"""RULE-strays measurement: every variant with and without the loader's stray pieces left out, one vote at +z.

    cd training && PYTHONPATH=. OMP_NUM_THREADS=2 python3 probes/strays_val.py val|test OUT.json
"""
import sys, json
import numpy as np
from pathlib import Path
from any2point import checkpoint as ckpt, geometry as geo, pose, perturb, strays
from any2point.datasets import DEFAULT_MODELNET, CloudSet
from any2point.tools import robustness as R

split = sys.argv[1]
model, cfg, _ = ckpt.load_model(Path("checkpoints/use-lite-modelnet40/best.pt")); model.eval()
data, rows = R.split_rows(split, DEFAULT_MODELNET, 0)
raw = R.stored_clouds(DEFAULT_MODELNET, rows, split)
labels = data.labels[rows]

def oa(clouds):
    x = np.stack([geo.normalise(c, 1024) for c in clouds])
    idx = R.fresh_indices(x, model.spec)
    cs = CloudSet(pose.apply_heading(x, cfg.heading), labels, [""] * len(labels), data.classes)
    return 100 * float((R.probabilities(model, cs, idx, 32, 1).argmax(-1) == labels).mean())

def floaters(k, lo, hi):
    f = perturb.strays(k, lo, hi)
    return [f(c, np.random.default_rng([45, k, int(r)])) for c, r in zip(raw, rows)]

res = {}
cases = [(v, None) for v in ["clean", "points256", "points512", "cut", "view", "jitter1", "jitter2", "outliers5", "scale", "strays3"]]
cases += [("floaters1@2-4", (1, 2, 4)), ("floaters10@1.2-2.5", (10, 1.2, 2.5))]
for name, f in cases:
    cl = [perturb.apply(name, c, int(r)) for c, r in zip(raw, rows)] if f is None else floaters(*f)
    kept = [strays.without_strays(c) for c in cl]
    touched = 100 * np.mean([k[1] > 0 for k in kept])
    a, b = oa(cl), oa([k[0] for k in kept])
    res[name] = {"without_filter": a, "with_filter": b, "touched": touched}
    print(f"{name:20s} OA {a:5.2f} -> {b:5.2f} ({b - a:+.2f}); touched {touched:.1f} % of clouds", flush=True)
Path(sys.argv[2]).write_text(json.dumps(res, indent=1))
