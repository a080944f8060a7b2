"""Store an exported graph's weights as the GGUF file's own quantized blocks, dequantized by nodes in the graph.

The pretrained base is a Q4_1 GGUF (Q8_0 embedding). Our PyTorch checkpoint holds its exact dequantization; this
stores each weight initializer as the file's blocks instead (4-bit codes with a float16 scale and minimum per 32
weights, or 8-bit codes with a float16 scale) followed by the few nodes that dequantize them the way the `gguf`
package does, in float32: Q4_1 w = d * q + m, Q8_0 w = d * q. Every input of those nodes is an initializer, so
onnxruntime folds them into float32 constants when it loads the session: the download is the quantized size, the
weights in memory and the compute are the float32 model that training and the Python scorer use, bit for bit.

Blocks run along each row of a [d_out, d_in] weight and llama.cpp's query/key permutation moves whole rows, so the
permutation is undone on the blocks (models.base.gguf_model.unpermute) before they are stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .fp16_storage import replace_initializers

BLOCK = 32
Q4_1_BYTES = 20  # float16 d, float16 m, 16 bytes of two 4-bit codes each
Q8_0_BYTES = 34  # float16 d, 32 signed 8-bit codes


@dataclass(frozen=True)
class QuantizedWeight:
    """One [rows, cols] weight (our orientation) as GGUF blocks: kind 'Q4_1' or 'Q8_0', raw bytes [rows, cols/32 * block]."""

    kind: str
    rows: int
    cols: int
    blocks: np.ndarray

    def dequantize(self) -> np.ndarray:
        """The float32 values, computed as the `gguf` package computes them (the graph's nodes do the same)."""
        d, codes, m = self.parts()
        values = d.astype(np.float32) * codes
        if m is not None:
            values = values + m.astype(np.float32)
        return values.reshape(self.rows, self.cols)

    def parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(d [rows, nb, 1] float16, codes [rows, nb, 32] float32, m or None)."""
        nb = self.cols // BLOCK
        raw = self.blocks.reshape(self.rows, nb, -1)
        d = raw[:, :, 0:2].copy().view(np.float16)
        if self.kind == "Q8_0":
            return d, raw[:, :, 2:].copy().view(np.int8).astype(np.float32), None
        m = raw[:, :, 2:4].copy().view(np.float16)
        packed = raw[:, :, 4:]
        codes = np.concatenate([packed & 0x0F, packed >> 4], axis=2).astype(np.float32)
        return d, codes, m


def quantized_weights(reader: Any, rename: Callable[[str], str | None], unpermute_rows: Callable[[str, np.ndarray], np.ndarray]) -> dict[str, QuantizedWeight]:
    """Our parameter name -> its blocks, for every Q4_1 / Q8_0 tensor of the GGUF file (float32 ones are skipped)."""
    out: dict[str, QuantizedWeight] = {}
    for tensor in reader.tensors:
        kind = tensor.tensor_type.name
        if kind not in ("Q4_1", "Q8_0"):
            continue
        name = rename(tensor.name)
        if name is None:
            raise ValueError(f"unexpected tensor {tensor.name} in the GGUF file")
        blocks = np.asarray(tensor.data, dtype=np.uint8)
        rows = blocks.shape[0]
        per_block = Q4_1_BYTES if kind == "Q4_1" else Q8_0_BYTES
        cols = blocks.shape[1] // per_block * BLOCK
        out[name] = QuantizedWeight(kind, rows, cols, np.ascontiguousarray(unpermute_rows(name, blocks)))
    return out


def _digest(values: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.float32).tobytes()).hexdigest()


def _const(name: str, value: float) -> TensorProto:
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name=name)


def _dequant_nodes(prefix: str, weight: QuantizedWeight, output: str, transpose: bool) -> tuple[list[onnx.NodeProto], list[TensorProto]]:
    """Nodes computing `output` (the weight, or its transpose) from the stored blocks, and their initializers."""
    d, _, m = weight.parts()
    nb = weight.cols // BLOCK
    raw = weight.blocks.reshape(weight.rows, nb, -1)
    inits = [numpy_helper.from_array(np.ascontiguousarray(d), name=f"{prefix}__d")]
    nodes = [helper.make_node("Cast", [f"{prefix}__d"], [f"{prefix}__df"], to=TensorProto.FLOAT)]
    if weight.kind == "Q8_0":
        codes = np.ascontiguousarray(raw[:, :, 2:]).view(np.int8)
        inits.append(numpy_helper.from_array(codes, name=f"{prefix}__q8"))
        nodes.append(helper.make_node("Cast", [f"{prefix}__q8"], [f"{prefix}__codes"], to=TensorProto.FLOAT))
    else:
        # Each byte holds code j (low nibble) and code j + 16 (high nibble) of its block.
        packed = np.ascontiguousarray(raw[:, :, 4:])
        inits += [numpy_helper.from_array(packed, name=f"{prefix}__q4"),
                  numpy_helper.from_array(np.ascontiguousarray(m), name=f"{prefix}__m"), _const(f"{prefix}__16", 16.0)]
        nodes += [
            helper.make_node("Cast", [f"{prefix}__q4"], [f"{prefix}__qf"], to=TensorProto.FLOAT),
            helper.make_node("Div", [f"{prefix}__qf", f"{prefix}__16"], [f"{prefix}__qd"]),
            helper.make_node("Floor", [f"{prefix}__qd"], [f"{prefix}__hi"]),
            helper.make_node("Mul", [f"{prefix}__hi", f"{prefix}__16"], [f"{prefix}__hi16"]),
            helper.make_node("Sub", [f"{prefix}__qf", f"{prefix}__hi16"], [f"{prefix}__lo"]),
            helper.make_node("Concat", [f"{prefix}__lo", f"{prefix}__hi"], [f"{prefix}__codes"], axis=2),
            helper.make_node("Cast", [f"{prefix}__m"], [f"{prefix}__mf"], to=TensorProto.FLOAT),
        ]
    scaled = f"{prefix}__scaled"
    nodes.append(helper.make_node("Mul", [f"{prefix}__df", f"{prefix}__codes"], [scaled]))
    if weight.kind == "Q4_1":
        nodes.append(helper.make_node("Add", [scaled, f"{prefix}__mf"], [f"{prefix}__shifted"]))
        scaled = f"{prefix}__shifted"
    inits.append(numpy_helper.from_array(np.array([weight.rows, weight.cols], dtype=np.int64), name=f"{prefix}__shape"))
    flat = output if not transpose else f"{prefix}__rows"
    nodes.append(helper.make_node("Reshape", [scaled, f"{prefix}__shape"], [flat]))
    if transpose:
        nodes.append(helper.make_node("Transpose", [flat], [output], perm=[1, 0]))
    return nodes, inits


def store_as_gguf_blocks(model: onnx.ModelProto, weights: dict[str, QuantizedWeight]) -> dict[str, str]:
    """Replaces every float32 initializer equal to one of `weights` (or its transpose) by its blocks and dequantize
    nodes; returns initializer name -> parameter name. Raises if a quantized weight matched no initializer (the
    graph would then carry it as float32, four to eight times its size)."""
    by_digest: dict[str, tuple[str, bool]] = {}
    for name, weight in weights.items():
        values = weight.dequantize()
        by_digest[_digest(values)] = (name, False)
        by_digest[_digest(values.T)] = (name, True)
    graph = model.graph
    kept: list[TensorProto] = []
    new_nodes: list[onnx.NodeProto] = []
    replaced: dict[str, str] = {}
    for init in graph.initializer:
        match = None
        if init.data_type == TensorProto.FLOAT and len(init.dims) == 2 and int(np.prod(init.dims)) >= BLOCK * BLOCK:
            match = by_digest.get(_digest(numpy_helper.to_array(init)))
        if match is None:
            kept.append(init)
            continue
        name, transpose = match
        nodes, inits = _dequant_nodes(f"{init.name}__gguf", weights[name], init.name, transpose)
        new_nodes += nodes
        kept += inits
        replaced[init.name] = name
    missing = sorted(set(weights) - set(replaced.values()))
    if missing:
        raise ValueError(f"{len(missing)} quantized weights match no initializer of the graph, e.g. {missing[:3]}")
    replace_initializers(graph, kept, new_nodes)
    return replaced
