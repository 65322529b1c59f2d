"""KWT-1 (Keyword Transformer, audio) as an Any2Point backbone, loaded from the TFLite file
non_stream.tflite (ARM-software/keyword-transformer, Apache-2.0).

Read off the graph's operators (docs/backbones.md, section KWT-1); the loader walks the graph
and refuses one wired differently:
  x = [class_emb ; dense(mfcc)] + pos_emb          pos_emb: 1 + 98 rows, row 0 = class token
  per block (POST-norm, as the original Keras model):
    x = LN1(x + attention(x))                       1 head; q, k, v without bias; scores * scale
    x = LN2(x + W2 gelu_tanh(W1 x + b1) + b2)       GELU as POW/MUL/ADD/TANH ops
  logits = head(x[:, 0])
Adapter point: after LN1 (the attention residual, normalised as the graph does), before the MLP.

Every frozen tensor keeps its TFLite layout: FULLY_CONNECTED weights are [out, in], as torch's
Linear, so the recipe is 'identity' (or 'reshape:' where leading 1s are dropped).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import torch
from torch import nn

from . import tflite
from .base import Adapter, Backbone, Block, FrozenSource
from .sources import SOURCES, locate

SOURCE = SOURCES["kwt1"]
_SHAPE_OPS = ("RESHAPE", "TRANSPOSE")


class KwtGraphError(ValueError):
    """non_stream.tflite is not wired the way this loader reads it."""


class _Graph:
    """Navigation over the TFLite graph, with errors that name the operator."""

    def __init__(self, model: tflite.Model):
        self.m = model

    def const(self, t: int) -> np.ndarray:
        data = self.m.tensors[t].data
        if data is None:
            raise KwtGraphError(f"KWT-1: tensor {t} ({self.m.tensors[t].name}) is not a constant")
        return data

    def is_const(self, t: int) -> bool:
        return t >= 0 and self.m.tensors[t].data is not None

    def name(self, t: int) -> str:
        return self.m.tensors[t].name

    def only(self, ops: list[tflite.Operator], what: str) -> tflite.Operator:
        if len(ops) != 1:
            raise KwtGraphError(f"KWT-1: expected one {what}, found {[(o.index, o.op) for o in ops]}")
        return ops[0]

    def consumers(self, t: int, op: str) -> list[tflite.Operator]:
        return [o for o in self.m.consumers(t) if o.op == op]

    def producer(self, t: int, op: Optional[str] = None) -> tflite.Operator:
        o = self.m.producer(t)
        if o is None or (op is not None and o.op != op):
            raise KwtGraphError(f"KWT-1: tensor {self.name(t)} is made by {o and o.op}, expected {op}")
        return o

    def through_shape_ops(self, t: int) -> tuple[int, list[tflite.Operator]]:
        """Follow t forward through single-consumer RESHAPE/TRANSPOSE ops."""
        chain = []
        while True:
            users = self.m.consumers(t)
            if len(users) != 1 or users[0].op not in _SHAPE_OPS:
                return t, chain
            chain.append(users[0])
            t = users[0].outputs[0]

    def before_reshapes(self, t: int) -> int:
        while (o := self.m.producer(t)) is not None and o.op == "RESHAPE":
            t = o.inputs[0]
        return t

    def scalar_input(self, o: tflite.Operator) -> float:
        consts = [i for i in o.inputs if self.is_const(i) and self.const(i).size == 1]
        if len(consts) != 1:
            raise KwtGraphError(f"KWT-1: operator {o.index} ({o.op}) has no single scalar constant")
        return float(self.const(consts[0]).reshape(()))

    def dense(self, o: tflite.Operator) -> tuple[int, Optional[int]]:
        """(weight tensor, bias tensor or None) of a FULLY_CONNECTED with constant weights."""
        if o.op != "FULLY_CONNECTED" or not self.is_const(o.inputs[1]):
            raise KwtGraphError(f"KWT-1: operator {o.index} ({o.op}) is not a dense layer")
        if o.option(0, "b") != 0:
            raise KwtGraphError(f"KWT-1: dense operator {o.index} has a fused activation")
        bias = o.inputs[2] if len(o.inputs) > 2 and o.inputs[2] >= 0 else None
        return o.inputs[1], bias


def _layer_norm(g: _Graph, x: int) -> tuple[dict, int]:
    """Match Keras' decomposed LayerNorm on x; returns ({gamma, beta, eps}, output tensor)."""
    mean = g.only(g.consumers(x, "MEAN"), f"MEAN of {g.name(x)}")
    if list(g.const(mean.inputs[1]).reshape(-1)) not in ([2], [-1]):
        raise KwtGraphError(f"KWT-1: layer norm at operator {mean.index} is not over the last axis")
    sq = g.only(g.consumers(x, "SQUARED_DIFFERENCE"), "SQUARED_DIFFERENCE")
    var = g.only(g.consumers(sq.outputs[0], "MEAN"), "variance MEAN")
    add_eps = g.only(g.consumers(var.outputs[0], "ADD"), "variance + eps")
    rsqrt = g.only(g.consumers(add_eps.outputs[0], "RSQRT"), "RSQRT")
    scale = g.only(g.consumers(rsqrt.outputs[0], "MUL"), "rsqrt * gamma")
    gamma = [i for i in scale.inputs if g.is_const(i)]
    mul_x = g.only([o for o in g.consumers(scale.outputs[0], "MUL") if x in o.inputs], "x * scale")
    mul_mean = g.only([o for o in g.consumers(scale.outputs[0], "MUL") if mean.outputs[0] in o.inputs],
                      "mean * scale")
    sub = g.only(g.consumers(mul_mean.outputs[0], "SUB"), "beta - mean * scale")
    if not g.is_const(sub.inputs[0]) or len(gamma) != 1:
        raise KwtGraphError(f"KWT-1: layer norm at operator {mean.index} has no constant gamma/beta")
    out = g.only([o for o in g.consumers(sub.outputs[0], "ADD") if mul_x.outputs[0] in o.inputs], "LN out")
    return {"gamma": gamma[0], "beta": sub.inputs[0], "eps": g.scalar_input(add_eps)}, out.outputs[0]


