"""The exported graph's sin/cos (polynomial form) equal torch's within 2e-6 where the model uses them."""
import torch

from any2point.trig import graph_trig, sin_cos


def test_graph_form_matches_torch_over_the_position_range():
    x = torch.cat([torch.linspace(-300.0, 300.0, 200_001), torch.tensor([0.0, 1e-8, -3.14159265, 127.99])])
    s_ref, c_ref = sin_cos(x)
    with graph_trig():
        s, c = sin_cos(x)
    assert torch.equal(s_ref, torch.sin(x)) and torch.equal(c_ref, torch.cos(x))
    assert (s - s_ref).abs().max().item() < 2e-6
    assert (c - c_ref).abs().max().item() < 2e-6


def test_graph_form_is_not_torch_sin():
    # The polynomial really is built (the exported graph must not contain Sin/Cos).
    x = torch.linspace(-5, 5, 11)
    with graph_trig():
        traced = torch.jit.trace(lambda t: sin_cos(t)[0], x)
    assert "aten::sin" not in str(traced.graph)
