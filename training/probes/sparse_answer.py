"""Sparse clouds (at most N_in / 3 points) under the app's rule, on validation clouds drawn with
more seeds than the benchmark's one: is the answer better read from the cloud repeated, grown
(RULE-grow-answer, the default since session 48), or from the mean of the two?

Each seed s draws the variants in place of perturb.BASE_SEED (23, the benchmark's;
tools/robustness --seed), so seeds other than 23 give new validation clouds of the same variant. Only the clouds that the
app would grow are classified. Per cloud it keeps the answer Q (the app's up weights, its
temperature) read repeated and grown, and the same at the true up (+z) with one pass each, to
tell the up weights from the reading apart.

    cd training && OMP_NUM_THREADS=2 PYTHONPATH=. python3 probes/sparse_answer.py \
        --variants view --seeds 23,24,25,26,27,28 --out /tmp/sparse-view.npz
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from any2point import checkpoint as ckpt, decide, geometry as geo, pose
from any2point import upright as learned
from any2point.datasets import DEFAULT_MODELNET, REPO, CloudSet
from any2point.tools import robustness as R

UPS = (*decide.APP_UPS, *learned.SECOND_LOOK_UPS)


def sparse_answers(model, heading, points, labels, classes, manifest, batch_size=64):
    """Q repeated, Q grown (the app's weights from the repeated passes), and at +z only, of the
    clouds `points` (all sparse)."""
    n_in = model.spec.points
    clouds = R.normalised(points, n_in)
    idx = R.fresh_indices(clouds, model.spec, 1)
    grown = R.Grown(points, model.spec, 1)
    assert len(grown.rows) == len(points)
    upright, calibration = manifest["upright"], manifest["calibration"]

    def turned(c):
        return CloudSet(pose.apply_heading(c, heading), labels, [""] * len(labels), classes)
    outs = [R.vote_outputs(model, turned(c), idx, batch_size, 1) for c in pose.up_candidates(clouds, decide.APP_UPS)]
    logits, features = np.stack([o[0] for o in outs]), np.stack([o[1] for o in outs])
    t = calibration["temperature"]
    mix = decide.answers_mixture(calibration, upright)
    q, names, weights = R.second_look(model, turned, clouds, idx, batch_size, 1, logits, features, upright, t, mix)
    qg = R.grown_answer(model, heading, grown, labels, classes, batch_size, 1, weights, t, UPS)
    at_z = decide.softmax(logits[0, 0], t)
    gz = CloudSet(pose.apply_heading(grown.clouds, heading), labels, [""] * len(labels), classes)
    at_z_grown = decide.softmax(R.vote_outputs(model, gz, grown.idx, batch_size, 1)[0][0], t)
    return q, qg, at_z, at_z_grown, np.array(names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="use-lite-modelnet40", help="a zoo model id (its best.pt and manifest)")
    ap.add_argument("--variants", default="view")
    ap.add_argument("--seeds", default="23,24,25,26")
    ap.add_argument("--limit", type=int, default=0, help="validation clouds per seed (default all 985)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    manifest = json.loads((REPO / "public/models" / a.model / "manifest.json").read_text())
    model, cfg, _ = ckpt.load_model(REPO / "training/checkpoints" / a.model / "best.pt")
    data, rows = R.split_rows("val", DEFAULT_MODELNET, a.limit)
    raw = R.stored_clouds(DEFAULT_MODELNET, rows, "val")
    labels_all = data.labels[rows]
    saved: dict[str, list] = {k: [] for k in ("variant", "seed", "row", "label", "count", "q", "qg", "z", "zg", "up")}
    for variant in a.variants.split(","):
        for seed in [int(s) for s in a.seeds.split(",")]:
            t0 = time.time()
            points = R.variant_points(variant, raw, rows, seed)
            keep = [i for i, p in enumerate(points) if geo.grows(len(p), model.spec.points)]
            if not keep:
                continue
            labels = labels_all[keep]
            q, qg, z, zg, up = sparse_answers(model, cfg.heading, [points[i] for i in keep], labels, data.classes, manifest)
            for k, v in (("variant", [variant] * len(keep)), ("seed", [seed] * len(keep)), ("row", rows[keep]),
                         ("label", labels), ("count", [len(points[i]) for i in keep]), ("q", q), ("qg", qg),
                         ("z", z), ("zg", zg), ("up", up)):
                saved[k].append(np.asarray(v))
            right = lambda p: 100 * float(np.mean(p.argmax(-1) == labels))
            print(f"{variant} seed {seed}: {len(keep)} sparse clouds; app rule repeated {right(q):.2f}, grown {right(qg):.2f}, "
                  f"mean {right(q + qg):.2f}; at +z repeated {right(z):.2f}, grown {right(zg):.2f} ({time.time() - t0:.0f} s)",
                  flush=True)
    np.savez(a.out, **{k: np.concatenate(v) for k, v in saved.items()})


if __name__ == "__main__":
    main()
