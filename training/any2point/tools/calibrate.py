"""Temperature and "not sure" threshold of the app's answers, fitted on the validation split.

    PYTHONPATH=training python3 -m any2point.tools.calibrate [checkpoint ...] [--votes 2] [--limit N]
        [--variants clean,up+y,...] [--test] [--write]
    PYTHONPATH=training python3 -m any2point.tools.calibrate --table   # the zoo's test rows, as written
    PYTHONPATH=training python3 -m any2point.tools.calibrate best.pt --sparse spaced --keep-fit --write
        # only the sparse rule changed (decide.py step 5, RULE-grow-spacing), T and threshold kept

For every cloud of the validation split (the fixed validation rows of the training split) and
every variant (default USER_VARIANTS: as stored, turned y-up, any heading, cut, seen from one
viewpoint, 256 points, jittered, with outliers, stretched), the network's logits are computed
for both candidate ups (z, y) and `--votes` point orders, and vote 0's features: the inputs of
the app's rule (any2point.decide, docs/confidence.md; the up picked by the model's learned picker
when its upright.json was fitted on this checkpoint, tools/upright, so run that first; on
validation each cloud's up is picked by the picker fitted without it, from tools/upright's
cross-validation folds). Then, on validation only:
- the temperature T minimising the NLL of the answers (decide.fit_temperature);
- the threshold: the smallest top probability at which the answers kept are right >= 95 % of
  the time (decide.threshold_for_accuracy); below it the app says "not sure".
ECE (15 bins) before (T = 1) and after, coverage and accuracy of the kept answers are reported.
`--test` measures the same on the test split with the T and threshold fitted on validation
(read once, at the end; nothing is chosen there). `--write` writes
training/checkpoints/<id>/calibration.json and the `calibration` block of
public/models/<id>/manifest.json (export.py copies calibration.json into a re-exported manifest).
The logits are kept in bench-results/calibration/<id>-<split>.npz and reused by later runs of the
same checkpoint file (its sha256 is in the cache and in calibration.json as checkpointSha256:
export.py copies only a calibration.json fitted on the checkpoint it exports).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from .. import checkpoint as ckpt
from ..backbones.sources import sha256_of
from .. import decide, pose
from .. import geometry as geo
from ..decide import APP_UPS
from ..fitted import write_fitted_block
from ..datasets import DEFAULT_MODELNET, REPO, CloudSet
from . import upright as upright_tool
from .robustness import (app_picker, fresh_indices, label, markdown_table, parse_variants, split_rows, stored_clouds,
                         variant_clouds, vote_outputs, zoo_checkpoints)

CACHE = REPO / "bench-results" / "calibration"
TARGET_ACCURACY = 0.95
FEATURES = ".features"  # the key suffix of a variant's vote-0 features
BINS = 15
# What the fit pools by default: the benchmark's rows a user's file may be in (any of the app's
# ups, any heading, partial, sparse, noisy, stretched; docs/confidence.md), so that "95 % of the
# answers right" holds for such files too, not only for whole shapes as stored.
USER_VARIANTS = "clean,up+y,heading,cut,view,points256,jitter2,outliers5,scale"


def logits_of(model, heading: str, split: str, variants: Sequence[str], limit: int, votes: int,
              batch_size: int, root: Path, log=print) -> dict:
    """{"labels": [S], "rows": [S], variant: [U, V, S, K], variant + FEATURES: [U, S, D] (vote 0)}
    for the app's ups and `votes` votes."""
    data, rows = split_rows(split, root, limit)
    raw = stored_clouds(root, rows, split)
    labels = data.labels[rows]
    out = {"labels": labels, "rows": rows}
    for name in variants:
        t0 = time.time()
        clouds = variant_clouds(name, raw, rows, model.spec.points)
        idx = fresh_indices(clouds, model.spec, votes)
        per_up = []
        for turned in pose.up_candidates(clouds, APP_UPS):  # the points turned; FPS / k-NN as given
            cs = CloudSet(pose.apply_heading(turned, heading), labels, [""] * len(labels), data.classes)
            per_up.append(vote_outputs(model, cs, idx, batch_size, votes))
        out[name] = np.stack([o[0] for o in per_up]).astype(np.float32)
        out[name + FEATURES] = np.stack([o[1] for o in per_up]).astype(np.float32)
        if log:
            log(f"  {split} {name}: {len(rows)} clouds x {len(APP_UPS)} ups x {votes} votes, {time.time() - t0:.0f} s")
    return out


