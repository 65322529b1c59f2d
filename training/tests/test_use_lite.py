"""USE-Lite in PyTorch is the real model: its sentence embeddings equal the original TF.js graph's,
run each time with @tensorflow/tfjs in Node (scripts/use-lite-reference.mjs)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

# the package lives in training/; until a conftest puts it on the path, do it here
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
from any2point.backbones.tfjs_graph import TfjsGraph
from any2point.backbones.use_lite import (
    UseLite,
    default_root,
    load_graph,
    load_use_lite_sentence_encoder,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REFERENCE = os.path.join(REPO, "scripts", "use-lite-reference.mjs")
TIMING_NODE = ("module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/"
               "Layer_0/AddTimingSignal/TimingSignal/concat")
TOLERANCE = 1e-4


def word_ids(sentence: str) -> list[int]:
    """Whole-word pieces only ('▁word'): enough to feed real sentences; not a full tokenizer."""
    with open(os.path.join(default_root(), "vocab.json"), encoding="utf-8") as f:
        ids = {piece: i for i, (piece, _score) in enumerate(json.load(f))}
    return [ids["\u2581" + w] for w in sentence.split()]


def sentences() -> list[list[int]]:
    rng = np.random.default_rng(7)
    return [
        word_ids("I like it"),
        word_ids("the cat sat on the bed"),
        word_ids("a point cloud of a plane with two long arms and a small body is easy to see"),
        rng.integers(0, 8002, size=48).tolist(),  # any row of the table, id 0 included
        [0],
    ]


# TF.js runs the graph on the CPU in plain JavaScript: a 128-token sentence takes ~8 s, so the
# longest positions are checked on the timing signal alone (a sentence past the 128-token limit).
LONG = np.random.default_rng(8).integers(0, 8002, size=140).tolist()


def run_reference(tokens: list[list[int]], nodes: list[str], embeddings: bool = True) -> dict:
    node = shutil.which("node")
    assert node, "node (v20) is needed to run the original USE-Lite graph with TF.js"
    done = subprocess.run(
        [node, REFERENCE], input=json.dumps({"tokens": tokens, "nodes": nodes, "embeddings": embeddings}),
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert done.returncode == 0, f"use-lite-reference.mjs failed:\n{done.stderr}"
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def reference() -> dict:
    return run_reference(sentences(), [TIMING_NODE])


@pytest.fixture(scope="module")
def long_timing() -> dict:
    return run_reference([LONG], [TIMING_NODE], embeddings=False)["nodes"][TIMING_NODE]


@pytest.fixture(scope="module")
def encoder():
    return load_use_lite_sentence_encoder()


def padded(batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.full((len(batch), max(map(len, batch))), 3, dtype=torch.long)
    for i, s in enumerate(batch):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in batch])


def test_sentence_embeddings_equal_tfjs_graph(reference, encoder):
    assert reference["backend"] == "cpu"
    expected = np.asarray(reference["embeddings"], dtype=np.float64)
    batch = sentences()
    with torch.no_grad():
        together = encoder(*padded(batch)).double().numpy()  # padded batch, as the graph ran
        alone = np.concatenate([encoder(*padded([s])).double().numpy() for s in batch])
    assert together.shape == expected.shape == (len(batch), 512)
    worst = max(np.abs(together - expected).max(), np.abs(alone - expected).max())
    print(f"USE-Lite torch vs TF.js: max |difference| = {worst:.3g} over {len(batch)} sentences")
    assert worst < TOLERANCE
    # the check can fail: different sentences give clearly different embeddings
    assert np.abs(expected[0] - expected[1]).max() > 100 * TOLERANCE


@pytest.mark.parametrize("which", ["batch", "long"])
def test_position_encoding_equals_graph_timing_rows(which, reference, long_timing, encoder):
    signal = reference["nodes"][TIMING_NODE] if which == "batch" else long_timing
    batch = sentences() if which == "batch" else [LONG]
    rows = np.asarray(signal["values"], dtype=np.float64).reshape(signal["shape"])
    # one row per kept token, sentence after sentence, at the token's position in its sentence;
    # the graph keeps the first 128 tokens of a sentence
    positions = np.concatenate([np.arange(min(len(s), 128)) for s in batch])
    assert rows.shape == (len(positions), 256)
    ours = encoder.backbone.position_encoding(torch.tensor(positions, dtype=torch.float32)[None, None])
    assert np.abs(ours[0, 0].double().numpy() - rows).max() < 1e-5


def test_position_encoding_between_integers(encoder):
    backbone = encoder.backbone
    pos = torch.tensor([[[0.0, 0.25, 17.5, 126.9]], [[3.0, 64.0, 1.5, 127.0]]])  # [B=2, M=1, T=4]
    inv = backbone.inv_timescales.double().numpy()
    angles = pos.double().numpy()[..., None] * inv
    expected = np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)
    got = backbone.position_encoding(pos)
    assert got.shape == (2, 1, 4, 256)
    assert np.abs(got.double().numpy() - expected).max() < 1e-5
    with pytest.raises(ValueError, match=r"\[B, M, T\]"):
        backbone.position_encoding(pos[0])


def test_blocks_with_zero_adapter_equal_blocks_without(encoder):
    backbone: UseLite = encoder.backbone
    torch.manual_seed(0)
    x = torch.randn(2, 1 + 20, backbone.width_in)
    seen: list[tuple[int, ...]] = []

    def zeros(h: torch.Tensor) -> torch.Tensor:
        seen.append(tuple(h.shape))
        return torch.zeros_like(h)

    with torch.no_grad():
        plain, with_zeros, with_ones = x, x, x
        for block in backbone.blocks:
            plain, probs = block(plain)
            with_zeros, _ = block(with_zeros, zeros)
            with_ones, _ = block(with_ones, torch.ones_like)
            assert probs.shape == (2, block.heads, 21, 21)
            assert torch.allclose(probs.sum(-1), torch.ones(()), atol=1e-5)
    assert plain.shape == (2, 21, backbone.width_out)
    assert torch.equal(plain, with_zeros)
    assert not torch.allclose(plain, with_ones)  # the hook really is on the residual stream
    assert seen == [(2, 21, block.adapter_width) for block in backbone.blocks]
    assert [b.heads for b in backbone.blocks] == [4, 4]
    assert (backbone.width_in, backbone.width_out) == (256, 512)
    assert backbone.grid() == {"kind": "1d", "length": 128}
    assert torch.equal(backbone.class_position(), torch.zeros(256))


def test_frozen_sources_are_the_package_bytes(encoder):
    backbone: UseLite = encoder.backbone
    graph = load_graph()
    sources = backbone.frozen_sources()
    state = backbone.state_dict()
    assert set(sources) == set(state)
    assert not any(p.requires_grad for p in backbone.parameters())
    for name, source in sources.items():
        assert source.file == "model.json"
        assert source.transform == "identity" or source.transform.startswith("reshape:")
        assert state[name].numpy().tobytes() == graph.raw_bytes(source.tensor), name


def write_tfjs_model(folder, weights: list[dict], data: bytes, shard: int) -> str:
    shards = [data[i:i + shard] for i in range(0, len(data), shard)]
    paths = [f"group1-shard{i + 1}of{len(shards)}" for i in range(len(shards))]
    for p, chunk in zip(paths, shards):
        (folder / p).write_bytes(chunk)
    model = {"modelTopology": {"node": []}, "weightsManifest": [{"paths": paths, "weights": weights}]}
    (folder / "model.json").write_text(json.dumps(model))
    return str(folder / "model.json")


def test_tfjs_reader_straddles_shards_and_dequantizes(tmp_path):
    a = np.arange(6, dtype="<f4")
    q = np.array([0, 128, 255], dtype="u1")
    h = np.array([0.5, -2.0], dtype="<f2")
    weights = [
        {"name": "a", "shape": [2, 3], "dtype": "float32"},
        {"name": "q", "shape": [3], "dtype": "float32",
         "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
        {"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
    ]
    graph = TfjsGraph(write_tfjs_model(tmp_path, weights, a.tobytes() + q.tobytes() + h.tobytes(), 10))
    assert np.array_equal(graph.tensor("a"), a.reshape(2, 3))
    assert graph.byte_ranges("a") == [("group1-shard1of4", 0, 10), ("group1-shard2of4", 0, 10),
                                      ("group1-shard3of4", 0, 4)]
    assert np.allclose(graph.tensor("q"), [-1.0, 63.0, 126.5])
    assert np.array_equal(graph.tensor("h"), [0.5, -2.0])
    with pytest.raises(KeyError, match="no weight named 'b'"):
        graph.tensor("b")


def test_tfjs_reader_rejects_short_shards(tmp_path):
    weights = [{"name": "a", "shape": [4], "dtype": "float32"}]
    path = write_tfjs_model(tmp_path, weights, b"\0" * 12, 100)
    with pytest.raises(ValueError, match="declares 16 bytes"):
        TfjsGraph(path)
