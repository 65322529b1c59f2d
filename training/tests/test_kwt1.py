"""KWT-1 in PyTorch is the real model: its logits equal the original TFLite file's, run each time
by the TFLite interpreter itself (the wasm build in @tensorflow/tfjs-tflite, driven by
scripts/kwt1-reference.mjs), on the MFCC features entering the transformer and end to end on audio."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
from any2point.backbones import tflite
from any2point.backbones.kwt1 import KwtGraphError, load_kwt1_classifier, load_model, read_graph

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REFERENCE = os.path.join(REPO, "scripts", "kwt1-reference.mjs")
TOLERANCE = 1e-4


def run_tflite(model_bytes: bytes, inputs: list[np.ndarray], tmp_path) -> tuple[np.ndarray, dict]:
    """Run the original TFLite runtime on model_bytes, once per input."""
    node = shutil.which("node")
    assert node, "node (v20) is needed to run the original KWT-1 with the TFLite wasm runtime"
    path = tmp_path / f"model_{len(list(tmp_path.iterdir()))}.tflite"
    path.write_bytes(model_bytes)
    request = {"model": str(path), "inputs": [np.asarray(x, np.float32).ravel().tolist() for x in inputs]}
    done = subprocess.run([node, REFERENCE], input=json.dumps(request), capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, f"kwt1-reference failed: {done.stderr[-2000:]}"
    answer = json.loads(done.stdout)
    return np.asarray(answer["outputs"], np.float32), answer


@pytest.fixture(scope="module")
def source():
    model, _path = load_model()
    return model, read_graph(model)


@pytest.fixture(scope="module")
def classifier():
    return load_kwt1_classifier()


def features_like_the_graph(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Inputs in the range the graph's front end gives for sound (see the audio test): the first
    (energy) coefficient near -10 +- 7, higher ones shrinking from +-5, drifting over time."""
    scale = np.concatenate([[7.0], 5.0 / np.arange(1, 40) ** 0.7]).astype(np.float32)
    out = []
    for _ in range(n):
        drift = np.cumsum(rng.standard_normal((98, 40)), axis=0) * 0.2
        frame = ((rng.standard_normal((98, 40)) + drift) * scale).astype(np.float32)
        frame[:, 0] -= 10.0
        out.append(frame)
    return out


