"""export.py keeps tools/calibrate's calibration.json in a re-exported manifest only when it was
fitted on the checkpoint file being exported (checkpointSha256), and warns when it leaves it out."""
import json

from any2point.backbones.sources import sha256_of
from any2point.export import calibration_of


def test_calibration_is_kept_only_for_its_own_checkpoint(tmp_path):
    ck = tmp_path / "best.pt"
    ck.write_bytes(b"the checkpoint that was calibrated")
    block = {"checkpointSha256": sha256_of(ck), "temperature": 0.8, "threshold": 0.84, "votesPerUp": 1,
             "ups": ["+z", "+y"], "bins": 15}
    (tmp_path / "calibration.json").write_text(json.dumps(block))
    said = []
    got = calibration_of(ck, said.append)
    assert got is not None and got["temperature"] == 0.8 and "checkpointSha256" not in got and said == []

    ck.write_bytes(b"retrained since")  # same folder, another checkpoint
    assert calibration_of(ck, said.append) is None
    assert len(said) == 1 and "warning" in said[0] and "left out" in said[0]

    del block["checkpointSha256"]  # a calibration.json from before the sha was recorded
    (tmp_path / "calibration.json").write_text(json.dumps(block))
    assert calibration_of(ck, said.append) is None and "(not recorded)" in said[1]

    (tmp_path / "calibration.json").unlink()
    assert calibration_of(ck, said.append) is None and len(said) == 2  # none: nothing to say
