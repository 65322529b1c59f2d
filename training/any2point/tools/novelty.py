"""The novelty check ("unlike any training shape", docs/confidence.md), fitted for one checkpoint.

    PYTHONPATH=training python3 -m any2point.tools.novelty [checkpoint ...] [--rate 0.02]
        [--junk 30] [--per-class 40] [--test] [--write]

1. Validation: the validation clouds as stored and turned y-up (the poses the app's automatic up
   handles), each classified under both candidate ups (z, y) at one vote, as the app does. The
   app's score is the turn similarity (any2point.novelty: the cosine between the two ups'
   features); the threshold flags --rate of these clouds (pooled).
2. The choice of score: the alternatives, distances of the chosen up's features to the TRAINING
   part's features (up to --per-class clouds per class, seeded; validation rows excluded): the
   closest class prototype, the predicted class's prototype, the nearest training cloud. Each
   gets its own validation threshold at --rate, and is scored on junk (any2point.junk, every
   kind, seeds 0 .. --junk-1): `compared` in the output.
3. The reported figures: the share of validation clouds flagged (overall, per pose, the most
   flagged classes), of a second junk set (seeds 1000 ..) caught, and of both with the first
   check (the calibrated confidence, calibration.json) as the app combines them.
`--test` measures the share of test clouds flagged (as stored, y-up and -y), nothing chosen
there. `--write` writes training/checkpoints/<id>/novelty.json and the manifest's `novelty` block
(the manifest re-read right before writing; export.py copies novelty.json into a re-exported
manifest when its checkpointSha256 is the exported checkpoint's). Features are kept in
bench-results/novelty/<id>-<part>.npz (with the checkpoint's sha256) and reused for the same
checkpoint file only.
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
from .. import decide, junk, novelty, pose
from ..backbones.sources import sha256_of
from ..dataset_splits import validation_rows
from ..fitted import write_fitted_block
from ..datasets import DEFAULT_MODELNET, REPO, CloudSet, load_modelnet40
from ..decide import APP_UPS
from .robustness import app_picker, fresh_indices, split_rows, stored_clouds, variant_clouds, vote_outputs, zoo_checkpoints
from .. import geometry as geo

CACHE = REPO / "bench-results" / "novelty"
RATE = 0.02
VAL_VARIANTS = ("clean", "up+y")
TEST_VARIANTS = ("clean", "up+y", "up-y")
CHECK_SEED = 1000  # the second junk set: seeds 1000 ..


@torch.no_grad()
def outputs(model, clouds: np.ndarray, heading: str, ups: Sequence[str], batch_size: int = 64) -> dict:
    """Normalised clouds [S, N, 3] -> {"logits": [U, S, K], "features": [U, S, D]} float32, each
    cloud turned upright for every candidate up (the points turned; FPS / k-NN of the cloud as
    given, as tools/calibrate), point order 0 (one vote)."""
    idx = fresh_indices(clouds, model.spec, 1)
    zeros = np.zeros(len(clouds), np.int64)
    logits, feats = [], []
    for turned in pose.up_candidates(clouds, tuple(ups)):
        cs = CloudSet(pose.apply_heading(turned, heading), zeros, [""] * len(clouds), [])
        lo, fe = vote_outputs(model, cs, idx, batch_size, 1)
        logits.append(lo[0]), feats.append(fe)
    return {"logits": np.stack(logits), "features": np.stack(feats)}


def chosen(out: dict, picker: Optional[dict] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The app's rule on one-vote outputs (the up picked by the model's learned `picker`, or the
    most confident): (features [S, D] and logits [S, K] of the chosen up, the pick [S])."""
    picks = decide.pick_up(out["logits"][:, None], out["features"], picker)  # [U, 1, S, K]: one vote
    s = np.arange(len(picks))
    return out["features"][picks, s], out["logits"][picks, s], picks


def reference_rows(train: CloudSet, per_class: int, seed: int = 0) -> np.ndarray:
    """Up to `per_class` rows of every class from the training part (validation rows excluded),
    drawn with `seed`, sorted."""
    held = set(validation_rows(train).tolist())
    rng = np.random.default_rng(seed)
    out = []
    for c in range(len(train.classes)):
        rows = np.array([r for r in np.nonzero(train.labels == c)[0] if r not in held])
        out.append(np.sort(rng.choice(rows, min(per_class, len(rows)), replace=False)))
    return np.concatenate(out)


def cached(mid: str, part: str, sha256: str, compute, log=print) -> dict:
    """compute() kept in bench-results/novelty/<id>-<part>.npz, reused for the same checkpoint."""
    path = CACHE / f"{mid}-{part}.npz"
    if path.exists():
        z = dict(np.load(path))
        if str(z.pop("checkpointSha256", "")) == sha256:
            return z
    t0 = time.time()
    got = compute()
    if log:
        log(f"  {part}: {time.time() - t0:.0f} s")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, checkpointSha256=np.array(sha256), **got)
    return got


