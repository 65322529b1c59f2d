"""gather_rows (the tokenizer's row gather): the rows torch.gather picks, for every cloud of a
batch, with gradients flowing back to the gathered rows, and an ONNX graph without the broadcast
index that Expand + GatherElements would build."""
from __future__ import annotations

import io

import onnx
import torch

from any2point.tokenizer import gather_rows


def reference(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    b, c = x.shape[0], x.shape[-1]
    flat = idx.reshape(b, -1).long()
    return torch.gather(x, 1, flat[..., None].expand(b, flat.shape[1], c)).reshape(*idx.shape, c)


def test_same_rows_as_torch_gather_for_every_cloud_of_a_batch():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 50, 7, generator=g)
    for shape in [(3, 11), (3, 11, 4)]:
        idx = torch.randint(0, 50, shape, generator=g, dtype=torch.int32)
        got = gather_rows(x, idx)
        assert got.shape == (*shape, 7)
        assert torch.equal(got, reference(x, idx))
    # Cloud 1 gathers its own rows, not cloud 0's.
    idx = torch.zeros(3, 2, dtype=torch.int32)
    assert torch.equal(gather_rows(x, idx)[1, 0], x[1, 0])


def test_gradients_reach_the_gathered_rows():
    x = torch.randn(2, 5, 3, requires_grad=True)
    idx = torch.tensor([[0, 0, 4], [1, 2, 2]], dtype=torch.int32)
    gather_rows(x, idx).sum().backward()
    counts = torch.tensor([[2, 0, 0, 0, 1], [0, 1, 2, 0, 0]], dtype=torch.float32)
    assert torch.equal(x.grad, counts[..., None].expand(2, 5, 3))


def test_exports_as_a_gather_without_expand():
    class Rows(torch.nn.Module):
        def forward(self, x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
            return gather_rows(x, idx)

    buf = io.BytesIO()
    torch.onnx.export(Rows(), (torch.randn(1, 16, 4), torch.zeros(1, 8, 3, dtype=torch.int32)), buf, opset_version=17)
    ops = {n.op_type for n in onnx.load_from_string(buf.getvalue()).graph.node}
    assert "Gather" in ops
    assert not ops & {"GatherElements", "Expand"}