def cached_logits(mid: str, model, heading: str, split: str, variants: Sequence[str], limit: int, votes: int,
                  batch_size: int, root: Path, sha256: str, log=print) -> dict:
    """logits_of for `variants`, kept in bench-results/calibration/<id>-<split>[-<limit>].npz:
    a variant cached for the same checkpoint file (`sha256`: the checkpoint's; a retrained
    best.pt is another) with at least `votes` votes is reused, only the others are computed and
    added to the cache, each as soon as it is (another checkpoint's cache is replaced)."""
    path = CACHE / f"{mid}-{split}{f'-{limit}' if limit else ''}.npz"
    kept = {}
    if path.exists():
        z = dict(np.load(path))
        if str(z.pop("checkpointSha256", "")) == sha256:
            kept = z  # the same checkpoint file: its variants with enough votes are reused
    have = [v for v in kept if v not in ("labels", "rows") and not v.endswith(FEATURES)
            and v + FEATURES in kept and kept[v].shape[1] >= votes]
    missing = [v for v in variants if v not in have]
    for v in missing:  # one at a time, each kept as it comes: a stopped run loses only the variant it was on
        got = logits_of(model, heading, split, [v], limit, votes, batch_size, root, log)
        if "rows" in kept and not np.array_equal(got["rows"], kept["rows"]):
            raise ValueError(f"calibrate: {path} holds other clouds than this split's rows")
        kept.update(got)  # a variant recomputed (with more votes) replaces its cached one; the others stay
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, checkpointSha256=np.array(sha256), **kept)
    keys = ["labels", "rows", *variants, *(v + FEATURES for v in variants)]
    return {k: (kept[k][:, :votes] if k in variants else kept[k]) for k in keys}


def measure(logits: dict, variants: Sequence[str], temperature: float, threshold: float,
            picker: Optional[dict] = None, held_out: Optional[dict] = None, mixture: bool = False) -> dict:
    """Per variant and pooled: OA, how often z was kept, ECE before / after, NLL, coverage (the
    up picked by `picker`, or the most confident without one; `held_out`: {variant: picks} given
    instead, the held-out picker's on validation; with `mixture` the answer is the mixture over
    the ups, decide.py step 3, and `held_out` gives {variant: up weights})."""
    labels = logits["labels"]
    res = {}
    pooled_q1, pooled_qt, pooled_y = [], [], []
    for name in variants:
        given = held_out[name] if held_out else None
        how = {"mixture": True, "weights": given} if mixture else {"picks": given}
        q1, picks = decide.answer(logits[name], 1.0, logits[name + FEATURES], picker, **how)
        qt, _ = decide.answer(logits[name], temperature, logits[name + FEATURES], picker, **how)
        pred = qt.argmax(-1)
        res[name] = {"overallAccuracy": float((pred == labels).mean()),
                     "meanClassAccuracy": float(np.mean([(pred[labels == c] == c).mean() for c in np.unique(labels)])),
                     "upPicks": {u: float((picks == i).mean()) for i, u in enumerate(APP_UPS)},
                     "eceBefore": decide.ece(q1, labels, BINS), "eceAfter": decide.ece(qt, labels, BINS),
                     **decide.coverage(qt, labels, threshold)}
        pooled_q1.append(q1), pooled_qt.append(qt), pooled_y.append(labels)
    q1, qt, y = np.concatenate(pooled_q1), np.concatenate(pooled_qt), np.concatenate(pooled_y)
    res["pooled"] = {"eceBefore": decide.ece(q1, y, BINS), "eceAfter": decide.ece(qt, y, BINS),
                     "nllBefore": decide.nll(q1, y), "nllAfter": decide.nll(qt, y), **decide.coverage(qt, y, threshold)}
    return res


def fit(logits: dict, variants: Sequence[str], picker: Optional[dict] = None,
        held_out: Optional[dict] = None, mixture: bool = False) -> tuple[float, float]:
    """T and the threshold from the validation clouds of all `variants` pooled (each cloud's up
    picked by `picker`, or the most confident; `held_out`: {variant: picks} given instead; with
    `mixture` the answers are mixtures over the ups and `held_out` gives their weights)."""
    labels = np.concatenate([logits["labels"]] * len(variants))
    if mixture:
        every = np.concatenate([logits[v] for v in variants], axis=2)  # [U, V, S * variants, K]
        weights = np.concatenate([held_out[v] if held_out else decide.up_weights(logits[v], logits[v + FEATURES], picker)
                                  for v in variants], axis=1)
        t = decide.fit_temperature(every, labels, weights=weights)
        return t, decide.threshold_for_accuracy(decide.mixed(every, weights, t), labels, TARGET_ACCURACY)
    chosen = []
    for name in variants:
        picks = held_out[name] if held_out else decide.pick_up(logits[name], logits[name + FEATURES], picker)
        chosen.append(logits[name][picks, :, np.arange(len(picks))])
    chosen = np.concatenate(chosen)
    t = decide.fit_temperature(chosen, labels)
    q = decide.softmax(chosen, t).mean(1)
    return t, decide.threshold_for_accuracy(q, labels, TARGET_ACCURACY)


