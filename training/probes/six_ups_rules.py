"""Probe for docs/pose.md "G" (searching all six ups), step 2 of 2: rules that pick an up, compared
on the outputs six_ups_outputs.py saved (numpy only, no network).

Every cloud's true up is +z (candidate 0), so a rule is right about the up when it keeps
candidate 0; OA is that of the class read under the up it keeps. Per variant:
  true up     the class read under +z (an oracle);
  app         the learned up picker (upright.json) over +z, +y: what the app does on Auto;
  six         the same picker over all six ups;
  conf        the most confident (max softmax) of the six;
  geo         a network-free prior: a conditional logit on height features (up_rules), fitted
              by 5-fold cross-validation over the clouds: how often it ranks the true up first,
              in its top 2 or top 3; its top 2 then the picker; the picker's score plus the
              prior's (weights 0.5, 1, 2) over the six;
  refit       the picker's inputs (features, ln confidence) refitted six-way as a conditional
              logit, cross-validated.
Then, pooled over the variants (every pose of a cloud in one fold):
  two-up      the two-up picker (+z, +y) refitted with the height features added: "feat+conf"
              (the picker's own inputs), "feat+conf+geo", "conf+geo" (no network features).
When the picker was fitted on these very clouds (the shipped one on validation), the app and
six rows are in-sample and flatter it a little; the refitted rows are not.

    PYTHONPATH=training python3 training/probes/six_ups_rules.py six.npz [--upright upright.json]
        [--variants clean] [--rules app,six,conf,geo,refit,twoup] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from any2point import decide, pose, upright

import up_rules as R

RULES = ("app", "six", "conf", "geo", "refit", "twoup")
GEO_LAMBDAS = (1e-3, 1e-2)
GEO_WEIGHTS = (0.5, 1.0, 2.0)
REFIT_LAMBDAS = (1e-3, 1e-2)
TWO_UP_LAMBDAS = (1e-3, 3e-3, 1e-2)
TWO_UP_DESIGNS = {"feat+conf": (True, False), "feat+conf+geo": (True, True), "conf+geo": (False, True)}


def load_picker(path: Path, sha: str | None) -> dict:
    """The picker's weights; refuses one fitted on another checkpoint than the outputs'."""
    block = json.loads(path.read_text())
    fitted_on = block.get("checkpointSha256")
    if sha and fitted_on and fitted_on != sha:
        raise SystemExit(f"{path} was fitted on checkpoint {fitted_on[:12]}.., the outputs come from {sha[:12]}..")
    if not sha:
        print(f"note: the npz records no checkpoint sha256; {path} was fitted on {str(fitted_on)[:12]}..")
    return {"weights": np.asarray(block["weights"], np.float64), "confidenceWeight": float(block["confidenceWeight"])}


def figure(pred: np.ndarray, labels: np.ndarray, picks: np.ndarray) -> dict:
    """OA and up found (%) of picks [S] (candidate per cloud) given the class read per candidate [U, S]."""
    s = np.arange(len(labels))
    return {"OA": round(100 * float((pred[picks, s] == labels).mean()), 4),
            "upFound": round(100 * float((picks == 0).mean()), 4)}


def show(name: str, f: dict) -> str:
    return f"{name}: {f['OA']:.1f} (found {f['upFound']:.1f})"


def per_variant(v: str, d, labels: np.ndarray, picker: dict, rules: set, fold: np.ndarray) -> dict:
    lo, fe = d[f"{v}_logits"], d[f"{v}_features"]
    conf = decide.softmax(lo).max(-1)  # [6, S]
    net = upright.scores(fe, conf, picker["weights"], picker["confidenceWeight"])  # [6, S]
    pred = lo.argmax(-1)
    zero = np.zeros(len(labels), np.int64)
    res = {"true up": figure(pred, labels, zero)}
    if "app" in rules:
        res["app: picker over +z, +y"] = figure(pred, labels, net[:2].argmax(0))
    if "six" in rules:
        res["picker over six"] = figure(pred, labels, net.argmax(0))
    if "conf" in rules:
        res["most confident of six"] = figure(pred, labels, conf.argmax(0))
    if "geo" in rules:
        g = R.standardise(R.height_features(d[f"{v}_clouds"]))
        for lam in GEO_LAMBDAS:
            gs = R.cross_validated_scores({v: g}, zero, fold, R.fit_conditional_logit, lam)[v]
            rank = np.argsort(-gs, 0, kind="stable")
            res[f"geo lam {lam:g}: true up ranked top 1 / 2 / 3"] = [
                round(100 * float((rank[:k] == 0).any(0).mean()), 4) for k in (1, 2, 3)]
            top2, s = rank[:2], np.arange(len(labels))
            two = np.where(net[top2[1], s] > net[top2[0], s], top2[1], top2[0])
            res[f"geo lam {lam:g}: its top 2, then the picker"] = figure(pred, labels, two)
            for wg in GEO_WEIGHTS:
                res[f"geo lam {lam:g}: picker + {wg:g} x geo over six"] = figure(pred, labels, (net + wg * gs).argmax(0))
    if "refit" in rules:
        x = upright.design(fe, conf)
        for lam in REFIT_LAMBDAS:
            ns = R.cross_validated_scores({v: x}, zero, fold, R.fit_conditional_logit, lam)[v]
            res[f"picker refitted six-way, lam {lam:g}"] = figure(pred, labels, ns.argmax(0))
    return res


def two_up(d, variants: list[str], labels: np.ndarray, fold: np.ndarray) -> dict:
    """The two-up picker refitted with and without the height features, pooled over the variants.
    The heights are standardised over every cloud of the variants before the folds are drawn (a
    mean and a spread per feature, no label: it leaks nothing about the up)."""
    base = {v: upright.design(d[f"{v}_features"][:2], decide.softmax(d[f"{v}_logits"][:2]).max(-1)) for v in variants}
    geo = {v: R.height_features(d[f"{v}_clouds"], ("+z", "+y")) for v in variants}
    pooled = np.concatenate([g for g in geo.values()], 1)
    geo = {v: R.standardise(g, pooled) for v, g in geo.items()}
    zero = np.zeros(len(labels), np.int64)
    res = {}
    for name, (feat, use_geo) in TWO_UP_DESIGNS.items():
        x = {v: np.concatenate(([base[v]] if feat else [base[v][..., -1:]]) + ([geo[v]] if use_geo else []), -1)
             for v in variants}
        for lam in TWO_UP_LAMBDAS:
            sc = R.cross_validated_scores(x, zero, fold, R.fit_two_way, lam)
            res[f"{name} lam {lam:g}"] = {v: figure(d[f"{v}_logits"][:2].argmax(-1), labels, sc[v].argmax(0))
                                          for v in variants}
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz", type=Path, help="the outputs of six_ups_outputs.py")
    ap.add_argument("--upright", type=Path, default=None,
                    help="the picker's upright.json (default: the one beside the checkpoint the npz records)")
    ap.add_argument("--variants", default="", help="comma-separated variants (default: all in the npz)")
    ap.add_argument("--rules", default=",".join(RULES), help="comma-separated subset of %(default)s")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds over the clouds")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    rules = set(r for r in args.rules.split(",") if r)
    if rules - set(RULES):
        ap.error(f"unknown rules {sorted(rules - set(RULES))}; choose from {','.join(RULES)}")

    d = np.load(args.npz)
    if "ups" in d.files and tuple(str(u) for u in d["ups"]) != pose.UP_CANDIDATES:
        ap.error("the npz's candidate ups are not pose.UP_CANDIDATES")
    present = [k[: -len("_logits")] for k in d.files if k.endswith("_logits")]
    variants = [v for v in args.variants.split(",") if v] or present
    if set(variants) - set(present):
        ap.error(f"variants {sorted(set(variants) - set(present))} are not in {args.npz} (it has {','.join(present)})")
    path = args.upright
    if path is None:
        if "checkpoint" not in d.files:
            ap.error("the npz records no checkpoint: give --upright")
        path = Path(str(d["checkpoint"])).parent / "upright.json"
    picker = load_picker(path, str(d["checkpoint_sha256"]) if "checkpoint_sha256" in d.files else None)
    for v in variants:
        if f"{v}_trueUp" in d.files and int(d[f"{v}_trueUp"]) != 0:
            ap.error(f"variant {v!r}: these rules assume the true up is +z (candidate 0); cascade_ups.py takes any up")
    labels = d["labels"]
    fold = R.cloud_folds(len(labels), args.folds)
    print(f"{args.npz}: {len(labels)} clouds, variants {','.join(variants)}; picker {path}", flush=True)

    out = {"npz": str(args.npz), "upright": str(path), "clouds": int(len(labels)), "variants": {}}
    for v in variants:
        res = per_variant(v, d, labels, picker, rules, fold)
        out["variants"][v] = res
        print(f"== {v}", flush=True)
        for name, f in res.items():
            print("  " + (show(name, f) if isinstance(f, dict) else f"{name}: {' / '.join(f'{x:.1f}' for x in f)}"),
                  flush=True)
    if "twoup" in rules:
        out["twoUp"] = two_up(d, variants, labels, fold)
        print("== two-up picker (+z, +y) refitted, pooled over the variants, OA (found)")
        for name, per in out["twoUp"].items():
            print(f"  {name:22s} " + "  ".join(f"{v} {f['OA']:.1f} ({f['upFound']:.1f})" for v, f in per.items()),
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
