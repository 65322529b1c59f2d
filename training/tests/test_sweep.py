"""tools/sweep's packing: a run leaves the GPU machine without that machine's paths."""
import io
import json
import tarfile

import torch

from any2point.config import TrainConfig
from any2point.tools import sweep


def test_packed_runs_carry_no_machine_local_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "RUNS", tmp_path / "runs")
    run = tmp_path / "runs" / "r"
    run.mkdir(parents=True)
    cfg = TrainConfig(data_root=str(sweep.DATA), cache_dir=str(sweep.CACHE), device="cuda", run_dir=str(run), seed=3).to_dict()
    torch.save({"config": cfg, "model": {"w": torch.arange(4.0)}, "progress": {"epoch": 2}}, run / "best.pt")
    (run / "config.json").write_text(json.dumps(cfg))
    (run / "log.txt").write_text("epoch 1 done in 1s\n")
    out = tmp_path / "out"
    out.mkdir()
    sweep.pack(out, ["r", "never-started"])
    assert [p.name for p in out.iterdir()] == ["r.tar"]
    with tarfile.open(out / "r.tar") as tar:
        names = tar.getnames()
        blob = torch.load(io.BytesIO(tar.extractfile("r/best.pt").read()), weights_only=False)
        packed_cfg = json.loads(tar.extractfile("r/config.json").read())
        log = tar.extractfile("r/log.txt").read().decode()
    assert names == ["r/best.pt", "r/log.txt", "r/config.json"]
    for c in (blob["config"], packed_cfg):
        assert (c["data_root"], c["cache_dir"], c["device"]) == ("", "", "auto")
        assert c["seed"] == 3 and c["run_dir"] == str(run)  # the rest is the run's record, kept
    assert torch.equal(blob["model"]["w"], torch.arange(4.0)) and log == "epoch 1 done in 1s\n"
    assert json.loads((run / "config.json").read_text())["data_root"] == str(sweep.DATA)  # the run folder itself untouched
    assert TrainConfig.from_dict(blob["config"]).data_root == ""


def _run_with_last(runs, name, epochs=150, at=40):
    run = runs / name
    run.mkdir(parents=True)
    cfg = TrainConfig(data_root=str(sweep.DATA), cache_dir=str(sweep.CACHE), device="cuda", run_dir=str(run), epochs=epochs, seed=5).to_dict()
    for f in ("best.pt", "last.pt"):
        torch.save({"config": cfg, "model": {"w": torch.ones(2)}, "optimizer": {"state": {}}, "progress": {"epoch": at}}, run / f)
    (run / "log.txt").write_text(f"epoch {at} done in 5s\n")


def _args(tmp_path, resume_from=""):
    import argparse
    return argparse.Namespace(carry=str(tmp_path), budget=100.0, t0=0.0, device="cuda", max_epochs=300, batch_workers=2,
                              resume_from=resume_from)


def test_a_later_call_resumes_a_packed_run_on_its_own_schedule(tmp_path, monkeypatch):
    """The tar a call brought back, carried to the next call: the run goes on from its last.pt with
    that machine's paths and the epochs it was given, not a new budget's."""
    monkeypatch.setattr(sweep, "RUNS", tmp_path / "first")
    _run_with_last(tmp_path / "first", "long")
    brought = tmp_path / "brought"
    brought.mkdir()
    sweep.pack(brought, ["long"])
    monkeypatch.setattr(sweep, "RUNS", tmp_path / "second")  # the next machine: nothing there yet
    monkeypatch.setattr(sweep, "carried_backbone", lambda carry, name: None)
    seen = {}
    from any2point import train as T
    monkeypatch.setattr(T, "train", lambda cfg, resume=None, backbone_root=None: seen.update(cfg=cfg, resume=resume))
    monkeypatch.setattr(sweep, "seconds_per_step", lambda *a, **k: (_ for _ in ()).throw(AssertionError("a resumed run is not timed")))
    sweep.worker(_args(tmp_path, str(brought)), "long", ["--epochs", "150"])
    cfg, blob = seen["cfg"], seen["resume"]
    assert blob["progress"]["epoch"] == 40 and cfg.epochs == 150 and cfg.seed == 5
    assert (cfg.data_root, cfg.cache_dir, cfg.device, cfg.batch_workers) == (str(sweep.DATA), str(sweep.CACHE), "cuda", 2)
    assert cfg.run_dir == str(tmp_path / "second" / "long") and (tmp_path / "second" / "long" / "log.txt").read_text() == "epoch 40 done in 5s\n"
    assert sweep.resumed(str(brought), "other") is None and sweep.resumed("", "long") is None


def test_named_epochs_are_kept_and_the_others_fit_the_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(sweep, "carried_backbone", lambda carry, name: None)
    monkeypatch.setattr(sweep, "seconds_per_step", lambda cfg, root: (0.1, 10))  # 1.25 + 1 s an epoch with slack
    import time
    monkeypatch.setattr(time, "time", lambda: 0.0)
    seen = []
    from any2point import train as T
    monkeypatch.setattr(T, "train", lambda cfg, resume=None, backbone_root=None: seen.append((cfg.epochs, resume)))
    sweep.worker(_args(tmp_path), "fixed", ["--epochs", "150"])
    sweep.worker(_args(tmp_path), "fits", [])
    assert seen == [(150, None), (44, None)]  # 100 s / 2.25 s an epoch
    assert json.loads((tmp_path / "runs" / "fixed" / "probe.json").read_text())["fixed"] is True