def held_out_picks(mid: str, model, heading: str, val: dict, variants: Sequence[str], limit: int, root: Path,
                   sha: str, picker: Optional[dict], log=print, mixture: bool = False) -> Optional[dict]:
    """{variant: [S] picks} of the validation clouds by the learned picker fitted WITHOUT each
    cloud (its cross-validation folds, at its penalty; tools/upright.validation_held_out), so that
    T and the threshold see the up mistakes a user's cloud gets; None without a picker. With
    `mixture` {variant: [U, S] up weights} of the same held-out pickers instead."""
    if picker is None:
        return None
    labels, fold, pickers = upright_tool.validation_held_out(mid, model, heading, limit, root, sha, picker["lambda"], log)
    if not np.array_equal(labels, val["labels"]):
        raise ValueError("calibrate: tools/upright's validation clouds are not calibrate's (another --limit?)")
    of = upright_tool.held_out_weights if mixture else upright_tool.held_out_picks
    return {v: of(pickers, fold, val[v], val[v + FEATURES]) for v in variants}


def sparse_rule(checkpoint: Path, asked: Optional[str]) -> str:
    """How the app answers a sparse cloud (decide.py step 5): `asked`, else what the checkpoint's
    calibration.json says (a refit keeps an adopted rule: "spaced" when it has a growSpacing),
    else "repeated". "grown": every cloud of at most N_in / 3 points answered grown; "spaced": only
    those whose points are farther apart than growSpacing (RULE-grow-spacing)."""
    if asked is not None:
        return asked
    path = checkpoint.parent / "calibration.json"
    if not path.exists():
        return "repeated"
    block = json.loads(path.read_text())
    if block.get("sparse") != "grown":
        return "repeated"
    return "spaced" if "growSpacing" in block else "grown"


# RULE-grow-spacing: a sparse cloud is grown only when its points are farther apart than in this
# share of the validation clouds as stored (the clouds the model reads whole).
SPACING_PERCENTILE = 95.0


def grow_spacing(n_in: int, root: Path = DEFAULT_MODELNET, limit: int = 0) -> float:
    """growSpacing: the SPACING_PERCENTILE-th percentile (numpy's linear) of geometry.spacing over
    the validation clouds as stored, each normalised as the app does (RULE-grow-spacing)."""
    _, rows = split_rows("val", root, limit)
    clouds = stored_clouds(root, rows, "val")
    return float(np.percentile([geo.spacing(geo.normalise(c, len(c))) for c in clouds[:, :n_in]], SPACING_PERCENTILE))


def sparse_block(rule: str, n_in: int, root: Path = DEFAULT_MODELNET) -> dict:
    """The calibration block's keys for a sparse_rule()."""
    if rule == "repeated":
        return {}
    return {"sparse": "grown", **({"growSpacing": grow_spacing(n_in, root)} if rule == "spaced" else {})}


def with_sparse_rule(checkpoint: Path, sha: str, rule: str, n_in: int, root: Path = DEFAULT_MODELNET) -> dict:
    """The checkpoint's calibration.json (fitted on this very file: `sha`) with its sparse rule
    replaced by `rule`'s keys (sparse_block), in the order a fit writes them."""
    path = checkpoint.parent / "calibration.json"
    block = json.loads(path.read_text()) if path.exists() else {}
    if block.get("checkpointSha256") != sha:
        raise ValueError(f"calibrate --keep-fit: {path} was not fitted on {checkpoint} (run the fit first)")
    kept = [(k, v) for k, v in block.items() if k not in ("sparse", "growSpacing")]
    at = next((i for i, (k, _) in enumerate(kept) if k == "votesPerUp"), len(kept))  # where a fit puts them
    return dict(kept[:at] + list(sparse_block(rule, n_in, root).items()) + kept[at:])


def write(mid: str, checkpoint: Path, block: dict, repo: Path = REPO) -> None:
    write_fitted_block(checkpoint, "calibration.json", "calibration", block, decide.manifest_block, mid, repo)


