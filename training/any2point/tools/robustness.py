"""The robustness benchmark: accuracy of trained models on perturbed ModelNet40 test clouds.

    PYTHONPATH=training python3 -m any2point.tools.robustness [checkpoint ...] [--variants all|name,...]
        [--split test|val] [--limit N] [--votes N] [--up-search none|app|max|entropy] [--up-candidates +z,+y,...]
        [--out bench-results/robustness.json] [--markdown]
    PYTHONPATH=training python3 -m any2point.tools.robustness --table-from bench-results/robustness.json --markdown

Every test cloud (as stored, before normalisation) is perturbed once per variant by
any2point.perturb, seeded by the variant's name and the cloud's row in the split, so every model
and every run sees the same clouds. The perturbed cloud then goes through the app's loaders' last
steps (strays.py: small pieces apart from the shape left out; room.py: then a floor it stands
on and walls behind it) and its preprocessing: geometry.normalise (centre, unit sphere, to the model's input count)
and FPS / k-NN computed for that cloud (the cached test geometry belongs to the clean clouds and
is not used). The "clean" row runs the unperturbed clouds through the same path; it is always
measured, as the reference.
Without checkpoints, every zoo model (public/models/*/manifest.json) is run from
training/checkpoints/<id>/best.pt. --limit N takes N rows spread evenly over the split (it is
sorted by class). The variants and seeds are described in docs/robustness.md.

--split val runs the same variants on the validation part of the training split (the fixed
rows of dataset_splits.validation_rows), each seeded by its row in the training split as a test
cloud is by its row in the test split: what settings are chosen on. A model trained with a
canonical heading (TrainConfig.heading) gets it after normalisation, and --up-search classifies
every cloud turned upright for each candidate up and keeps the most confident (docs/pose.md), or
with `app` (candidates +z,+y) picks as the app does: the model's learned up picker when its
upright.json was fitted on this very checkpoint (any2point.upright), else the most confident;
both turn the points only: the FPS / k-NN are those of the cloud as given (rotations keep them).
With `app` each row also counts what a user sees (the model's calibration and novelty checks, as
the app applies them): answers shown as sure, right when sure, wrong and shown as sure.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import torch

from .. import checkpoint as ckpt
from .. import geometry as geo
from .. import decide, novelty, perturb, pose, room, strays
from ..batches import batches
from ..dataset_splits import validation_rows
from ..fitted import fitted_block
from .. import upright as learned
from ..upright import manifest_block as upright_block
from ..datasets import DEFAULT_MODELNET, REPO, CloudSet, load_modelnet40
from ..index_cache import Indices, point_order
from ..metrics import scores
from ..backbones.sources import sha256_of

DEFAULT_OUT = REPO / "bench-results" / "robustness.json"
CHUNK = 32  # clouds per FPS / k-NN call: k-NN's [chunk, centres, points] tables stay small

# How the table names each variant (perturb.VARIANTS holds the functions).
LABELS = {
    "clean": "clean (as stored: z up, ModelNet40's heading)",
    "up+y": "up turned to +y", "up-y": "up turned to -y", "up+x": "up turned to +x",
    "up-x": "up turned to -x", "up-z": "up turned to -z (upside down)",
    "heading": "random heading about the up axis",
    "so3": "random rotation in SO(3)",
    "cut": "plane cut through the centroid (about half kept)",
    "view": "single viewpoint (hidden points removed)",
    "points256": "256 points", "points512": "512 points",
    "jitter1": "Gaussian jitter, 1 % of the bbox diagonal",
    "jitter2": "Gaussian jitter, 2 % of the bbox diagonal",
    "outliers5": "5 % outlier points",
    "scale": "anisotropic scale 0.7-1.3 per axis",
}


def label(name: str) -> str:
    """How the table names a variant; a turned one (perturb.turned_variant) after its variant."""
    turned = perturb.turned_variant(name)
    if turned:
        return f"{LABELS.get(turned[0], turned[0])}, then laid with its up along {turned[1]}"
    return LABELS.get(name, name)


# What the loaders do to a variant cloud before normalisation (reports before session 45 had no
# such key: their clouds were normalised as perturbed).
LOADER = "stray pieces, then a floor and walls left out (strays.py, room.py)"


def zoo_checkpoints(repo: Path = REPO) -> list[tuple[str, Path]]:
    """(id, training/checkpoints/<id>/best.pt) of every model in public/models, by id."""
    out = []
    for manifest in sorted((repo / "public" / "models").glob("*/manifest.json")):
        mid = json.loads(manifest.read_text())["id"]
        out.append((mid, repo / "training" / "checkpoints" / mid / "best.pt"))
    return out


def spread_rows(total: int, limit: int) -> np.ndarray:
    """`limit` rows spread evenly over 0 .. total-1 (all of them when limit is 0 or too large)."""
    if limit <= 0 or limit >= total:
        return np.arange(total)
    return (np.arange(limit) * total) // limit


SPLITS = ("test", "val")


def stored_clouds(root: Path, rows: np.ndarray, split: str = "test") -> np.ndarray:
    """The clouds of `rows` of the test split ("test") or the training split ("val": the
    validation rows are rows of the training split) as stored (float32 [rows, 1024, 3])."""
    name = {"test": "test_points.f32", "val": "train_points.f32"}[split]
    pts = np.memmap(Path(root) / name, "<f4", "r").reshape(-1, 1024, 3)
    return np.array(pts[rows])


def split_rows(split: str, root: Path, limit: int) -> tuple[CloudSet, np.ndarray]:
    """The split's clouds (labels, ids, classes) and the rows measured: `limit` spread evenly over
    the test split, or over the validation rows of the training split (sorted, so by class too)."""
    if split == "test":
        data = load_modelnet40("test", root)
        return data, spread_rows(len(data), limit)
    if split == "val":
        data = load_modelnet40("train", root)
        val = validation_rows(data)
        return data, val[spread_rows(len(val), limit)]
    raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)}")


def variant_points(name: str, clouds: np.ndarray, rows: np.ndarray, seed: Optional[int] = None) -> list[np.ndarray]:
    """Variant `name` of every cloud (seeded by its row, and `seed`: perturb.variant_rng) as the
    app's loaders hand it on (stray pieces, then a floor and walls left out: strays.py, room.py),
    before normalisation."""
    return [room.without_room(strays.without_strays(perturb.apply(name, c, int(r), seed))[0])
            for c, r in zip(clouds, rows)]


def normalised(points: Sequence[np.ndarray], n_in: int) -> np.ndarray:
    """Clouds normalised as the app does (a sparse one repeated): [S, n_in, 3]."""
    return np.stack([geo.normalise(p, n_in) for p in points])


def variant_clouds(name: str, clouds: np.ndarray, rows: np.ndarray, n_in: int) -> np.ndarray:
    """variant_points normalised as the app does: [S, n_in, 3]."""
    return normalised(variant_points(name, clouds, rows), n_in)


class Grown:
    """The sparse clouds of a variant grown (geometry.grow) for the app's answer (RULE-grow-answer):
    `rows` the clouds (indices into the variant) with at most N_in / 3 points (and, with
    `min_spacing`, their points farther apart than it: geometry.answers_grown, RULE-grow-spacing),
    `clouds` those clouds grown [R, n_in, 3] and `idx` their FPS / k-NN."""

    def __init__(self, points: Sequence[np.ndarray], spec: geo.GeometrySpec, votes: int,
                 min_spacing: Optional[float] = None):
        n_in = spec.points
        self.rows = np.array([i for i, p in enumerate(points) if geo.answers_grown(p, n_in, min_spacing)],
                             dtype=np.int64)
        self.clouds = (np.stack([geo.normalise(points[i], n_in, grow_sparse=True) for i in self.rows])
                       if len(self.rows) else np.zeros((0, n_in, 3), np.float32))
        self.idx = fresh_indices(self.clouds, spec, votes) if len(self.rows) else None


def fresh_indices(clouds: np.ndarray, spec: geo.GeometrySpec, starts: int = 1) -> Indices:
    """FPS / k-NN of every cloud computed now (never the disk cache), for `starts` FPS starts
    (point orders index_cache.point_order, stage-1 indices mapped back to the stored order, as
    index_cache.with_fps_starts lays them out for voting)."""
    x = torch.from_numpy(np.ascontiguousarray(clouds))
    per_start = []
    for s in range(starts):
        order = point_order(s, x.shape[1])
        fps: list[list[np.ndarray]] = [[] for _ in spec.stages]
        knn: list[list[np.ndarray]] = [[] for _ in spec.stages]
        for a in range(0, len(x), CHUNK):
            f_all, k_all, _ = geo.hierarchy(x[a:a + CHUNK][:, order], spec.stages)
            for t, (f, k) in enumerate(zip(f_all, k_all)):
                f, k = f.numpy(), k.numpy()
                if t == 0:  # stage 1 indexes points: back to the stored order
                    f, k = order[f], order[k]
                fps[t].append(f.astype(np.uint16))
                knn[t].append(k.astype(np.uint16))
        per_start.append(([np.concatenate(f) for f in fps], [np.concatenate(k) for k in knn]))
    if starts == 1:
        return Indices(*per_start[0])
    return Indices([np.stack([p[0][t] for p in per_start]) for t in range(len(spec.stages))],
                   [np.stack([p[1][t] for p in per_start]) for t in range(len(spec.stages))], starts)


@torch.no_grad()
def probabilities(model: torch.nn.Module, cloud_set: CloudSet, idx: Indices, batch_size: int, votes: int = 1) -> np.ndarray:
    """The softmax [S, classes] of every cloud of `cloud_set`, summed over FPS starts 0 .. votes-1
    (as metrics.predict sums them; its argmax is predict's)."""
    rows = np.arange(len(cloud_set))
    total = None
    for v in range(votes):
        p = np.concatenate([torch.softmax(model(*b.inputs())[0].float(), -1).numpy()
                            for b in batches(cloud_set, idx, rows, model.spec, batch_size, start=v)])
        total = p if total is None else total + p
    return total


@torch.no_grad()
def vote_outputs(model: torch.nn.Module, cloud_set: CloudSet, idx: Indices, batch_size: int,
                 votes: int, rows: Optional[np.ndarray] = None) -> tuple[np.ndarray, np.ndarray]:
    """([V, S, K] logits for FPS starts 0 .. votes-1, [S, D] features of start 0) of every cloud
    of `cloud_set` (or of its `rows` only, in their order): what the app's rule reads (decide.py)."""
    rows = np.arange(len(cloud_set)) if rows is None else rows
    logits, features = [], None
    for v in range(votes):
        lo, fe = [], []
        for b in batches(cloud_set, idx, rows, model.spec, batch_size, start=v):
            out = model(*b.inputs())
            lo.append(out[0].float().numpy())
            if v == 0:
                fe.append(out[2].float().numpy())
        logits.append(np.concatenate(lo))
        if v == 0:
            features = np.concatenate(fe)
    return np.stack(logits), features


def app_picker(checkpoint: Path, candidates: Sequence[str], log=print) -> Optional[dict]:
    """The learned up picker the app uses with this checkpoint (its upright.json, when fitted on
    this very file), or None (the app then keeps the most confident up). Only for the app's
    candidates +z, +y."""
    if tuple(candidates) != ("+z", "+y"):
        raise ValueError(f"--up-search app: the app's candidates are +z,+y, got {','.join(candidates)}")
    return fitted_block(checkpoint, "upright.json", upright_block, "any2point.tools.upright", log)


def true_up(name: str) -> Optional[str]:
    """The up a cloud of variant `name` has (what an up search should find); None for so3."""
    if name.startswith("up"):
        return name[2:]
    turned = perturb.turned_variant(name)
    if turned:
        return turned[1]
    return None if name == "so3" else "+z"


def shown_sure(q: np.ndarray, features: np.ndarray, calibration: Optional[dict], novelty_block: Optional[dict]
               ) -> Optional[np.ndarray]:
    """[S] True where the app shows the answer as an answer, not as "not sure" (decide.py step 4:
    the calibrated top probability of q [S, K] at least the calibration threshold and, with a
    novelty block, the turn similarity of the +z, +y features [2, S, D] at most its threshold);
    None for a model without a calibration."""
    if calibration is None:
        return None
    similarity = novelty.turn_similarity(features[0], features[1]) if novelty_block else None
    checks = decide.not_sure_either(q, calibration["threshold"], similarity,
                                    novelty_block["threshold"] if novelty_block else None)
    return ~checks["notSure"]


def classify(model: torch.nn.Module, heading: str, clouds: np.ndarray, labels: np.ndarray, classes: list[str],
             idx: Indices, batch_size: int, votes: int, up_search: str, candidates: Sequence[str],
             upright: Optional[dict] = None, calibration: Optional[dict] = None, novelty_block: Optional[dict] = None,
             grown: Optional[Grown] = None) -> tuple[np.ndarray, Optional[list[str]], Optional[np.ndarray]]:
    """Top-1 of every cloud: the model's heading handling on the points, the network; with an up
    search, every candidate up's turn classified and one kept: "max" the most confident
    (any2point.decide without a learned picker), "app" the app's rule itself (decide.py with the
    model's `upright` picker when it has one, its `calibration` temperature and its "not sure"
    checks: exactly what the app does with its up on Auto), "entropy" pose.pick_up's alternative.
    Returns the predictions, with a search the candidate up picked per cloud (its name), and with
    "app" and a calibration whether the app shows each answer as sure (shown_sure). With "app" and
    `grown`, the answer of those clouds is read from their grown passes under the same up weights
    (grown_answer)."""
    def turned(points: np.ndarray) -> CloudSet:
        return CloudSet(pose.apply_heading(points, heading), labels, [""] * len(labels), classes)

    def probs(points: np.ndarray) -> np.ndarray:
        return probabilities(model, turned(points), idx, batch_size, votes)
    if up_search == "none":
        return probs(clouds).argmax(-1).astype(np.int64), None, None
    if up_search in ("max", "app"):
        outs = [vote_outputs(model, turned(c), idx, batch_size, votes) for c in pose.up_candidates(clouds, tuple(candidates))]
        logits, features = np.stack([o[0] for o in outs]), np.stack([o[1] for o in outs])
        app = up_search == "app"
        t = calibration["temperature"] if app and calibration else 1.0
        mix = app and decide.answers_mixture(calibration, upright)
        look = upright.get("secondLook") if app and upright else None
        if look is None:
            q, picks = decide.answer(logits, t, features, upright if app else None, mixture=mix)
            names = [candidates[k] for k in picks]
            weights = answer_weights(logits, features, upright if app else None, mix)
        else:
            # The picker's second look, as the app takes it: the other four ups classified only for
            # the clouds where the trigger says the up is likely neither +z nor +y (docs/pose.md "H").
            q, names, weights = second_look(model, turned, clouds, idx, batch_size, votes, logits, features, upright, t, mix)
        if app and grown is not None and len(grown.rows):
            q[grown.rows] = grown_answer(model, heading, grown, labels, classes, batch_size, votes,
                                         weights[:, grown.rows], t, (*candidates, *learned.SECOND_LOOK_UPS))
        sure = shown_sure(q, features, calibration, novelty_block) if app else None
        return q.argmax(-1).astype(np.int64), names, sure
    per = np.stack([probs(c) for c in pose.up_candidates(clouds, tuple(candidates))])
    picks = pose.pick_up(per / votes, up_search)
    return pose.searched(per, picks=picks).argmax(-1).astype(np.int64), [candidates[k] for k in picks], None


def answer_weights(logits: np.ndarray, features: np.ndarray, upright: Optional[dict], mixture: bool) -> np.ndarray:
    """[U, S]: how much each candidate up's passes weigh in the answer (decide.py step 3): the
    mixture's up weights, or all of it on the picked up."""
    if mixture:
        return decide.up_weights(logits, features, upright)
    picks = decide.pick_up(logits, features, upright)
    return (np.arange(len(logits))[:, None] == picks[None]).astype(np.float64)


def grown_answer(model, heading: str, grown: Grown, labels: np.ndarray, classes: list[str], batch_size: int,
                 votes: int, weights: np.ndarray, temperature: float, ups: Sequence[str]) -> np.ndarray:
    """Q [R, K] of the grown clouds: sum over u of W[u] mean_v softmax(L_u / T), L_u the logits of
    the grown cloud turned to up u, for the ups with a weight (RULE-grow-answer: the weights, from
    the cloud as given, say which ups; the grown passes give the probabilities)."""
    sub_labels = labels[grown.rows]
    q = np.zeros((len(grown.rows), len(classes)))
    for u, turned in enumerate(pose.up_candidates(grown.clouds, tuple(ups))):
        need = np.nonzero(weights[u] > 0)[0]
        if not len(need):
            continue
        cs = CloudSet(pose.apply_heading(turned, heading), sub_labels, [""] * len(sub_labels), classes)
        lo, _ = vote_outputs(model, cs, grown.idx, batch_size, votes, need)
        q[need] += weights[u, need, None] * decide.softmax(lo, temperature).mean(0)
    return q


def second_look(model, turned, clouds: np.ndarray, idx: Indices, batch_size: int, votes: int,
                logits: np.ndarray, features: np.ndarray, upright: dict, temperature: float = 1.0,
                mixture: bool = False) -> tuple[np.ndarray, list[str], np.ndarray]:
    """decide.py's rule with the picker's second look, from the +z, +y outputs (logits [2, V, S, K],
    features [2, S, D]): the four other ups classified for the clouds that need them only.
    Returns the answer's probabilities Q [S, K] at `temperature` (with `mixture`: over the ups,
    decide.py step 3), the up kept, per cloud, and the weights [6, S] of the six ups in Q
    (answer_weights; zero for the ups not classified)."""
    ups = (*decide.APP_UPS, *learned.SECOND_LOOK_UPS)
    conf = decide.softmax(logits).mean(1).max(-1)
    need = np.nonzero(learned.needs_second_look(learned.look_trigger(features, conf, upright["secondLook"]),
                                                upright["secondLook"]["below"]))[0]
    q, picks = decide.answer(logits, temperature, features, upright, mixture=mixture)
    names = [ups[k] for k in picks]
    weights = np.zeros((len(ups), len(picks)))
    weights[:2] = answer_weights(logits, features, upright, mixture)
    if len(need):
        more = [vote_outputs(model, turned(c), idx, batch_size, votes, need)
                for c in pose.up_candidates(clouds, learned.SECOND_LOOK_UPS)]
        all_logits = np.concatenate([logits[:, :, need], np.stack([o[0] for o in more])])
        all_features = np.concatenate([features[:, need], np.stack([o[1] for o in more])])
        q6, picks6 = decide.answer(all_logits, temperature, all_features, upright, mixture=mixture)
        q[need] = q6
        weights[:, need] = answer_weights(all_logits, all_features, upright, mixture)
        for i, k in zip(need, picks6):
            names[i] = ups[k]
    return q, names, weights


def run(checkpoints: Sequence[tuple[str, Path]], variants: Sequence[str], limit: int = 0, votes: int = 1,
        batch_size: int = 64, root: Path = DEFAULT_MODELNET, log=print, split: str = "test",
        up_search: str = "none", candidates: Sequence[str] = pose.UP_CANDIDATES,
        on_variant: Optional[Callable[[dict], None]] = None, earlier: Optional[dict] = None,
        grow_answer: bool = False, seed: int = perturb.BASE_SEED) -> dict:
    """The benchmark: for every variant (clean first), every model's overall and mean class
    accuracy on the same perturbed clouds. Models sharing a geometry spec share its FPS / k-NN.
    After each variant `on_variant` gets the report so far ("complete": false until the last);
    the variants of an `earlier` such report of the same run (resumable(): the same clouds,
    settings, checkpoint files and fitted blocks) are kept instead of computed again. With
    `grow_answer` (and the app's rule) a sparse cloud's answer is read from it grown (Grown).
    `seed` draws the variants (perturb.variant_rng): the benchmark's is BASE_SEED; others give
    more validation draws of the same variants (a rule judged on one draw can be lucky)."""
    if split == "test" and seed != perturb.BASE_SEED:
        raise ValueError(f"the test rows are drawn with seed {perturb.BASE_SEED} only (other draws: --split val)")
    models, pickers, checks = [], {}, {}
    for mid, path in checkpoints:
        model, cfg, _ = ckpt.load_model(Path(path))
        models.append((mid, Path(path), model, cfg.heading))
        if up_search == "app":
            pickers[mid] = app_picker(Path(path), candidates, log)
            checks[mid] = (fitted_block(Path(path), "calibration.json", decide.manifest_block, "any2point.tools.calibrate", log),
                           fitted_block(Path(path), "novelty.json", novelty.manifest_block, "any2point.tools.novelty", log))
    # How each model's app rule answers a sparse cloud (decide.py step 5): its calibration's rule
    # ("grown", or "grown above spacing s" with a growSpacing), or grown for every model with
    # `grow_answer` (a candidate measured before its adoption; the calibration's spacing kept).
    sparse = {mid: sparse_rule(checks[mid][0], grow_answer) if up_search == "app" else "repeated"
              for mid, _, _, _ in models}
    test, rows = split_rows(split, root, limit)  # labels, ids, classes (and a check of the files)
    raw = stored_clouds(root, rows, split)
    labels = test.labels[rows]
    names = ["clean", *[v for v in variants if v != "clean"]]
    results: dict[str, dict] = {mid: {} for mid, _, _, _ in models}
    fitted = {mid: fitted_fingerprint(path, pickers.get(mid), *checks.get(mid, (None, None))) for mid, path, _, _ in models}

    def report(complete: bool) -> dict:
        return {
            "benchmark": "robustness (docs/robustness.md)",
            "split": "ModelNet40 test" if split == "test" else "ModelNet40 validation (part of the training split)",
            "heading": {mid: heading for mid, _, _, heading in models},
            "upSearch": up_search if up_search == "none" else {
                "rule": up_search, "candidates": list(candidates),
                **({"picker": {mid: ("learned, second look below " + str(pickers[mid]["secondLook"]["below"])
                                     if pickers.get(mid) and pickers[mid].get("secondLook") else
                                     "learned" if pickers.get(mid) else "max-softmax") for mid, _, _, _ in models}}
                   if up_search == "app" else {})},
            "clouds": int(len(rows)),
            "rows": rows.tolist(),  # the clouds' rows in the split; "predictions" follow this order
            "labels": labels.tolist(),
            "votes": votes,
            "seed": seed,
            "loader": LOADER,
            **({"sparse": sparse} if up_search == "app" else {}),
            "variants": names if complete else [n for n in names if all(n in results[m] for m in results)],
            "complete": complete,
            "models": [{"id": mid, "checkpoint": str(path), "fitted": fitted[mid], "variants": results[mid]}
                       for mid, path, _, _ in models],
        }

    if earlier is not None:
        kept = resumable(earlier, report(False))
        for mid in results:
            results[mid].update({n: kept[mid][n] for n in names if n in kept.get(mid, {})})
        if log and any(results.values()):
            log(f"kept from the earlier report: {', '.join(n for n in names if all(n in results[m] for m in results))}")
    for name in names:
        if all(name in results[mid] for mid in results):
            continue
        shared: dict[tuple, tuple[CloudSet, Indices, float, list[np.ndarray]]] = {}
        grown_of: dict[tuple, Grown] = {}
        for mid, path, model, heading in models:
            t0 = time.time()
            key = (model.spec.points, model.spec.stages)
            if key not in shared:
                points = variant_points(name, raw, rows, seed)
                clouds = normalised(points, model.spec.points)
                cloud_set = CloudSet(clouds, labels, [test.ids[r] for r in rows], test.classes)
                shared[key] = (cloud_set, fresh_indices(clouds, model.spec, votes), time.time() - t0, points)
                t0 = time.time()
            cloud_set, idx, geometry_s, points = shared[key]
            grown = None
            if sparse[mid] != "repeated":
                spaced = (key, sparse[mid])
                if spaced not in grown_of:
                    grown_of[spaced] = Grown(points, model.spec, votes, sparse_spacing(sparse[mid]))
                grown = grown_of[spaced]
            pred, picks, sure = classify(model, heading, cloud_set.points, labels, test.classes, idx, batch_size, votes,
                                         up_search, candidates, pickers.get(mid), *checks.get(mid, (None, None)), grown=grown)
            s = scores(labels, pred, test.classes)
            results[mid][name] = {"overallAccuracy": s["overallAccuracy"], "meanClassAccuracy": s["meanClassAccuracy"],
                                  "count": s["count"], "geometrySeconds": round(geometry_s, 1),
                                  "modelSeconds": round(time.time() - t0, 1), "predictions": pred.tolist()}
            found = ""
            if sure is not None:
                results[mid][name].update(answered(pred == labels, sure), sure=sure.tolist())
                found += ", " + sure_text(results[mid][name])
            if picks is not None:
                want = true_up(name)
                results[mid][name]["upPicks"] = picks
                picker = pickers.get(mid)
                considered = (*candidates, *(learned.SECOND_LOOK_UPS if picker and picker.get("secondLook") else ()))
                if want in considered:
                    right = float(np.mean([k == want for k in picks]))
                    results[mid][name]["upFound"] = right
                    found += f", up {want} found for {100 * right:.1f} %"
            if log:
                log(f"{mid} {name}: OA {s['overallAccuracy']:.4f}, mean class {s['meanClassAccuracy']:.4f} "
                    f"({len(rows)} clouds; geometry {geometry_s:.1f} s, model {time.time() - t0:.1f} s{found})")
        if on_variant is not None and name != names[-1]:
            on_variant(report(False))
    return report(True)


def sparse_rule(calibration: Optional[dict], grow_answer: bool = False) -> str:
    """How the app answers a model's sparse clouds (decide.py step 5), as a report names it:
    "repeated", "grown", or "grown above spacing <growSpacing>" (RULE-grow-spacing)."""
    calibration = calibration or {}
    if not grow_answer and calibration.get("sparse") != "grown":
        return "repeated"
    spacing = calibration.get("growSpacing")
    return "grown" if spacing is None else f"grown above spacing {spacing!r}"


def sparse_spacing(rule: str) -> Optional[float]:
    """The growSpacing of a sparse_rule() name (None: every sparse cloud grown)."""
    return float(rule.rsplit(" ", 1)[1]) if rule.startswith("grown above spacing ") else None


def fitted_fingerprint(path: Path, picker: Optional[dict], calibration: Optional[dict], novelty_block: Optional[dict]) -> str:
    """sha256 of what a row depends on besides the clouds: the checkpoint file and the blocks fitted
    for it that the app's rule reads (picker, calibration, novelty)."""
    blocks = json.dumps([picker, calibration, novelty_block], sort_keys=True, default=str)
    return hashlib.sha256((sha256_of(path) + blocks).encode()).hexdigest()


RUN_KEYS = ("split", "heading", "upSearch", "clouds", "rows", "votes", "seed", "loader", "sparse")


def resumable(earlier: dict, now: dict) -> dict:
    """{model id: {variant: result}} of an earlier report that this run may keep: the same split,
    clouds, votes, seed and up rule, and per model the same checkpoint file and fitted blocks
    (fitted_fingerprint). Raises ValueError saying what differs otherwise."""
    for k in RUN_KEYS:
        if earlier.get(k) != now.get(k):
            raise ValueError(f"the earlier report differs in {k!r}: start a fresh run (another --out)")
    fitted = {m["id"]: m.get("fitted") for m in earlier.get("models", [])}
    out = {}
    for m in now["models"]:
        if m["id"] not in fitted:
            continue
        if fitted[m["id"]] != m["fitted"]:
            raise ValueError(f"the earlier report's {m['id']} was another checkpoint or fitted block: start a fresh run")
        out[m["id"]] = next(e["variants"] for e in earlier["models"] if e["id"] == m["id"])
    return out


def answered(right: np.ndarray, sure: np.ndarray) -> dict:
    """What a user sees (right [S], sure [S] bool): the share of answers shown as sure, how often
    those are right (None when none is), and the share of all clouds given a wrong answer shown as
    sure (a wrong answer presented as an answer)."""
    right, sure = np.asarray(right, bool), np.asarray(sure, bool)
    return {"shownSure": float(sure.mean()),
            "rightWhenSure": float(right[sure].mean()) if sure.any() else None,
            "wrongShownSure": float((sure & ~right).mean())}


def _pct(x: Optional[float]) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def sure_text(row: dict) -> str:
    return (f"shown as sure {_pct(row['shownSure'])} % (right {_pct(row['rightWhenSure'])} %; "
            f"wrong and shown as sure {_pct(row['wrongShownSure'])} %)")


def text_table(report: dict) -> str:
    lines = []
    for m in report["models"]:
        clean = m["variants"]["clean"]
        lines.append(f"{m['id']} ({report['clouds']} clouds, {report['votes']} vote{'s' if report['votes'] > 1 else ''})")
        lines.append(f"  {'variant':<12} {'OA %':>6} {'mAcc %':>7} {'OA - clean':>11}")
        for name, r in m["variants"].items():
            delta = 100 * (r["overallAccuracy"] - clean["overallAccuracy"])
            found = f"  up found {_pct(r['upFound'])} %" if "upFound" in r else ""
            found += f"  {sure_text(r)}" if "shownSure" in r else ""
            lines.append(f"  {name:<12} {_pct(r['overallAccuracy']):>6} {_pct(r['meanClassAccuracy']):>7} {delta:>+11.1f}{found}")
    return "\n".join(lines)


def markdown_table(report: dict) -> str:
    """One row per variant, one column per model: overall accuracy / mean class accuracy, in %."""
    models = report["models"]
    head = "| variant | " + " | ".join(f"{m['id']} OA / mAcc" for m in models) + " |"
    lines = [head, "| --- |" + " ---: |" * len(models)]
    for name in report["variants"]:
        cells = [f"{_pct(m['variants'][name]['overallAccuracy'])} / {_pct(m['variants'][name]['meanClassAccuracy'])}"
                 for m in models]
        lines.append(f"| {label(name)} | " + " | ".join(cells) + " |")
    return "\n".join(lines + ["", sure_table(report)] if any("shownSure" in r for m in models for r in m["variants"].values())
                     else lines)


def sure_table(report: dict) -> str:
    """What a user sees with the app's rule: per variant and model, the answers shown as sure (%),
    how often those are right (%), and the clouds given a wrong answer shown as sure (%)."""
    models = [m for m in report["models"] if any("shownSure" in r for r in m["variants"].values())]
    head = "| variant | " + " | ".join(f"{m['id']} shown sure / right when sure / wrong shown sure" for m in models) + " |"
    lines = [head, "| --- |" + " ---: |" * len(models)]
    for name in report["variants"]:
        cells = []
        for m in models:
            r = m["variants"][name]
            cells.append(f"{_pct(r['shownSure'])} / {_pct(r['rightWhenSure'])} / {_pct(r['wrongShownSure'])}"
                         if "shownSure" in r else "-")
        lines.append(f"| {label(name)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_variants(spec: str) -> list[str]:
    if spec == "all":
        return list(perturb.VARIANTS)
    names = [v.strip() for v in spec.split(",") if v.strip()]
    unknown = [v for v in names if not perturb.known(v)]
    if unknown or not names:
        raise ValueError(f"unknown variant(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose 'all' or from {', '.join(perturb.VARIANTS)} (or one followed by an up axis: "
                         f"heading+x is a random heading, then turned to +x up)")
    return names


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.robustness", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoints", nargs="*", type=Path, help="default: every zoo model's training/checkpoints/<id>/best.pt")
    ap.add_argument("--variants", default="all", help=f"'all' or a comma list of: {', '.join(perturb.VARIANTS)}")
    ap.add_argument("--split", choices=SPLITS, default="test",
                    help="test (default) or val: the validation part of the training split, where settings are chosen")
    ap.add_argument("--limit", type=int, default=0, help="this many clouds, spread evenly over the split (default: all)")
    ap.add_argument("--up-search", choices=("none", "app", "max", "entropy"), default="none",
                    help="classify every candidate up and keep one: the app's rule (its learned picker; candidates +z,+y), "
                         "the most confident (largest max-softmax) or the lowest entropy")
    ap.add_argument("--up-candidates", default=",".join(pose.UP_CANDIDATES),
                    help=f"the candidate ups of --up-search (default {','.join(pose.UP_CANDIDATES)})")
    ap.add_argument("--grow-answer", action="store_true",
                    help="with --up-search app: a cloud of at most N_in / 3 points answered from its grown passes "
                         "(the up found on it as given; RULE-grow-answer)")
    ap.add_argument("--seed", type=int, default=perturb.BASE_SEED,
                    help=f"with --split val: draw the variants with this seed instead of the benchmark's {perturb.BASE_SEED} "
                         "(more validation draws of the same variants)")
    ap.add_argument("--votes", type=int, default=1, help="mean softmax over this many FPS starts per cloud (default 1)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT.relative_to(REPO)})")
    ap.add_argument("--resume", action="store_true",
                    help="keep the variants of --out written by an earlier, stopped run of the same settings "
                         "(the report is written after every variant)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    ap.add_argument("--table-from", type=Path, metavar="JSON", help="only print the table of a report written earlier")
    a = ap.parse_args(argv)
    if a.table_from:
        report = json.loads(a.table_from.read_text())
        print(markdown_table(report) if a.markdown else text_table(report))
        return 0
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    try:
        variants = parse_variants(a.variants)
    except ValueError as e:
        ap.error(str(e))
    if a.votes < 1:
        ap.error(f"--votes must be at least 1, got {a.votes}")
    if a.seed != perturb.BASE_SEED and a.split != "val":
        ap.error(f"--seed: the test rows are drawn with seed {perturb.BASE_SEED} only; other draws are for --split val")
    candidates = [c.strip() for c in a.up_candidates.split(",") if c.strip()]
    if not candidates or any(c not in pose.UP_CANDIDATES for c in candidates) or len(set(candidates)) < len(candidates):
        ap.error(f"--up-candidates: a comma list of distinct ups from {','.join(pose.UP_CANDIDATES)}, got {a.up_candidates!r}")
    checkpoints = [(p.parent.name, p) for p in a.checkpoints] if a.checkpoints else zoo_checkpoints()
    missing = [str(p) for _, p in checkpoints if not p.exists()]
    if missing:
        print(f"robustness: checkpoint(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    if a.up_search == "app" and tuple(candidates) != ("+z", "+y"):
        if a.up_candidates != ",".join(pose.UP_CANDIDATES):
            ap.error(f"--up-search app: the app's candidates are +z,+y, got {a.up_candidates!r}")
        candidates = ["+z", "+y"]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    earlier = None
    if a.resume and a.out.exists():
        earlier = json.loads(a.out.read_text())
    save = lambda r: a.out.write_text(json.dumps(r, indent=1) + "\n")
    try:
        report = run(checkpoints, variants, a.limit, a.votes, a.batch_size, a.data_root, split=a.split,
                     up_search=a.up_search, candidates=candidates, on_variant=save, earlier=earlier,
                     grow_answer=a.grow_answer, seed=a.seed)
    except ValueError as e:
        print(f"robustness: --resume {a.out}: {e}", file=sys.stderr)
        return 1
    save(report)
    print(markdown_table(report) if a.markdown else text_table(report))
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