def synthetic_audio(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """1 s at 16 kHz: a voiced-like harmonic chirp with an envelope, plus noise; and silence."""
    t = np.arange(16000, dtype=np.float64) / 16000
    clips = [np.zeros(16000)]
    for _ in range(n - 1):
        f0 = rng.uniform(90, 250) * (1 + 0.3 * np.sin(2 * np.pi * rng.uniform(0.5, 3) * t))
        phase = 2 * np.pi * np.cumsum(f0) / 16000
        voice = sum(np.sin(h * phase) / h for h in range(1, 12))
        start, length = rng.uniform(0.1, 0.4), rng.uniform(0.3, 0.5)
        envelope = np.exp(-0.5 * ((t - start - length / 2) / (length / 4)) ** 2)
        clips.append(0.3 * envelope * voice + 0.01 * rng.standard_normal(16000))
    return [c.astype(np.float32) for c in clips]


def test_transformer_equals_tflite_runtime_on_features(source, classifier, tmp_path):
    model, graph = source
    # The same file, entered at the features tensor: operators before the transformer skipped.
    cut = tflite.cut(model.raw, first_operator=graph["first_transformer_op"], inputs=(graph["features"],))
    inputs = features_like_the_graph(np.random.default_rng(1), 4)
    inputs.append(np.random.default_rng(2).standard_normal((98, 40)).astype(np.float32) * 5)
    ref, answer = run_tflite(cut, inputs, tmp_path)
    assert answer["input"]["shape"] == [98, 40] and answer["output"]["shape"] == [1, 12]
    with torch.no_grad():
        ours = classifier(torch.from_numpy(np.stack(inputs))).numpy()
    diff = float(np.abs(ours - ref).max())
    print(f"KWT-1 vs TFLite runtime {answer['version']} on features: max |diff| = {diff:.3g}")
    assert diff < TOLERANCE
    assert len({int(i) for i in ref.argmax(1)}) > 1, "inputs too alike to tell a wrong model apart"


def test_end_to_end_on_audio_equals_tflite_runtime(source, classifier, tmp_path):
    """Audio -> logits by the untouched file; audio -> features by the same file with its output
    moved to the features tensor; PyTorch from those features must give the file's logits."""
    model, graph = source
    audio = synthetic_audio(np.random.default_rng(3), 4)
    logits, _ = run_tflite(model.raw, audio, tmp_path)
    features, _ = run_tflite(tflite.cut(model.raw, outputs=(graph["features"],)), audio, tmp_path)
    with torch.no_grad():
        ours = classifier(torch.from_numpy(features.reshape(-1, 98, 40))).numpy()
    diff = float(np.abs(ours - logits).max())
    print(f"KWT-1 end to end on audio: max |diff| = {diff:.3g}")
    assert diff < TOLERANCE


def test_graph_reads_as_post_norm_gelu_one_head(source):
    _model, graph = source
    blocks = graph["blocks"]
    assert len(blocks) == 12
    for b in blocks:
        assert (b["attn"]["heads"], b["attn"]["head_dim"], b["attn"]["scale"]) == (1, 64, 0.125)
        assert b["norm1"]["eps"] == pytest.approx(1e-6) and b["mlp"]["cubic"] == pytest.approx(0.044715)


def test_parameter_count_matches_model_summary(classifier):
    with open(os.path.join(REPO, "..", "shared", "backbones", "kwt1", "model_summary.txt")) as f:
        total = int(re.search(r"Total params: ([\d,]+)", f.read()).group(1).replace(",", ""))
    assert sum(p.numel() for p in classifier.parameters()) == total


def test_frozen_sources_are_the_file_bytes(source, classifier):
    model, _graph = source
    backbone = classifier.backbone
    sources = backbone.frozen_sources()
    state = backbone.state_dict()
    assert set(sources) == set(state)
    for name, src in sources.items():
        assert src.file == "non_stream.tflite"
        data = model.tensor(src.tensor).data
        if src.transform.startswith("reshape:"):
            data = data.reshape([int(d) for d in src.transform[len("reshape:"):].split(",")])
        else:
            assert src.transform == "identity"
        assert np.array_equal(state[name].numpy(), data), name
        t = model.tensor(src.tensor)  # the bytes an assembler copies out of the file
        raw = model.raw[t.offset: t.offset + t.data.nbytes]
        assert raw == state[name].numpy().astype("<f4").tobytes(), name
    assert not any(p.requires_grad for p in backbone.parameters())


def test_position_encoding_interpolates_table_rows(classifier):
    b = classifier.backbone
    table = b.pos_table.detach()
    assert b.grid() == {"kind": "1d", "length": 98}
    assert torch.equal(b.class_position(), table[0])
    pos = torch.tensor([[[0.0, 5.0, 97.0, 2.25, -3.0, 200.0]]])
    enc = b.position_encoding(pos)[0, 0]
    assert enc.shape == (6, 64)
    assert torch.allclose(enc[0], table[1]) and torch.allclose(enc[1], table[6])
    assert torch.allclose(enc[2], table[98])
    assert torch.allclose(enc[3], 0.75 * table[3] + 0.25 * table[4], atol=1e-6)
    assert torch.allclose(enc[4], table[1]) and torch.allclose(enc[5], table[98])  # clamped
    with pytest.raises(ValueError, match=r"\[B, M, T\]"):
        b.position_encoding(torch.zeros(2, 3))


def test_block_adapter_point_and_attention(classifier):
    block = classifier.backbone.blocks[3]
    x = torch.randn(2, 9, 64)
    plain, probs = block(x)
    assert probs.shape == (2, 1, 9, 9) and torch.allclose(probs.sum(-1), torch.ones(2, 1, 9))
    seen = []

    def zero(h):
        seen.append(h)
        return torch.zeros_like(h)

    same, _ = block(x, zero)
    assert torch.allclose(same, plain)
    # The adapter sees the normalised attention residual (post-norm block).
    attended, _ = block.attention(x)
    assert torch.allclose(seen[0], block.norm1(x + attended))
    moved, _ = block(x, lambda h: torch.ones_like(h))
    assert not torch.allclose(moved, plain)


def test_exports_to_onnx_opset17(classifier):
    class Probe(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = classifier.backbone
            self.adapter = torch.nn.Linear(64, 64)

        def forward(self, tokens, pos):
            backbone, adapter = self.backbone, self.adapter
            x = torch.cat([backbone.class_position().expand(1, 1, 64),
                           tokens + backbone.position_encoding(pos).mean(1)], dim=1)
            attn = []
            for block in backbone.blocks:
                x, p = block(x, adapter)
                attn.append(p[:, :, 0, 1:])
            return x[:, 0], torch.stack(attn, 1)

    buf = io.BytesIO()
    torch.onnx.export(Probe(), (torch.randn(1, 16, 64), torch.rand(1, 6, 16) * 97), buf,
                      opset_version=17, input_names=["tokens", "pos"], output_names=["cls", "attention"])
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    assert [o.name for o in proto.graph.output] == ["cls", "attention"]


def test_cut_patches_and_rejects(source):
    model, graph = source
    cut = tflite.parse(tflite.cut(model.raw, first_operator=5, inputs=(3,), outputs=(7,)))
    assert cut.inputs == (3,) and cut.outputs == (7,)
    assert [o.op for o in cut.operators] == [o.op for o in model.operators[5:]]
    assert cut.operators[0].inputs == model.operators[5].inputs
    with pytest.raises(ValueError, match="keeps that count"):
        tflite.cut(model.raw, inputs=(1, 2))
    with pytest.raises(ValueError, match="first_operator"):
        tflite.cut(model.raw, first_operator=len(model.operators))


def test_reader_rejects_other_files():
    with pytest.raises(tflite.TFLiteFormatError, match="file identifier"):
        tflite.parse(b"\x10\x00\x00\x00PK\x03\x04" + bytes(16))


def test_graph_walk_refuses_a_rewired_graph(source):
    model, graph = source
    # Feed the first residual ADD another tensor: the walk must refuse the graph.
    broken = tflite.parse(model.raw)
    x = broken.operators[graph["first_transformer_op"] + 3].outputs[0]  # output of ADD(pos_emb)
    for op in broken.operators:
        if op.op == "ADD" and x in op.inputs and op.index > graph["first_transformer_op"] + 3:
            op.inputs = tuple(i if i != x else graph["features"] for i in op.inputs)
            break
    with pytest.raises(KwtGraphError):
        read_graph(broken)
