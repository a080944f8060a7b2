"""The base's 4-bit WebGPU graph: every Q4_1 weight product of the float graph runs on the GGUF file's own 4-bit
codes (onnxruntime's MatMulNBits), so the GPU holds the weights in 4 bits instead of their float32 expansion.

A Q4_1 block of 32 weights is w = d * q + m (q in 0..15). MatMulNBits computes sum_k x_k (q_k - 8) d per block (its
default zero point, 8), so the rest, sum_k x_k (m + 8 d), is one small product more: the activations summed over
each block of 32 times a [blocks, N] table of m + 8 d. Exact in real arithmetic; in float32 the sums are taken in
another order than the float graph's, so the outputs differ in the last bits.

Nothing new is downloaded: the app repacks the codes of lm.blocks into MatMulNBits' layout (code 2i in the low
nibble of byte i, where GGUF puts codes j and j + 16 in one byte) and writes d and m + 8 d beside them
(src/engine/q4-nbits.ts, byte for byte this file's q4_parts). Weights stored in other kinds (the Q8_0 tied
embedding, used by the lookup and the head) stay float32 expansions, as in the float graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper

from .gguf_initializers import ExternalTensor, QuantizedWeight, dequantize_external
from .graph_builder import ALIGN, GraphBuilder, copy_without_initializers

BLOCK = 32
FORMAT = "q4-nbits"
DOMAIN = "com.microsoft"


def q4_parts(weight: QuantizedWeight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes [rows, blocks, 16] uint8 in MatMulNBits' nibble order, d [rows * blocks] float32, m + 8 d as a
    [blocks, rows] float32 table) of a Q4_1 weight of `rows` outputs and `cols` inputs."""
    if weight.kind != "Q4_1":
        raise ValueError(f"only Q4_1 weights run as 4-bit products, not {weight.kind}")
    d, codes, m = weight.parts()
    assert m is not None
    q = codes.astype(np.uint8)
    packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)
    scale = d.astype(np.float32)
    offset = m.astype(np.float32) + np.float32(8) * scale
    blocks = weight.cols // BLOCK
    return packed, scale.reshape(-1), np.ascontiguousarray(offset.reshape(weight.rows, blocks).T)


@dataclass(frozen=True)
class Q4Tensor:
    """One weight's place in the graph's external data: for Q4_1, its codes at data_offset, d at scale_offset and the
    m + 8 d table at min_offset; for any other kind, its float32 expansion at data_offset (as in the float graph)."""

    source: ExternalTensor
    data_offset: int
    scale_offset: int | None = None
    min_offset: int | None = None

    def to_dict(self) -> dict[str, object]:
        entry = {**self.source.to_dict(), "data_offset": self.data_offset}
        if self.scale_offset is not None:
            entry |= {"scale_offset": self.scale_offset, "min_offset": self.min_offset}
        return entry


@dataclass(frozen=True)
class Q4Graph:
    model: onnx.ModelProto
    tensors: list[Q4Tensor]
    data_bytes: int

    def manifest_entry(self, blocks_file: str, location: str) -> dict[str, object]:
        return {"location": location, "blocks_file": blocks_file, "bytes": self.data_bytes, "format": FORMAT,
                "tensors": [t.to_dict() for t in self.tensors]}


def _weights(blocks: bytes, t: ExternalTensor) -> QuantizedWeight:
    raw = np.frombuffer(blocks, dtype=np.uint8)[t.blocks_offset:t.blocks_offset + t.blocks_bytes]
    return QuantizedWeight(t.kind, t.rows, t.cols, raw.reshape(t.rows, -1))


def q4_graph(model: onnx.ModelProto, blocks: bytes, tensors: list[ExternalTensor],
             location: str | None = None) -> Q4Graph:
    """A copy of `model` (the float graph, weights external from `blocks`) whose Q4_1 weight products run as 4-bit
    MatMulNBits; with `location`, every weight is external data of that name, else inside the graph."""
    by_name = {t.tensor: t for t in tensors}
    out = copy_without_initializers(model, set(by_name))
    graph = out.graph
    if not any(o.domain == DOMAIN for o in out.opset_import):
        out.opset_import.append(helper.make_opsetid(DOMAIN, 1))
    b = GraphBuilder(graph, location, "q4")
    layout: list[Q4Tensor] = []
    products: dict[str, tuple[str, str, str]] = {}  # weight -> (codes, scale, offset table)
    block_sums: dict[tuple[str, int], str] = {}
    floats_needed = [t for t in tensors if t.kind != "Q4_1"]
    floats = dequantize_external(blocks, floats_needed)
    for t in floats_needed:
        layout.append(Q4Tensor(t, b.weight(floats[t.tensor], t.tensor)))

    def product_weights(t: ExternalTensor) -> tuple[str, str, str]:
        if t.tensor not in products:
            if not t.transpose:
                raise ValueError(f"{t.tensor}: a 4-bit weight must be stored transposed (one blocks row per column)")
            codes, scale, offset = q4_parts(_weights(blocks, t))
            names = (f"q4/codes/{t.tensor}", f"q4/scale/{t.tensor}", f"q4/offset/{t.tensor}")
            at = [b.weight(v, n) for v, n in zip((codes, scale, offset), names)]
            layout.append(Q4Tensor(t, at[0], at[1], at[2]))
            products[t.tensor] = names
        return products[t.tensor]

    for node in model.graph.node:
        t = by_name.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) > 1 else None
        if t is None or t.kind != "Q4_1":
            if any(x in by_name and by_name[x].kind == "Q4_1" for x in node.input):
                raise ValueError(f"{node.op_type} node {node.name} reads a 4-bit weight; only MatMul can")
            b.nodes.append(node)
            continue
        x, blocks_per_row = node.input[0], t.cols // BLOCK
        codes, scale, offset = product_weights(t)
        # The activations summed per block of 32, once per activation (q, k and v read the same one).
        if (x, blocks_per_row) not in block_sums:
            shape = b.const(np.array([0, 0, blocks_per_row, BLOCK], np.int64), "blocks_shape")
            axes = b.const(np.array([-1], np.int64), "axis")
            block_sums[(x, blocks_per_row)] = b.node(
                "ReduceSum", [b.node("Reshape", [x, shape], "blocks"), axes], "block_sum", keepdims=0)
        coded = b.node("MatMulNBits", [x, codes, scale], "nbits", domain=DOMAIN, K=t.cols, N=t.rows, bits=4,
                       block_size=BLOCK)
        rest = b.node("MatMul", [block_sums[(x, blocks_per_row)], offset], "offsets")
        b.nodes.append(helper.make_node("Add", [coded, rest], [node.output[0]], name=node.output[0] + "/q4"))
    del graph.node[:]
    graph.node.extend(b.nodes)
    return Q4Graph(out, layout, b.offset if location is not None else 0)