def real_parts(mid, model, heading, split, variants, limit, root, sha, log) -> dict:
    """{variant: outputs} of a split's clouds (robustness's variants and seeds)."""
    data, rows = split_rows(split, root, limit)
    raw = stored_clouds(root, rows, split)
    res = {"labels": data.labels[rows]}
    for v in variants:
        o = cached(mid, f"{split}{f'-{limit}' if limit else ''}-{v}", sha,
                   lambda: outputs(model, variant_clouds(v, raw, rows, model.spec.points), heading, APP_UPS), log)
        res[v] = o
    return res


def junk_part(mid, model, heading, seeds: Sequence[int], sha, log) -> tuple[dict, list[str]]:
    clouds, kinds = junk.clouds(list(seeds))
    normed = np.stack([geo.normalise(c, model.spec.points) for c in clouds])
    o = cached(mid, f"junk-{seeds[0]}-{len(seeds)}", sha, lambda: outputs(model, normed, heading, APP_UPS), log)
    return o, kinds


def caught(flags: np.ndarray, kinds: list[str]) -> dict:
    """Share of junk flagged, overall and per kind."""
    k = np.array(kinds)
    return {"all": round(float(flags.mean()), 4), **{n: round(float(flags[k == n].mean()), 4) for n in junk.KINDS}}


def app_answer(out: dict, calibration: dict, picker: Optional[dict] = None) -> np.ndarray:
    """The probabilities the app shows for one-vote outputs of the ups (z, y): decide.py's answer
    at the calibration's temperature, the chosen up's or, when the calibration was fitted on
    mixtures (`"answer": "mixture"`, with a learned picker), the mixture over the ups. [S, K]"""
    return decide.answer(out["logits"][:, None], calibration["temperature"], out["features"], picker,
                         mixture=decide.answers_mixture(calibration, picker))[0]


def confidence_flags(out: dict, calibration: Optional[dict], picker: Optional[dict] = None) -> Optional[np.ndarray]:
    """The first check (the app's calibrated top probability below its threshold) on one-vote outputs."""
    if not calibration:
        return None
    return decide.not_sure(app_answer(out, calibration, picker), calibration["threshold"])


def app_not_sure(out: dict, calibration: dict, threshold: float, picker: Optional[dict] = None) -> np.ndarray:
    """What the app says "not sure" to (decide.not_sure_either, both checks) on one-vote outputs."""
    q = app_answer(out, calibration, picker)
    return decide.not_sure_either(q, calibration["threshold"], turn_similarity(out), threshold)["notSure"]


def turn_similarity(out: dict) -> np.ndarray:
    """The app's score (novelty.turn_similarity) of one-vote outputs of the ups (z, y)."""
    return novelty.turn_similarity(out["features"][0], out["features"][1])