def _attention(g: _Graph, x: int) -> dict:
    """q, k, v, out projections of the self-attention reading x, told apart by data flow."""
    projections = [o for o in g.consumers(x, "FULLY_CONNECTED") if g.is_const(o.inputs[1])]
    if len(projections) != 3:
        raise KwtGraphError(f"KWT-1: {len(projections)} projections read {g.name(x)}, expected q, k, v")
    found: dict = {}
    for p in projections:
        end, chain = g.through_shape_ops(p.outputs[0])
        user = g.only(g.consumers(end, "FULLY_CONNECTED"), f"product using {g.name(end)}")
        fed_by_softmax = g.producer(g.before_reshapes(user.inputs[0])).op == "SOFTMAX"
        role = "v" if fed_by_softmax else ("q" if user.inputs[0] == end else "k")
        found[role] = (p, chain, user)
    if set(found) != {"q", "k", "v"}:
        raise KwtGraphError(f"KWT-1: attention at {g.name(x)} has roles {sorted(found)}")
    q_op, _, scores = found["q"]
    k_op, k_chain, _ = found["k"]
    v_op, _, mix = found["v"]
    # q k^T lands in [N, N]; the key chain's first reshape is [1, heads, N, head_dim].
    split = g.const(k_chain[0].inputs[1]) if k_chain else None
    if split is None or len(split) != 4:
        raise KwtGraphError("KWT-1: cannot read the head count off the key reshape")
    scale = g.only(g.consumers(scores.outputs[0], "MUL"), "score scaling")
    softmax = g.producer(g.before_reshapes(mix.inputs[0]), "SOFTMAX")
    if softmax.option(0, "f", 1.0) != 1.0:
        raise KwtGraphError("KWT-1: softmax with beta != 1")
    out_proj = g.only([o for o in g.consumers(mix.outputs[0], "FULLY_CONNECTED")], "output projection")
    result = {
        "q": g.dense(q_op), "k": g.dense(k_op), "v": g.dense(v_op), "out": g.dense(out_proj),
        "heads": int(split[1]), "head_dim": int(split[3]), "scale": g.scalar_input(scale),
    }
    if any(result[r][1] is not None for r in "qkv"):
        raise KwtGraphError("KWT-1: q/k/v projections with bias; this loader reads them without")
    result["out_tensor"] = out_proj.outputs[0]
    return result


