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
