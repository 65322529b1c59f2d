"""A minimal reader of TensorFlow Lite model files (flatbuffers, schema 'TFL3').

Reads only what a backbone loader and its proof need: the tensors (shape, type, name, data),
the operators (op name, inputs, outputs, builtin options) and the subgraph's inputs/outputs.
Written from the flatbuffer wire format and the TFLite schema's field order; no TensorFlow.

Flatbuffer wire format, in short: little-endian; the file starts with a u32 offset to the root
table; a table starts with an i32 that points back to its vtable (vtable = table - value); the
vtable holds u16 sizes and then one u16 offset per field (0 = field absent, use the default);
references to tables, vectors and strings are u32 offsets relative to where they are stored;
vectors and strings start with a u32 element count.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

FILE_IDENTIFIER = b"TFL3"

# TensorType enum of the schema -> numpy dtype (only the plain numeric types).
TENSOR_TYPES: dict[int, np.dtype] = {
    0: np.dtype("<f4"),
    1: np.dtype("<f2"),
    2: np.dtype("<i4"),
    3: np.dtype("u1"),
    4: np.dtype("<i8"),
    6: np.dtype("?"),
    7: np.dtype("<i2"),
    9: np.dtype("i1"),
    10: np.dtype("<f8"),
}

# BuiltinOperator enum of the schema (the values are fixed by the schema; listed up to the ops
# a transformer graph uses). Unknown codes read as 'BUILTIN_<n>' rather than failing.
BUILTIN_OPS: dict[int, str] = {
    0: "ADD", 2: "CONCATENATION", 3: "CONV_2D", 9: "FULLY_CONNECTED", 14: "LOGISTIC",
    18: "MUL", 19: "RELU", 22: "RESHAPE", 25: "SOFTMAX", 28: "TANH", 32: "CUSTOM",
    34: "PAD", 36: "GATHER", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 42: "DIV", 43: "SQUEEZE",
    45: "STRIDED_SLICE", 47: "EXP", 49: "SPLIT", 53: "CAST", 55: "MAXIMUM", 57: "MINIMUM",
    65: "SLICE", 66: "SIN", 69: "TILE", 70: "EXPAND_DIMS", 73: "LOG", 74: "SUM", 75: "SQRT",
    76: "RSQRT", 77: "SHAPE", 78: "POW", 83: "PACK", 88: "UNPACK", 92: "SQUARE",
    99: "SQUARED_DIFFERENCE", 101: "ABS", 102: "SPLIT_V", 108: "COS", 126: "BATCH_MATMUL",
    150: "GELU",
}

# ActivationFunctionType enum (fused activations of ADD, MUL, FULLY_CONNECTED, ...).
ACTIVATIONS: dict[int, str] = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH"}


class TFLiteFormatError(ValueError):
    """The bytes are not a TFLite model this reader understands."""


class _Table:
    """One flatbuffer table: field access by slot index (the schema's field order)."""

    def __init__(self, buf: bytes, pos: int):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        vt_size = struct.unpack_from("<H", buf, vtable)[0]
        self._slots = [
            struct.unpack_from("<H", buf, vtable + 4 + 2 * i)[0] for i in range((vt_size - 4) // 2)
        ]

    def field_pos(self, slot: int) -> Optional[int]:
        """Absolute position of a field's value, or None if the field is absent."""
        if slot >= len(self._slots) or self._slots[slot] == 0:
            return None
        return self.pos + self._slots[slot]

    def scalar(self, slot: int, fmt: str, default=0):
        p = self.field_pos(slot)
        return default if p is None else struct.unpack_from("<" + fmt, self.buf, p)[0]

    def _deref(self, slot: int) -> Optional[int]:
        p = self.field_pos(slot)
        return None if p is None else p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, slot: int) -> Optional["_Table"]:
        p = self._deref(slot)
        return None if p is None else _Table(self.buf, p)

    def string(self, slot: int) -> Optional[str]:
        p = self._deref(slot)
        if p is None:
            return None
        n = struct.unpack_from("<I", self.buf, p)[0]
        return self.buf[p + 4 : p + 4 + n].decode("utf-8")

    def vector_span(self, slot: int) -> Optional[tuple[int, int]]:
        """(position of the first element, element count) of a vector field."""
        p = self._deref(slot)
        if p is None:
            return None
        return p + 4, struct.unpack_from("<I", self.buf, p)[0]

    def scalars(self, slot: int, fmt: str) -> list:
        span = self.vector_span(slot)
        if span is None:
            return []
        start, n = span
        return list(struct.unpack_from("<%d%s" % (n, fmt), self.buf, start))

    def tables(self, slot: int) -> list["_Table"]:
        span = self.vector_span(slot)
        if span is None:
            return []
        start, n = span
        out = []
        for i in range(n):
            p = start + 4 * i
            out.append(_Table(self.buf, p + struct.unpack_from("<I", self.buf, p)[0]))
        return out


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    buffer: int  # index into the model's buffers; 0 = no data (an activation)
    data: Optional[np.ndarray]  # the constant's values, read-only view into the file
    offset: int = -1  # byte offset of the data in the file (-1: none), for copying it out


@dataclass
class Operator:
    index: int
    op: str  # builtin name, e.g. 'FULLY_CONNECTED', or the custom code
    inputs: tuple[int, ...]  # tensor indices; -1 = optional input left out
    outputs: tuple[int, ...]
    options: Optional[_Table] = field(default=None, repr=False)

    def option(self, slot: int, fmt: str, default=0):
        """A scalar of the builtin options table, by the options table's field order."""
        return default if self.options is None else self.options.scalar(slot, fmt, default)

    def option_ints(self, slot: int) -> list[int]:
        return [] if self.options is None else self.options.scalars(slot, "i")


@dataclass
class Model:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    raw: bytes = field(repr=False)

    def tensor(self, name: str) -> Tensor:
        for t in self.tensors:
            if t.name == name:
                return t
        raise KeyError(f"TFLite: no tensor named {name!r}")

    def producer(self, tensor_index: int) -> Optional[Operator]:
        for op in self.operators:
            if tensor_index in op.outputs:
                return op
        return None

    def consumers(self, tensor_index: int) -> list[Operator]:
        return [op for op in self.operators if tensor_index in op.inputs]


# Slot numbers of the schema's tables (field order in schema.fbs).
_MODEL_OPCODES, _MODEL_SUBGRAPHS, _MODEL_BUFFERS = 1, 2, 4
_OPCODE_DEPRECATED, _OPCODE_CUSTOM, _OPCODE_BUILTIN = 0, 1, 3
_SUBGRAPH_TENSORS, _SUBGRAPH_INPUTS, _SUBGRAPH_OUTPUTS, _SUBGRAPH_OPERATORS = 0, 1, 2, 3
_TENSOR_SHAPE, _TENSOR_TYPE, _TENSOR_BUFFER, _TENSOR_NAME = 0, 1, 2, 3
_BUFFER_DATA, _BUFFER_OFFSET, _BUFFER_SIZE = 0, 1, 2
_OP_OPCODE, _OP_INPUTS, _OP_OUTPUTS, _OP_OPTIONS = 0, 1, 2, 4


def _root(buf: bytes) -> _Table:
    if len(buf) < 8 or buf[4:8] != FILE_IDENTIFIER:
        raise TFLiteFormatError(
            f"TFLite: file identifier is {bytes(buf[4:8])!r}, expected {FILE_IDENTIFIER!r}"
        )
    return _Table(buf, struct.unpack_from("<I", buf, 0)[0])


def _subgraph(root: _Table) -> _Table:
    subgraphs = root.tables(_MODEL_SUBGRAPHS)
    if len(subgraphs) != 1:
        raise TFLiteFormatError(f"TFLite: {len(subgraphs)} subgraphs, this reader takes exactly 1")
    return subgraphs[0]


def _buffer_span(b: _Table) -> Optional[tuple[int, int]]:
    """(file offset, byte count) of a buffer's data, or None."""
    span = b.vector_span(_BUFFER_DATA)
    if span is not None and span[1] > 0:
        return span
    offset, size = b.scalar(_BUFFER_OFFSET, "Q"), b.scalar(_BUFFER_SIZE, "Q")
    if offset > 1 and size > 0:  # large models keep data after the flatbuffer
        return offset, size
    return None


def parse(buf: bytes) -> Model:
    """Parse a whole TFLite file (one subgraph)."""
    buf = bytes(buf)
    root = _root(buf)
    opcodes = []
    for oc in root.tables(_MODEL_OPCODES):
        code = max(oc.scalar(_OPCODE_DEPRECATED, "b"), oc.scalar(_OPCODE_BUILTIN, "i"))
        custom = oc.string(_OPCODE_CUSTOM)
        opcodes.append(custom if code == 32 and custom else BUILTIN_OPS.get(code, f"BUILTIN_{code}"))
    buffers = root.tables(_MODEL_BUFFERS)
    sg = _subgraph(root)

    tensors = []
    for i, t in enumerate(sg.tables(_SUBGRAPH_TENSORS)):
        type_code = t.scalar(_TENSOR_TYPE, "b")
        if type_code not in TENSOR_TYPES:
            raise TFLiteFormatError(f"TFLite: tensor {i} has unsupported type code {type_code}")
        dtype = TENSOR_TYPES[type_code]
        shape = tuple(t.scalars(_TENSOR_SHAPE, "i"))
        bidx = t.scalar(_TENSOR_BUFFER, "I")
        data, offset = None, -1
        span = _buffer_span(buffers[bidx]) if 0 < bidx < len(buffers) else None
        if span is not None:
            offset, size = span
            count = int(np.prod(shape)) if shape else 1
            if size != count * dtype.itemsize or offset + size > len(buf):
                raise TFLiteFormatError(
                    f"TFLite: tensor {i} ({t.string(_TENSOR_NAME)!r}) shape {shape} needs "
                    f"{count * dtype.itemsize} bytes, its buffer has {size} at offset {offset}"
                )
            data = np.frombuffer(buf, dtype=dtype, count=count, offset=offset).reshape(shape)
        tensors.append(Tensor(i, t.string(_TENSOR_NAME) or "", shape, dtype, bidx, data, offset))

    operators = []
    for i, o in enumerate(sg.tables(_SUBGRAPH_OPERATORS)):
        operators.append(
            Operator(
                i,
                opcodes[o.scalar(_OP_OPCODE, "I")],
                tuple(o.scalars(_OP_INPUTS, "i")),
                tuple(o.scalars(_OP_OUTPUTS, "i")),
                o.table(_OP_OPTIONS),
            )
        )
    return Model(
        tensors,
        operators,
        tuple(sg.scalars(_SUBGRAPH_INPUTS, "i")),
        tuple(sg.scalars(_SUBGRAPH_OUTPUTS, "i")),
        buf,
    )


def load(path: str) -> Model:
    with open(path, "rb") as f:
        return parse(f.read())


def _put_io(out: bytearray, sg: _Table, slot: int, tensors: tuple[int, ...], what: str) -> None:
    start, n = sg.vector_span(slot)
    if len(tensors) != n:
        raise ValueError(f"TFLite: the model has {n} {what}; in-place patching keeps that count")
    struct.pack_into("<%di" % n, out, start, *tensors)


def cut(
    buf: bytes,
    first_operator: int = 0,
    inputs: Optional[tuple[int, ...]] = None,
    outputs: Optional[tuple[int, ...]] = None,
) -> bytes:
    """A copy of the model that runs only operators first_operator.. and/or takes other tensors
    as its inputs and outputs: how the proof feeds an inner tensor (the features entering the
    transformer) to the original runtime. Patched in place, so the counts of inputs and outputs
    stay those of the model; every weight and every kept operator is byte-identical."""
    root = _root(buf)
    sg = _subgraph(root)
    out = bytearray(buf)
    if inputs is not None:
        _put_io(out, sg, _SUBGRAPH_INPUTS, tuple(inputs), "inputs")
    if outputs is not None:
        _put_io(out, sg, _SUBGRAPH_OUTPUTS, tuple(outputs), "outputs")
    if first_operator:
        # The operators vector is [count, off_0, off_1, ...], each offset relative to its own
        # slot. Writing count - k into off_{k-1}'s slot and pointing the subgraph there yields
        # the vector [off_k, ...] without moving anything.
        start, n = sg.vector_span(_SUBGRAPH_OPERATORS)
        if not 0 < first_operator < n:
            raise ValueError(f"TFLite: first_operator {first_operator} outside 1..{n - 1}")
        new_vec = start - 4 + 4 * first_operator
        struct.pack_into("<I", out, new_vec, n - first_operator)
        field_pos = sg.field_pos(_SUBGRAPH_OPERATORS)
        struct.pack_into("<I", out, field_pos, new_vec - field_pos)
    return bytes(out)