def _gelu_mlp(g: _Graph, x: int) -> dict:
    """fc1 -> GELU (tanh form) -> fc2 reading x; returns weights, GELU constants, fc2 output."""
    fc1 = g.only([o for o in g.consumers(x, "FULLY_CONNECTED") if g.is_const(o.inputs[1])], "MLP fc1")
    h, _ = g.through_shape_ops(fc1.outputs[0])
    pow_op = g.only(g.consumers(h, "POW"), "GELU x^3")
    cubic = g.only(g.consumers(pow_op.outputs[0], "MUL"), "GELU a * x^3")
    inner = g.only(g.consumers(cubic.outputs[0], "ADD"), "GELU x + a x^3")
    to_tanh = g.only(g.consumers(inner.outputs[0], "MUL"), "GELU c * (...)")
    tanh = g.only(g.consumers(to_tanh.outputs[0], "TANH"), "GELU tanh")
    one_plus = g.only(g.consumers(tanh.outputs[0], "ADD"), "GELU 1 + tanh")
    half = g.only([o for o in g.consumers(h, "MUL") if o is not to_tanh], "GELU 0.5 * x")
    gate = g.only(g.consumers(one_plus.outputs[0], "MUL"), "GELU product")
    if half.outputs[0] not in gate.inputs:
        raise KwtGraphError(f"KWT-1: GELU at operator {pow_op.index} is wired differently")
    constants = {
        "power": g.scalar_input(pow_op), "cubic": g.scalar_input(cubic), "sqrt_2_pi": g.scalar_input(to_tanh),
        "one": g.scalar_input(one_plus), "half": g.scalar_input(half),
    }
    if constants["power"] != 3.0 or constants["one"] != 1.0 or constants["half"] != 0.5:
        raise KwtGraphError(f"KWT-1: GELU constants {constants}")
    fc2 = g.only([o for o in g.consumers(gate.outputs[0], "FULLY_CONNECTED")], "MLP fc2")
    return {"fc1": g.dense(fc1), "fc2": g.dense(fc2), "cubic": constants["cubic"],
            "sqrt_2_pi": constants["sqrt_2_pi"], "out_tensor": fc2.outputs[0]}


def _residual(g: _Graph, x: int, branch: int) -> int:
    """The ADD of x and the branch output (after its reshape)."""
    branch, _ = g.through_shape_ops(branch)
    add = g.only([o for o in g.consumers(x, "ADD") if branch in o.inputs], f"residual add on {g.name(x)}")
    return add.outputs[0]


def read_graph(model: tflite.Model) -> dict:
    """Tensor indices and constants of the whole classifier, found by walking the graph."""
    g = _Graph(model)
    pos = model.tensor("pos_emb")
    add_pos = g.only([o for o in model.consumers(pos.index) if o.op == "ADD"], "ADD of pos_emb")
    x = add_pos.outputs[0]
    concat = g.producer([i for i in add_pos.inputs if i != pos.index][0], "CONCATENATION")
    class_emb = [i for i in concat.inputs if g.is_const(i)]
    embed = g.producer(g.before_reshapes([i for i in concat.inputs if not g.is_const(i)][0]))
    graph = {"pos_emb": pos.index, "class_emb": class_emb[0], "embed": g.dense(embed),
             "features": embed.inputs[0], "first_transformer_op": embed.index, "blocks": []}
    while True:
        nxt = [o for o in model.consumers(x) if o.op == "FULLY_CONNECTED"]
        if not nxt:
            break
        attn = _attention(g, x)
        norm1, h = _layer_norm(g, _residual(g, x, attn["out_tensor"]))
        mlp = _gelu_mlp(g, h)
        norm2, x = _layer_norm(g, _residual(g, h, mlp["out_tensor"]))
        graph["blocks"].append({"attn": attn, "norm1": norm1, "mlp": mlp, "norm2": norm2})
    cls = g.only(g.consumers(x, "STRIDED_SLICE"), "class-token slice")
    begin, end = g.const(cls.inputs[1]), g.const(cls.inputs[2])
    if begin[1] != 0 or end[1] != 1:
        raise KwtGraphError(f"KWT-1: the head reads rows {begin[1]}..{end[1]}, expected the class token")
    head = g.only(g.consumers(cls.outputs[0], "FULLY_CONNECTED"), "classifier")
    if model.outputs != tuple(head.outputs):
        raise KwtGraphError("KWT-1: the classifier is not the model's output")
    graph["head"] = g.dense(head)
    return graph


