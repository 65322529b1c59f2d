"""The second "not sure" check (docs/confidence.md): is the cloud unlike any training shape, judged
on the network's own `features` (the head's input)? The TypeScript twin is src/model/novelty.ts;
both are tested on the same hand-worked numbers (tests/fixtures/novelty.json).

The score the app uses: the turn similarity s = cos(f_z, f_y), the cosine between the features of
the cloud classified as given (up z) and turned as the y switch turns it (up y): the two
candidate ups the automatic up runs anyway (decide.py), one vote each (point order 0). Every
training shape has an up: laid on its side it is another shape to the network (validation median
s = 0.19). A cloud the network sees the same way whichever way up it stands (a blob, a ball, a
box of noise) has none, unlike any training shape. Flagged when s > threshold, the threshold
fitted on validation clouds (tools/novelty) to flag a stated share of them.

Distances to the training features (class prototypes, nearest training cloud) were measured too
(tools/novelty prints them) and do not separate junk from real clouds on this model: the
features of a blob lie among those of plants and vases. They are kept here for that measurement
only; the app does not use them.
"""
from __future__ import annotations

import numpy as np

SCORE = "cos(features at up z, features at up y), one vote each"


def unit(features: np.ndarray) -> np.ndarray:
    """[..., D] -> float64 rows of length 1 (a zero row stays zero)."""
    f = np.asarray(features, np.float64)
    n = np.linalg.norm(f, axis=-1, keepdims=True)
    return f / np.where(n > 0, n, 1.0)


def turn_similarity(features_z: np.ndarray, features_y: np.ndarray) -> np.ndarray:
    """[S, D], [S, D] -> [S]: cos(f_z, f_y) in float64 (0 when either is a zero vector)."""
    return (unit(features_z) * unit(features_y)).sum(-1)


def threshold_for_rate(scores: np.ndarray, rate: float) -> float:
    """The smallest score t (one of `scores`) with at most `rate` of `scores` above it: flagging
    score > t flags at most that share of these clouds."""
    s = np.sort(np.asarray(scores, np.float64))
    allowed = int(np.floor(rate * len(s) + 1e-9))  # clouds that may lie above t
    return float(s[len(s) - 1 - allowed]) if allowed < len(s) else float(s[0])


def flagged(scores: np.ndarray, threshold: float) -> np.ndarray:
    """[S] True where the cloud is unlike any training shape (score above the threshold)."""
    return np.asarray(scores) > threshold


# --- the alternatives measured and not used (distances to the training features) --------------

def prototypes(features: np.ndarray, labels: np.ndarray, classes: int) -> dict:
    """{"mean": [D], "prototypes": [classes, D]}: the mean of the class means, and per class the
    mean of the centred, L2-normalised features, normalised again."""
    f = np.asarray(features, np.float64)
    labels = np.asarray(labels)
    missing = [c for c in range(classes) if not (labels == c).any()]
    if missing:
        raise ValueError(f"novelty.prototypes: no features of classes {missing}")
    mean = np.mean([f[labels == c].mean(0) for c in range(classes)], axis=0)
    z = unit(f - mean)
    return {"mean": mean, "prototypes": unit(np.stack([z[labels == c].mean(0) for c in range(classes)]))}


def prototype_distance(features: np.ndarray, reference: dict, predicted: np.ndarray | None = None) -> np.ndarray:
    """1 - cos(f - mean, P_c): to the closest prototype, or to the predicted class's."""
    s = unit(np.asarray(features, np.float64) - reference["mean"]) @ reference["prototypes"].T
    return 1.0 - (s.max(-1) if predicted is None else s[np.arange(len(s)), np.asarray(predicted)])


def nearest_distance(features: np.ndarray, bank: np.ndarray) -> np.ndarray:
    """1 - the best cosine to any feature of `bank` (the nearest training cloud)."""
    return 1.0 - (unit(features) @ unit(bank).T).max(-1)


# The fields of the manifest's `novelty` block (src/model/zoo.ts reads `threshold` and `ups`);
# tools/novelty writes it, export.py copies it from novelty.json on a re-export.
MANIFEST_KEYS = ("score", "ups", "threshold", "flagRate", "checkpointSha256", "flaggedVal", "junkCaught",
                 "withConfidence", "test")


def manifest_block(block: dict) -> dict:
    """The manifest's `novelty` block from a novelty.json."""
    return {k: block[k] for k in MANIFEST_KEYS if k in block}
