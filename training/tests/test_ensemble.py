"""An ensemble of trained models over one frozen backbone: the mean of the members' softmax, the
frozen weights once, and the same path through evaluate, export and the exported-model loader."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from any2point import checkpoint as ckpt
from any2point import data as D
from any2point.config import TrainConfig
from any2point.ensemble import combine
from any2point.evaluate import evaluate
from any2point.export import export
from any2point.latency import load_exported
from any2point.model import count_parameters
from any2point.train import train

TINY = dict(backbone="use-lite", stages=((64, 16), (16, 8)), stage_widths=(16,), head_hidden=32, batch_size=32,
            epochs=1, max_steps=2, log_every=1, warmup_epochs=0.5)


@pytest.fixture(scope="module")
def members(folder, tmp_path_factory):
    """Two USE-Lite models trained two steps each with different seeds (the second also wider)."""
    tmp = tmp_path_factory.mktemp("members")
    paths = []
    for seed, width in ((0, 16), (1, 24)):
        cfg = TrainConfig(**dict(TINY, stage_widths=(width,)), seed=seed, dataset=str(folder),
                          cache_dir=str(tmp / "cache"), run_dir=str(tmp / f"s{seed}"))
        train(cfg, log=lambda s: None)
        paths.append(tmp / f"s{seed}" / "last.pt")
    return paths


def test_ensemble_is_the_mean_softmax_of_its_members_over_one_backbone(members, tmp_path):
    torch.save(combine(members), tmp_path / "ens.pt")
    ens, cfg, blob = ckpt.load_model(tmp_path / "ens.pt")
    a, _, _ = ckpt.load_model(members[0])
    b, _, _ = ckpt.load_model(members[1])
    assert blob["members"] == 2 and not any(ckpt.is_frozen(k) for k in blob["model"])
    (ta, total_a), (tb, _), (te, total_e) = count_parameters(a), count_parameters(b), count_parameters(ens)
    assert te == ta + tb and total_e == total_a + tb  # the frozen backbone counted once
    assert all(m.backbone is ens.backbone for m in ens.members)

    s = D.load_splits(cfg.dataset, ens.spec, cfg.data_root, cfg.cache_dir, log=None)
    batch = D.make_batch(s.test, s.test_idx, np.arange(len(s.test)), ens.spec)
    with torch.no_grad():
        (le, ae), (la, aa), (lb, ab) = ens(*batch.inputs()), a(*batch.inputs()), b(*batch.inputs())
    assert not torch.allclose(la, lb, atol=1e-3)  # the members differ, so the mean is a real third model
    assert torch.allclose(le.softmax(-1), (la.softmax(-1) + lb.softmax(-1)) / 2, atol=1e-6)
    assert torch.allclose(le.exp().sum(-1), torch.ones(len(le)), atol=1e-5)  # log-probabilities
    assert torch.allclose(ae, (aa + ab) / 2, atol=1e-7)


def test_ensemble_evaluates_and_exports_like_a_single_model(members, tmp_path):
    torch.save(combine(members), tmp_path / "ens.pt")
    report = evaluate(tmp_path / "ens.pt", log=lambda s: None)
    assert report["members"] == 2 and len(report["memberConfigs"]) == 2
    assert report["parameters"]["trainable"] == count_parameters(ckpt.load_model(tmp_path / "ens.pt")[0])[0]
    (tmp_path / "report.json").write_text(json.dumps(report))
    m = export(tmp_path / "ens.pt", "test-ensemble", tmp_path / "models", tmp_path / "report.json", parity_clouds=4,
               fixtures=tmp_path / "fixtures", log=lambda s: None)
    assert m["members"] == 2 and m["name"].endswith("ensemble of 2") and m["parity"]["sameTop1"] == 4 and m["parity"]["maxLogitDiff"] < 1e-4
    # The frozen tensors are in the graph once, under the single model's names.
    single = export(members[0], "test-single", tmp_path / "models", parity_clouds=4, fixtures=tmp_path / "fixtures",
                    log=lambda s: None)
    assert [r["name"] for r in m["frozen"]["recipe"]] == [r["name"] for r in single["frozen"]["recipe"]]
    assert m["frozen"]["sha256"] == single["frozen"]["sha256"]
    # The exported model rebuilds in PyTorch from model.onnx + report.json and gives the same logits.
    rebuilt, _, manifest = load_exported(tmp_path / "models" / "test-ensemble")
    original, _, _ = ckpt.load_model(tmp_path / "ens.pt")
    golden = json.loads((tmp_path / "fixtures" / "test-ensemble.json").read_text())
    c = golden["clouds"][0]["inputs"]
    inputs = [torch.from_numpy(np.asarray(c[n]["data"], np.int64 if c[n]["type"] == "int32" else np.float32)
                               .reshape(c[n]["dims"])) for n in rebuilt.input_names()]
    with torch.no_grad():
        assert torch.equal(rebuilt(*inputs)[0], original(*inputs)[0])


def test_combine_refuses_members_that_cannot_share_inputs(members, tmp_path):
    with pytest.raises(ValueError, match="at least two"):
        combine(members[:1])
    blob = torch.load(members[1])
    torch.save(dict(blob, config=dict(blob["config"], stages=[[32, 16], [16, 8]])), tmp_path / "other.pt")
    with pytest.raises(ValueError, match="differs .* in stages"):
        combine([members[0], tmp_path / "other.pt"])
    torch.save(combine(members), tmp_path / "ens.pt")
    with pytest.raises(ValueError, match="itself an ensemble"):
        combine([members[0], tmp_path / "ens.pt"])