class _Weights:
    """Builds frozen torch tensors from TFLite tensors and records where each came from."""

    def __init__(self, model: tflite.Model, sources: dict[str, FrozenSource]):
        self.model = model
        self.sources = sources

    def __call__(self, param: str, tensor: int, shape: Optional[tuple[int, ...]] = None) -> nn.Parameter:
        t = self.model.tensors[tensor]
        value = np.array(t.data, dtype=np.float32)
        transform = "identity"
        if shape is not None and tuple(shape) != tuple(value.shape):
            value = value.reshape(shape)
            transform = "reshape:" + ",".join(str(d) for d in shape)
        self.sources[param] = FrozenSource(SOURCE.file, t.name, transform)
        return nn.Parameter(torch.from_numpy(value), requires_grad=False)

    def linear(self, prefix: str, dense: tuple[int, Optional[int]]) -> nn.Linear:
        w, b = dense
        out_f, in_f = self.model.tensors[w].shape
        layer = nn.Linear(in_f, out_f, bias=b is not None)
        layer.weight = self(prefix + ".weight", w)
        if b is not None:
            layer.bias = self(prefix + ".bias", b)
        return layer

    def norm(self, prefix: str, spec: dict) -> nn.LayerNorm:
        gamma = self(prefix + ".weight", spec["gamma"])
        layer = nn.LayerNorm(gamma.shape[0], eps=spec["eps"])
        layer.weight = gamma
        layer.bias = self(prefix + ".bias", spec["beta"])
        return layer


class GeluTanh(nn.Module):
    """0.5 x (1 + tanh(c (x + a x^3))) with a and c as stored in the graph."""

    def __init__(self, cubic: float, sqrt_2_pi: float):
        super().__init__()
        self.cubic, self.sqrt_2_pi = cubic, sqrt_2_pi

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * x * (1.0 + torch.tanh(self.sqrt_2_pi * (x + self.cubic * x * x * x)))


