"""The base's 8-bit WASM graph: every weight product of the float graph rewritten into onnxruntime's uint8 x int8
MatMulInteger, with each token's activations quantized on their own (models/base/INT8.md chose this form on CR val).

Weights: int8, one symmetric scale per output column (`quantize_columns`), made from the float32 weights the app
expands from the GGUF blocks, so the download stays the blocks file. Activations: uint8 per token, each row with its
own scale and zero point, as onnxruntime's DynamicQuantizeLinear makes them for a whole tensor. MatMulInteger's fast
kernel in onnxruntime takes a scalar zero point only, so the product runs with a zero point of 0 and the zero point
is taken out afterwards, exactly, in int32: sum_k (q_k - z) w_k = acc - z * colsum(w). Then one float conversion
and the two scales. models/lm/int8.py computes the same numbers in PyTorch, operation for operation, so the Python
scorer can decode what the app's graph decodes.

The tied embedding is quantized once, per vocabulary entry (a column of the graph's [d_model, vocab] table): the
output head is one more MatMulInteger, the lookup gathers int8 columns and their scales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper

from models.lm.int8 import quantize_columns

from .gguf_initializers import ExternalTensor
from .graph_builder import ALIGN, GraphBuilder, copy_without_initializers


@dataclass(frozen=True)
class Int8Tensor:
    """Where one quantized weight's three initializers lie in the graph's external data, and the blocks they are
    made from (the app expands the blocks, quantizes each column and writes codes, scales and column sums there)."""

    codes: str
    scale: str
    colsum: str
    kind: str
    rows: int
    cols: int
    blocks_offset: int
    codes_offset: int
    scale_offset: int
    colsum_offset: int

    def to_dict(self) -> dict[str, object]:
        return {"tensor": self.codes, "kind": self.kind, "rows": self.rows, "cols": self.cols, "transpose": True,
                "blocks_offset": self.blocks_offset, "data_offset": self.codes_offset,
                "scale_offset": self.scale_offset, "colsum_offset": self.colsum_offset}


@dataclass(frozen=True)
class Int8Graph:
    model: onnx.ModelProto
    tensors: list[Int8Tensor]
    data_bytes: int  # size of the external data (0 when the weights are inside the graph)

    def manifest_entry(self, blocks_file: str, location: str) -> dict[str, object]:
        """The graph file's `external` entry in manifest.json (src/engine/types.ts ExternalWeights)."""
        return {"location": location, "blocks_file": blocks_file, "bytes": self.data_bytes, "format": FORMAT,
                "tensors": [t.to_dict() for t in self.tensors]}


FORMAT = "int8-columns"


@dataclass(frozen=True)
class _QuantizedInput:
    codes: str  # uint8, shape of the activation
    zero: str  # int32 [..., 1]
    scale: str  # float32 [..., 1]


@dataclass(frozen=True)
class _QuantizedWeight:
    codes: str
    scale: str
    colsum: str


def _quantize_tokens(b: GraphBuilder, x: str, consts: dict[str, str]) -> _QuantizedInput:
    """uint8 per row of the last axis, as DynamicQuantizeLinear does per tensor: the range stretched to hold 0,
    scale = range / 255 (1 where the range is 0), zero point round(-low / scale) saturated, codes
    round(x / scale) + zero saturated; every rounding half to even."""
    low = b.node("Min", [b.node("ReduceMin", [x], "low", axes=[-1], keepdims=1), consts["zero"]], "low0")
    high = b.node("Max", [b.node("ReduceMax", [x], "high", axes=[-1], keepdims=1), consts["zero"]], "high0")
    scale = b.node("Div", [b.node("Sub", [high, low], "range"), consts["levels"]], "scale")
    safe = b.node("Where", [b.node("Greater", [scale, consts["zero"]], "nonzero"), scale, consts["one"]], "safe")
    zero = b.node("Clip", [b.node("Round", [b.node("Div", [b.node("Neg", [low], "neg"), safe], "zdiv")], "zround"),
                           consts["zero"], consts["levels"]], "zclip")
    codes = b.node("Clip", [b.node("Add", [b.node("Round", [b.node("Div", [x, safe], "xdiv")], "xround"), zero],
                                   "xshift"), consts["zero"], consts["levels"]], "xclip")
    return _QuantizedInput(b.node("Cast", [codes], "codes", to=TensorProto.UINT8),
                           b.node("Cast", [zero], "zint", to=TensorProto.INT32), safe)


