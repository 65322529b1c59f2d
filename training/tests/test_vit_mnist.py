"""ViT-MNIST in PyTorch is the real model: loaded with strict key matching from the original
state_dict, it classifies the 12 real MNIST digits shipped beside it correctly."""
from __future__ import annotations

import io
import os
import sys

import numpy as np
import onnx
import pytest
import torch

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
from any2point.backbones.sources import locate
from any2point.backbones.torch_zip import byte_ranges
from any2point.backbones.vit_mnist import (
    SourceKeyError,
    ViTMnist,
    load_state,
    load_vit_mnist_classifier,
)

DROPPED = ["cls_token", "to_patch_embedding.1.weight", "to_patch_embedding.1.bias",
           "mlp_head.0.weight", "mlp_head.0.bias", "mlp_head.1.weight", "mlp_head.1.bias"]


@pytest.fixture(scope="module")
def state():
    return load_state()[0]


@pytest.fixture(scope="module")
def classifier():
    return load_vit_mnist_classifier()


def real_digits() -> tuple[np.ndarray, np.ndarray]:
    folder = locate("vit-mnist").parent
    digits = np.fromfile(folder / "digits.u8", np.uint8)
    labels = np.fromfile(folder / "digits_labels.u8", np.uint8)
    assert digits.size == 12 * 28 * 28 and labels.size == 12
    return digits.reshape(12, 28, 28), labels


def test_classifies_the_twelve_real_digits(classifier):
    digits, labels = real_digits()
    with torch.no_grad():
        logits = classifier(torch.from_numpy(digits))
    predicted = logits.argmax(1).numpy()
    print(f"ViT-MNIST on the 12 real digits: predicted {predicted.tolist()}, labels {labels.tolist()}")
    assert predicted.tolist() == labels.tolist()
    # The same digits read column-major are not digits to it: the proof does depend on the weights.
    with torch.no_grad():
        transposed = classifier(torch.from_numpy(digits).transpose(1, 2).contiguous()).argmax(1)
    assert transposed.tolist() != labels.tolist()


def test_strict_keys_and_reported_drops(state, classifier):
    backbone = classifier.backbone
    assert backbone.mapped.dropped == DROPPED
    assert set(backbone.mapped.origin.values()) | set(DROPPED) == set(state)
    with pytest.raises(SourceKeyError, match="unknown key 'extra.weight'"):
        ViTMnist({**state, "extra.weight": torch.zeros(1)}, "nowhere")
    missing = {k: v for k, v in state.items() if k != "transformer.layers.2.1.fn.net.3.bias"}
    with pytest.raises(RuntimeError, match=r"Missing key\(s\).*blocks\.2\.fc2\.bias"):
        ViTMnist(missing, "nowhere")


def test_shapes_and_interface(classifier):
    b = classifier.backbone
    assert (b.name, b.modality, b.width_in, b.width_out, len(b.blocks)) == ("vit-mnist", "2d", 64, 64, 6)
    assert b.grid() == {"kind": "2d", "grid": 7}
    assert all(blk.heads == 4 and blk.head_dim == 64 for blk in b.blocks)
    assert not any(p.requires_grad for p in b.parameters())


def test_frozen_sources_are_the_file_tensors(state, classifier):
    backbone = classifier.backbone
    sources = backbone.frozen_sources()
    ours = backbone.state_dict()
    assert set(sources) == set(ours)
    for name, src in sources.items():
        assert src.file == "vit_mnist_gpu.pt"
        value = state[src.tensor]
        if src.transform.startswith("reshape:"):
            value = value.reshape([int(d) for d in src.transform[len("reshape:"):].split(",")])
        else:
            assert src.transform == "identity"
        assert torch.equal(ours[name], value), name


def test_byte_ranges_hold_the_tensors(state):
    """What an assembler copies out of the .pt file by offset equals the loaded tensors."""
    path = locate("vit-mnist")
    ranges = byte_ranges(path)
    assert set(ranges) == set(state)
    raw = path.read_bytes()
    for key, r in ranges.items():
        assert r.storage_type == "FloatStorage" and r.shape == tuple(state[key].shape)
        chunk = np.frombuffer(raw[r.offset: r.offset + r.nbytes], "<f4").reshape(r.shape)
        assert np.array_equal(chunk, state[key].numpy()), key


def test_position_encoding_is_bilinear_on_the_grid(classifier):
    b = classifier.backbone
    table = b.pos_table.detach()
    cell = lambda col, row: table[1 + row * 7 + col]  # noqa: E731
    assert torch.equal(b.class_position(), table[0])
    pos = torch.tensor([[[[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [6.0, 6.0],
                          [2.5, 3.0], [2.5, 3.5], [-1.0, 9.0]]]])
    enc = b.position_encoding(pos)[0, 0]
    assert enc.shape == (7, 64)
    assert torch.allclose(enc[0], cell(0, 0)) and torch.allclose(enc[3], cell(6, 6))
    assert torch.allclose(enc[1], cell(1, 0)) and torch.allclose(enc[2], cell(0, 1))  # (column, row)
    assert torch.allclose(enc[4], 0.5 * (cell(2, 3) + cell(3, 3)), atol=1e-6)
    mid = 0.25 * (cell(2, 3) + cell(3, 3) + cell(2, 4) + cell(3, 4))
    assert torch.allclose(enc[5], mid, atol=1e-6)
    assert torch.allclose(enc[6], cell(0, 6))  # clamped to the grid
    with pytest.raises(ValueError, match=r"\[B, M, T, 2\]"):
        b.position_encoding(torch.zeros(1, 2, 3))


def test_block_adapter_point(classifier):
    block = classifier.backbone.blocks[1]
    x = torch.randn(2, 11, 64)
    plain, probs = block(x)
    assert probs.shape == (2, 4, 11, 11) and torch.allclose(probs.sum(-1), torch.ones(2, 4, 11))
    seen = []

    def zero(h):
        seen.append(h)
        return torch.zeros_like(h)

    assert torch.allclose(block(x, zero)[0], plain)
    attended, _ = block.attention(block.attn_norm(x))
    assert torch.allclose(seen[0], x + attended)  # after the attention residual (pre-norm block)


def test_exports_to_onnx_opset17(classifier):
    class Probe(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = classifier.backbone
            self.adapter = torch.nn.Linear(64, 64)

        def forward(self, tokens, pos):
            b = self.backbone
            x = torch.cat([b.class_position().expand(1, 1, 64), tokens + b.position_encoding(pos).mean(1)], 1)
            attn = []
            for block in b.blocks:
                x, p = block(x, self.adapter)
                attn.append(p[:, :, 0, 1:])
            return x[:, 0], torch.stack(attn, 1)

    buf = io.BytesIO()
    torch.onnx.export(Probe(), (torch.randn(1, 16, 64), torch.rand(1, 6, 16, 2) * 6), buf,
                      opset_version=17, input_names=["tokens", "pos"], output_names=["cls", "attention"])
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    assert [o.name for o in proto.graph.output] == ["cls", "attention"]


def test_classifier_rejects_wrong_image_shape(classifier):
    with pytest.raises(ValueError, match=r"\[B, 28, 28\]"):
        classifier(torch.zeros(1, 1, 28, 28, dtype=torch.uint8))
