"""The robustness benchmark's variant clouds as files, for measuring them through the app's path.

    PYTHONPATH=training python3 -m any2point.tools.variant_files DIR [--variants all|name,...]
        [--split test|val] [--limit N]

Writes variant `name` of every measured cloud as DIR/<name>/<class>/<id>.ply (binary float32 PLY,
fewshot.write_ply), and DIR/clouds.json naming the clouds: the same rows (--limit N spread evenly
over the split) and the same seeded perturbation (perturb.apply, seeded by the cloud's row) as
`any2point.tools.robustness` measures, before normalisation, which is the app's own step. `npm run bench:robustness` classifies these
folders with the CLI (docs/robustness.md, "Through the app's path").
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from .. import perturb
from ..datasets import DEFAULT_MODELNET
from .fewshot import write_ply
from .robustness import SPLITS, parse_variants, split_rows, stored_clouds


def write_variants(out: Path, variants: Sequence[str], limit: int = 0, split: str = "test",
                   root: Path = DEFAULT_MODELNET) -> int:
    """Writes every variant's clouds under `out`, and out/clouds.json (the clouds' rows in the split,
    ids and labels, in the order of the Python report's "predictions"); returns the cloud count."""
    data, rows = split_rows(split, root, limit)
    raw = stored_clouds(root, rows, split)
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "clouds.json").write_text(json.dumps({
        "split": split, "classes": data.classes, "rows": rows.tolist(),
        "ids": [data.ids[r] for r in rows], "labels": data.labels[rows].tolist()}) + "\n")
    for name in variants:
        for cloud, r in zip(raw, rows):
            folder = Path(out) / name / data.classes[data.labels[r]]
            folder.mkdir(parents=True, exist_ok=True)
            write_ply(folder / f"{data.ids[r]}.ply", perturb.apply(name, cloud, int(r)))
    return len(rows)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m any2point.tools.variant_files", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder to write <variant>/<class>/<id>.ply into")
    ap.add_argument("--variants", default="all", help=f"'all' or a comma list of: {', '.join(perturb.VARIANTS)}")
    ap.add_argument("--split", choices=SPLITS, default="test")
    ap.add_argument("--limit", type=int, default=0, help="this many clouds, spread evenly over the split (default: all)")
    ap.add_argument("--data-root", type=Path, default=DEFAULT_MODELNET)
    a = ap.parse_args(argv)
    try:
        variants = parse_variants(a.variants)
    except ValueError as e:
        ap.error(str(e))
    count = write_variants(a.out, variants, a.limit, a.split, a.data_root)
    print(f"wrote {count} clouds x {len(variants)} variant(s) ({', '.join(variants)}) to {a.out}/<variant>/<class>/<id>.ply")
    return 0


if __name__ == "__main__":
    sys.exit(main())