def evaluate(mid: str, path: Path, per_class: int, rate: float, n_junk: int, test: bool, limit: int,
             root: Path, log=print) -> dict:
    model, cfg, _ = ckpt.load_model(path)
    sha = sha256_of(path)
    heading = cfg.heading
    log(f"{mid}:")
    train = load_modelnet40("train", root, model.spec.points)
    rows = reference_rows(train, per_class)
    bank = cached(mid, f"reference-{per_class}", sha, lambda: outputs(model, train.points[rows], heading, ("+z",)), log)
    bank = bank["features"][0]
    reference = novelty.prototypes(bank, train.labels[rows], len(train.classes))
    picker = app_picker(path, APP_UPS, log)
    cal_path = path.parent / "calibration.json"
    calibration = json.loads(cal_path.read_text()) if cal_path.exists() else None
    if calibration and calibration.get("checkpointSha256") != sha:
        log(f"  {cal_path} is another checkpoint's: the confidence check is left out of the figures")
        calibration = None

    val = real_parts(mid, model, heading, "val", VAL_VARIANTS, limit, root, sha, log)
    val_chosen = [chosen(val[v], picker) for v in VAL_VARIANTS]
    val_feat = np.concatenate([c[0] for c in val_chosen])
    val_logits = np.concatenate([c[1] for c in val_chosen])
    val_sim = np.concatenate([turn_similarity(val[v]) for v in VAL_VARIANTS])
    jk, kinds = junk_part(mid, model, heading, range(n_junk), sha, log)
    jk_feat, jk_logits, _ = chosen(jk, picker)

    # Every candidate score, each with its own threshold flagging `rate` of validation; the junk
    # of seeds 0 .. n_junk-1 chooses between them (docs/confidence.md).
    candidates = {
        "turnSimilarity": (val_sim, turn_similarity(jk)),
        "closestPrototype": (novelty.prototype_distance(val_feat, reference), novelty.prototype_distance(jk_feat, reference)),
        "predictedPrototype": (novelty.prototype_distance(val_feat, reference, val_logits.argmax(-1)),
                               novelty.prototype_distance(jk_feat, reference, jk_logits.argmax(-1))),
        "nearestReference": (novelty.nearest_distance(val_feat, bank), novelty.nearest_distance(jk_feat, bank)),
    }
    compared = {}
    for name, (sv, sj) in candidates.items():
        t = novelty.threshold_for_rate(sv, rate)
        compared[name] = {"threshold": round(t, 4), "flaggedVal": round(float(novelty.flagged(sv, t).mean()), 4),
                          "junkCaught": caught(novelty.flagged(sj, t), kinds)}
    # The app compares the score it computes with the stored threshold: rounded up to 6 decimals,
    # so rounding never flags a validation cloud that was not flagged here.
    threshold = float(np.ceil(novelty.threshold_for_rate(val_sim, rate) * 1e6) / 1e6)
    n_val = len(val["labels"])
    val_flags = novelty.flagged(val_sim, threshold)
    flagged_val = {v: round(float(val_flags[i * n_val:(i + 1) * n_val].mean()), 4) for i, v in enumerate(VAL_VARIANTS)}
    flagged_val["pooled"] = round(float(val_flags.mean()), 4)
    labels = np.concatenate([val["labels"]] * len(VAL_VARIANTS))
    by_class = {train.classes[c]: round(float(val_flags[labels == c].mean()), 4) for c in np.unique(labels)}
    flagged_val["mostFlaggedClasses"] = dict(sorted(by_class.items(), key=lambda kv: -kv[1])[:5])
    # The reported junk figures: a second junk set (seeds CHECK_SEED ..), chosen nothing.
    check, check_kinds = junk_part(mid, model, heading, range(CHECK_SEED, CHECK_SEED + n_junk), sha, log)
    check_flags = novelty.flagged(turn_similarity(check), threshold)

    block = {
        "checkpointSha256": sha, "rule": "docs/confidence.md", "score": novelty.SCORE,
        "ups": list(APP_UPS), "flagRate": rate, "threshold": threshold,
        "flaggedVal": flagged_val,
        "junkCaught": caught(check_flags, check_kinds),
        "fittedOn": {"threshold": {"split": "validation", "clouds": n_val, "variants": list(VAL_VARIANTS)},
                     "choice": {"junkSeeds": [0, n_junk], "reference": f"training part, {len(rows)} clouds "
                                f"(up to {per_class} per class, seed 0), as stored"},
                     "reportedJunkSeeds": [CHECK_SEED, CHECK_SEED + n_junk]},
        "compared": compared,
    }
    if calibration:
        conf_val = np.concatenate([confidence_flags(val[v], calibration, picker) for v in VAL_VARIANTS])
        conf_junk = confidence_flags(check, calibration, picker)
        block["withConfidence"] = {
            "notSureVal": round(float(conf_val.mean()), 4),
            "notSureValEither": round(float((conf_val | val_flags).mean()), 4),
            "junkCaught": caught(conf_junk, check_kinds),
            "junkCaughtEither": caught(app_not_sure(check, calibration, threshold, picker), check_kinds)}
    if test:
        t = real_parts(mid, model, heading, "test", TEST_VARIANTS, 0, root, sha, log)
        block["test"] = {v: round(float(novelty.flagged(turn_similarity(t[v]), threshold).mean()), 4) for v in TEST_VARIANTS}
        block["test"]["clouds"] = int(len(t["labels"]))
        if calibration:
            either = [app_not_sure(t[v], calibration, threshold, picker) for v in TEST_VARIANTS]
            block["test"]["notSureEither"] = {v: round(float(e.mean()), 4) for v, e in zip(TEST_VARIANTS, either)}
    return block


def write(mid: str, checkpoint: Path, block: dict, repo: Path = REPO) -> None:
    write_fitted_block(checkpoint, "novelty.json", "novelty", block, novelty.manifest_block, mid, repo)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.novelty", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="*", type=Path, help="default: every zoo model's training/checkpoints/<id>/best.pt")
    ap.add_argument("--per-class", type=int, default=40, help="reference clouds per class from the training part")
    ap.add_argument("--rate", type=float, default=RATE, help="share of validation clouds the threshold flags")
    ap.add_argument("--junk", type=int, default=30, help="junk clouds per kind (and as many again for the check)")
    ap.add_argument("--limit", type=int, default=0, help="this many validation clouds (default all)")
    ap.add_argument("--test", action="store_true", help="also measure the share of test clouds flagged")
    ap.add_argument("--write", action="store_true", help="write novelty.json and the manifest's novelty block")
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    a = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    checkpoints = [(p.parent.name, p) for p in a.checkpoints] if a.checkpoints else zoo_checkpoints()
    for mid, path in checkpoints:
        block = evaluate(mid, path, a.per_class, a.rate, a.junk, a.test, a.limit, a.data_root)
        print(json.dumps(block, indent=1))
        if a.write:
            write(mid, path, block)
            print(f"wrote {path.parent / 'novelty.json'} and public/models/{mid}/manifest.json's novelty")
    return 0


if __name__ == "__main__":
    sys.exit(main())