def zoo_table(repo: Path = REPO) -> str:
    """Markdown tables of every zoo model's test rows, read from its calibration.json (`--test`):
    OA / mean class accuracy through the app's rule, then answered / right when answered."""
    models = []
    for mid, path in zoo_checkpoints(repo):
        cal = json.loads((path.parent / "calibration.json").read_text())
        test = cal.get("test")
        if not test:
            raise ValueError(f"calibrate: {path.parent / 'calibration.json'} has no test rows (run it with --test)")
        models.append({"id": mid, "variants": {v: r for v, r in test.items() if isinstance(r, dict) and v != "pooled"}})
    names = [v for v in models[0]["variants"] if all(v in m["variants"] for m in models)]
    acc = markdown_table({"models": models, "variants": names})
    head = "| variant | " + " | ".join(f"{m['id']} answered / right" for m in models) + " |"
    lines = [head, "| --- |" + " ---: |" * len(models)]
    for v in names:
        cells = [f"{100 * m['variants'][v]['coverage']:.1f} / {100 * m['variants'][v]['keptAccuracy']:.1f}" for m in models]
        lines.append(f"| {label(v)} | " + " | ".join(cells) + " |")
    return acc + "\n\n" + "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.calibrate", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="*", type=Path, help="default: every zoo model's training/checkpoints/<id>/best.pt")
    ap.add_argument("--votes", type=int, default=2, help="votes per up (the app's: manifest votes / 2)")
    ap.add_argument("--variants", default=USER_VARIANTS, help="variants of the clouds pooled for the fit (robustness names)")
    ap.add_argument("--limit", type=int, default=0, help="this many validation clouds (default all)")
    ap.add_argument("--test", action="store_true", help="also measure on the test split with the fitted T and threshold")
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--test-variants", default=USER_VARIANTS,
                    help="variants measured on test (the fit's are pooled from --variants on validation)")
    ap.add_argument("--answer", choices=("mixture", "picked"), default="picked",
                    help="the answer fitted: the mixture over the ups (docs/pose.md \"I\"; needs a learned picker) "
                         "or the picked up's alone")
    ap.add_argument("--sparse", choices=("spaced", "grown", "repeated"),
                    help="how the app answers a cloud of at most N_in / 3 points (decide.py step 5): grown "
                         "(RULE-grow-answer), grown only when its points are farther apart than the validation "
                         "clouds' (spaced, RULE-grow-spacing: writes growSpacing) or repeated; recorded in the block "
                         "(default: what the checkpoint's calibration.json says, else repeated); the fit itself reads "
                         "the clouds as given")
    ap.add_argument("--keep-fit", action="store_true",
                    help="no refit: the checkpoint's calibration.json (fitted on this very file) with only its sparse "
                         "rule replaced by --sparse's (the fit reads the clouds as given, so the rule does not change it)")
    ap.add_argument("--write", action="store_true", help="write calibration.json and the manifest's calibration block")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--table", action="store_true",
                    help="print the zoo's test rows from every calibration.json (no network run) and stop")
    a = ap.parse_args(argv)
    if a.table:
        print(zoo_table())
        return 0
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    variants = parse_variants(a.variants)
    checkpoints = [(p.parent.name, p) for p in a.checkpoints] if a.checkpoints else zoo_checkpoints()
    for mid, path in checkpoints:
        model, cfg, _ = ckpt.load_model(path)
        sha = sha256_of(path)
        print(f"{mid}:")
        if a.keep_fit:
            block = with_sparse_rule(path, sha, sparse_rule(path, a.sparse), model.spec.points, a.data_root)
            print(json.dumps({k: v for k, v in block.items() if not isinstance(v, dict)}, indent=1))
            if a.write:
                write(mid, path, block)
                print(f"wrote {path.parent / 'calibration.json'} and public/models/{mid}/manifest.json's calibration")
            continue
        picker = app_picker(path, APP_UPS)
        mixture = a.answer == "mixture" and picker is not None  # no picker, no up probabilities: picked
        val = cached_logits(mid, model, cfg.heading, "val", variants, a.limit, a.votes, a.batch_size, a.data_root, sha)
        held = held_out_picks(mid, model, cfg.heading, val, variants, a.limit, a.data_root, sha, picker, mixture=mixture)
        t, threshold = fit(val, variants, picker, held, mixture)
        block = {"checkpointSha256": sha, "rule": "docs/confidence.md", "ups": list(APP_UPS),
                 "upPicker": "learned (upright.json), held out on validation" if picker else "max-softmax",
                 **({"answer": "mixture"} if mixture else {}),
                 **sparse_block(sparse_rule(path, a.sparse), model.spec.points, a.data_root),
                 "votesPerUp": a.votes, "temperature": round(t, 4),
                 "threshold": round(threshold, 4), "targetAccuracy": TARGET_ACCURACY, "bins": BINS,
                 "fittedOn": {"split": "validation", "clouds": int(len(val["labels"])), "variants": list(variants)},
                 "validation": measure(val, variants, t, threshold, picker, held, mixture)}
        if a.test:
            tv = parse_variants(a.test_variants)
            test = cached_logits(mid, model, cfg.heading, "test", tv, a.test_limit, a.votes, a.batch_size, a.data_root, sha)
            block["test"] = measure(test, tv, t, threshold, picker, mixture=mixture)
            block["test"]["clouds"] = int(len(test["labels"]))
        print(json.dumps(block, indent=1))
        if a.write:
            write(mid, path, block)
            print(f"wrote {path.parent / 'calibration.json'} and public/models/{mid}/manifest.json's calibration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