def _product(b: GraphBuilder, q: _QuantizedInput, w: _QuantizedWeight, out: str) -> None:
    """`out` = the float product of the quantized activation and weight: (acc - z * colsum) * x_scale * w_scale."""
    acc = b.node("MatMulInteger", [q.codes, w.codes], "acc")
    exact = b.node("Sub", [acc, b.node("Mul", [q.zero, w.colsum], "zsum")], "exact")
    scaled = b.node("Mul", [b.node("Cast", [exact], "accf", to=TensorProto.FLOAT), q.scale], "xscaled")
    b.nodes.append(helper.make_node("Mul", [scaled, w.scale], [out], name=out + "/int8"))


def int8_graph(model: onnx.ModelProto, floats: dict[str, np.ndarray], tensors: list[ExternalTensor],
               location: str | None = None) -> Int8Graph:
    """A copy of `model` whose weight products (MatMul with an external weight as B) and embedding lookup (Gather of
    the tied table) run in 8 bits; `floats` holds each external initializer's float32 values. With `location`, the
    quantized weights are external data of that name (made by the app from the blocks), else inside the graph."""
    by_name = {t.tensor: t for t in tensors}
    out = copy_without_initializers(model, set(by_name))
    graph = out.graph
    b = GraphBuilder(graph, location, "int8")
    consts = {"zero": b.const(np.array(0.0, np.float32), "zero"), "one": b.const(np.array(1.0, np.float32), "one"),
              "levels": b.const(np.array(255.0, np.float32), "levels")}
    layout: list[Int8Tensor] = []
    weights: dict[str, _QuantizedWeight] = {}

    def weight(name: str) -> _QuantizedWeight:
        if name not in weights:
            t = by_name[name]
            if not t.transpose:
                raise ValueError(f"{name}: an 8-bit weight must be stored transposed (one blocks row per column)")
            q = quantize_columns(floats[name])
            codes, scale, colsum = b.name("codes"), b.name("scale"), b.name("colsum")
            codes_at, scale_at, colsum_at = (b.weight(v, n) for v, n in ((q.codes, codes), (q.scale, scale),
                                                                       (q.colsum, colsum)))
            weights[name] = _QuantizedWeight(codes, scale, colsum)
            layout.append(Int8Tensor(codes, scale, colsum, t.kind, t.rows, t.cols, t.blocks_offset,
                                     codes_at, scale_at, colsum_at))
        return weights[name]

    # One quantization per activation, shared by every product that reads it (q, k and v; gate and up), made where
    # the first of them stands, so the nodes stay in the float graph's topological order.
    quantized_inputs: dict[str, _QuantizedInput] = {}
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in by_name:
            x = node.input[0]
            if x not in quantized_inputs:
                quantized_inputs[x] = _quantize_tokens(b, x, consts)
            _product(b, quantized_inputs[x], weight(node.input[1]), node.output[0])
        elif node.op_type == "Gather" and node.input[0] in by_name:
            _lookup(b, node, weight(node.input[0]))
        else:
            if any(x in by_name for x in node.input):
                raise ValueError(f"{node.op_type} node {node.name} reads a quantized weight; only MatMul and Gather can")
            b.nodes.append(node)
    del graph.node[:]
    graph.node.extend(b.nodes)
    return Int8Graph(out, layout, b.offset if location is not None else 0)


def _lookup(b: GraphBuilder, node: onnx.NodeProto, table: _QuantizedWeight) -> None:
    """Gather of columns of the [d_model, vocab] table: int8 columns times their own scales."""
    axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
    if axis != 1:
        raise ValueError("the tied embedding's lookup must gather columns (axis 1)")
    columns = b.node("Cast", [b.node("Gather", [table.codes, node.input[1]], "embed", axis=1)], "embedf",
                     to=TensorProto.FLOAT)
    scales = b.node("Gather", [table.scale, node.input[1]], "embed_scale")
    b.nodes.append(helper.make_node("Mul", [columns, scales], [node.output[0]], name=node.output[0] + "/int8"))
