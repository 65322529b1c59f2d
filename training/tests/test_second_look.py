"""tools/second_look's fits with training clouds beside the validation ones (RULE-look-data.md):
a fold's fit never sees that fold's validation clouds, always sees every extra cloud, and the
held-out values, losses and tau stay those of the validation clouds."""
import numpy as np

from any2point import pose
from any2point.tools import second_look as S

VARIANTS = ("clean", "up+y", "up+x", "up-z")


def six_up(s: int, seed: int, d: int = 4, k: int = 3) -> dict:
    """Fake six-up outputs: the true up's first feature and confidence higher."""
    rng = np.random.default_rng(seed)
    out = {"labels": rng.integers(0, k, s)}
    for v in VARIANTS:
        up = pose.UP_CANDIDATES.index(S.true_up(v))
        f, logits = rng.normal(size=(6, s, d)), rng.normal(size=(6, s, k))
        f[up, :, 0] += 2.0
        logits[up, :, 0] += 2.0
        out[v] = {"features": f, "logits": logits, "trueUp": up}
    return out


def test_a_folds_fit_holds_out_its_validation_clouds_and_keeps_every_extra_one(monkeypatch):
    val, extra = six_up(25, 0), six_up(8, 1)
    both = S.joined(val, extra, VARIANTS)
    assert both["labels"].shape == (33,)
    np.testing.assert_array_equal(both["up+x"]["logits"][:, 25:], extra["up+x"]["logits"])
    masks = []
    real = S.fit_choice
    monkeypatch.setattr(S, "fit_choice", lambda out, variants, m, lam: masks.append(m.copy()) or real(out, variants, m, lam))
    fold = np.arange(25) % 5
    vals, lam, loss = S.held_out(val, VARIANTS, fold, "choice", lambda *a, **k: None, both)
    assert len(masks) == 5 * len(S.LAMBDAS)
    for i, m in enumerate(masks):
        assert m.shape == (33,)
        np.testing.assert_array_equal(m[:25], fold != i % 5)
        assert m[25:].all()
    assert vals["clean"].shape == (6, 25) and lam in S.LAMBDAS and set(loss) == set(S.LAMBDAS)


def test_no_extra_clouds_is_the_validation_fit_and_extra_ones_move_it():
    val, extra = six_up(25, 0), six_up(40, 1)
    fold = np.arange(25) % 5
    quiet = lambda *a, **k: None
    alone, lam, loss = S.held_out(val, VARIANTS, fold, "trigger", quiet)
    empty = {"labels": val["labels"][:0], **{v: {k: val[v][k][:, :0] for k in ("features", "logits")} for v in VARIANTS}}
    same, lam2, loss2 = S.held_out(val, VARIANTS, fold, "trigger", quiet, S.joined(val, empty, VARIANTS))
    assert lam2 == lam and loss2 == loss
    for v in VARIANTS:
        np.testing.assert_array_equal(same[v], alone[v])
    more, _, loss3 = S.held_out(val, VARIANTS, fold, "trigger", quiet, S.joined(val, extra, VARIANTS))
    assert not np.allclose(more["clean"], alone["clean"])
    assert min(loss3.values()) < min(loss.values())  # 40 more informative clouds: a better held-out fit