class KwtBlock(Block):
    """One post-norm KWT block (see the module doc)."""

    def __init__(self, spec: dict, w: _Weights, prefix: str):
        super().__init__()
        attn = spec["attn"]
        self.heads, self.head_dim, self.scale = attn["heads"], attn["head_dim"], attn["scale"]
        self.q = w.linear(prefix + "q", attn["q"])
        self.k = w.linear(prefix + "k", attn["k"])
        self.v = w.linear(prefix + "v", attn["v"])
        self.out = w.linear(prefix + "out", attn["out"])
        self.norm1 = w.norm(prefix + "norm1", spec["norm1"])
        self.fc1 = w.linear(prefix + "fc1", spec["mlp"]["fc1"])
        self.act = GeluTanh(spec["mlp"]["cubic"], spec["mlp"]["sqrt_2_pi"])
        self.fc2 = w.linear(prefix + "fc2", spec["mlp"]["fc2"])
        self.norm2 = w.norm(prefix + "norm2", spec["norm2"])
        self.adapter_width = self.out.out_features
        if self.heads * self.head_dim != self.q.out_features:
            raise KwtGraphError(f"KWT-1: {self.heads} heads x {self.head_dim} != q width {self.q.out_features}")

    def forward(  # type: ignore[override]
        self, x: torch.Tensor, adapter: Optional[Adapter] = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        attended, probs = self.attention(x)
        x = self.norm1(x + attended)
        if adapter is not None:
            x = x + adapter(x)
        x = self.norm2(x + self.fc2(self.act(self.fc1(x))))
        return x, probs

    def attention(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, n, _ = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(b, n, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * self.scale, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, n, self.heads * self.head_dim)
        return self.out(out), probs


class Kwt1(Backbone):
    """The 12 frozen blocks and the learned position table of KWT-1."""

    name = "kwt1"
    modality = "1d"

    def __init__(self, model: tflite.Model, graph: dict, source_root: str):
        super().__init__()
        self.source_root = source_root
        self._sources: dict[str, FrozenSource] = {}
        w = _Weights(model, self._sources)
        rows, width = model.tensors[graph["pos_emb"]].shape[-2:]
        self.pos_table = w("pos_table", graph["pos_emb"], (rows, width))  # row 0 = class token
        self.blocks = nn.ModuleList(
            [KwtBlock(spec, w, f"blocks.{i}.") for i, spec in enumerate(graph["blocks"])]
        )
        self.length = rows - 1
        self.width_in = self.width_out = width

    def position_encoding(self, pos: torch.Tensor) -> torch.Tensor:
        """pos [B, M, T] in [0, L-1] (clamped) -> [B, M, T, width]: linear interpolation of table
        rows 1 + floor(pos) and 1 + min(floor(pos) + 1, L - 1) (docs/geometry.md 5.1)."""
        if pos.dim() != 3:
            raise ValueError(f"KWT-1 position_encoding: pos must be [B, M, T], got {list(pos.shape)}")
        table = self.pos_table[1:]
        pos = pos.to(table.dtype).clamp(0, self.length - 1)
        lo = torch.floor(pos)
        w = (pos - lo).unsqueeze(-1)
        i0 = lo.long()
        i1 = torch.clamp(i0 + 1, max=self.length - 1)
        return table[i0] * (1.0 - w) + table[i1] * w

    def class_position(self) -> torch.Tensor:
        return self.pos_table[0]

    def grid(self) -> dict:
        return {"kind": "1d", "length": self.length}

    def frozen_sources(self) -> dict[str, FrozenSource]:
        return dict(self._sources)


class Kwt1Classifier(nn.Module):
    """The original keyword classifier from the MFCC features on (front end excluded), for the
    proof against the TFLite runtime. The Any2Point model uses Kwt1 alone."""

    def __init__(self, model: tflite.Model, graph: dict, backbone: Kwt1):
        super().__init__()
        self.backbone = backbone
        w = _Weights(model, {})
        self.embed = w.linear("embed", graph["embed"])
        self.class_emb = w("class_emb", graph["class_emb"], (backbone.width_in,))
        self.head = w.linear("head", graph["head"])
        self.frames, self.features = model.tensors[graph["features"]].shape[-2:]

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """features [B, 98, 40] (the normalised MFCCs the graph computes) -> logits [B, 12]."""
        if features.dim() != 3 or tuple(features.shape[1:]) != (self.frames, self.features):
            raise ValueError(f"KWT-1: features must be [B, {self.frames}, {self.features}], "
                             f"got {list(features.shape)}")
        x = self.embed(features)
        cls = self.class_emb.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.backbone.pos_table
        for block in self.backbone.blocks:
            x, _ = block(x)
        return self.head(x[:, 0])


def load_model(root: Optional[str] = None) -> tuple[tflite.Model, Path]:
    path = locate(SOURCE, root)
    return tflite.load(str(path)), path


def load_kwt1(root: Optional[str] = None) -> Kwt1:
    """The frozen KWT-1 backbone (source: `root`, else ../shared/backbones/kwt1, else download)."""
    model, path = load_model(root)
    return Kwt1(model, read_graph(model), str(path.parent)).eval()


def load_kwt1_classifier(root: Optional[str] = None) -> Kwt1Classifier:
    model, path = load_model(root)
    graph = read_graph(model)
    return Kwt1Classifier(model, graph, Kwt1(model, graph, str(path.parent))).eval()

