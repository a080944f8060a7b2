"""Store an exported graph's weights as the GGUF file's own quantized blocks, in a file beside the graph.

The pretrained base is a Q4_1 GGUF (Q8_0 embedding). Our PyTorch checkpoint holds its exact dequantization. The graph
keeps every other initializer, but each quantized weight becomes an external float32 tensor in `lm.weights`, a file
that is never written or downloaded: the app downloads the blocks (`lm.blocks`, 4-bit codes with a float16 scale and
minimum per 32 weights, or 8-bit codes with a float16 scale), dequantizes them as the `gguf` package does, in float32
(Q4_1 w = d * q + m, Q8_0 w = d * q; src/engine/gguf-dequantize.ts), and hands onnxruntime the float32 bytes as that
file's external data. The download is the quantized size; the weights in memory and the compute are the float32
model that training and the Python scorer use, bit for bit. (Dequantize nodes folded by onnxruntime at load did the
same with a 4.4 GB peak, every float32 intermediate of the chain held at once, and a load three times longer.)

Blocks run along each row of a [d_out, d_in] weight and llama.cpp's query/key permutation moves whole rows, so the
permutation is undone on the blocks (models.base.gguf_model.unpermute) before they are stored. A weight the graph
holds twice (a tied embedding and LM head, one of them transposed) is stored once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper


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


EXTERNAL_LOCATION = "lm.weights"  # the external data file the graph names; the app builds it from the blocks


@dataclass(frozen=True)
class ExternalTensor:
    """One graph initializer made from blocks: its float32 bytes go at `data_offset` of the external data, computed
    from the [rows, cols] weight at `blocks_offset` of the blocks file (transposed into [cols, rows] if asked)."""

    tensor: str
    kind: str
    rows: int
    cols: int
    transpose: bool
    blocks_offset: int
    data_offset: int

    @property
    def blocks_bytes(self) -> int:
        return self.rows * self.cols // BLOCK * (Q4_1_BYTES if self.kind == "Q4_1" else Q8_0_BYTES)

    @property
    def data_bytes(self) -> int:
        return 4 * self.rows * self.cols

    def to_dict(self) -> dict[str, Any]:
        return {"tensor": self.tensor, "kind": self.kind, "rows": self.rows, "cols": self.cols,
                "transpose": self.transpose, "blocks_offset": self.blocks_offset, "data_offset": self.data_offset}


@dataclass(frozen=True)
class ExternalBlocks:
    """What `store_as_external_blocks` made: the blocks file's bytes and how to expand them."""

    blocks: bytes
    tensors: list[ExternalTensor]
    data_bytes: int
    replaced: dict[str, str]  # initializer name -> parameter name

    def manifest_entry(self, blocks_file: str) -> dict[str, Any]:
        """The graph file's `external` entry in manifest.json (src/engine/types.ts ExternalWeights)."""
        return {"location": EXTERNAL_LOCATION, "blocks_file": blocks_file, "bytes": self.data_bytes,
                "tensors": [t.to_dict() for t in self.tensors]}


def dequantize_external(blocks: bytes, tensors: list[ExternalTensor]) -> dict[str, np.ndarray]:
    """Initializer name -> its float32 values, as the app computes them from the blocks file."""
    out: dict[str, np.ndarray] = {}
    raw = np.frombuffer(blocks, dtype=np.uint8)
    for t in tensors:
        per_row = t.blocks_bytes // t.rows
        rows = raw[t.blocks_offset:t.blocks_offset + t.blocks_bytes].reshape(t.rows, per_row)
        values = QuantizedWeight(t.kind, t.rows, t.cols, rows).dequantize()
        out[t.tensor] = np.ascontiguousarray(values.T if t.transpose else values)
    return out


def _digest(values: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.float32).tobytes()).hexdigest()


def _make_external(init: TensorProto, offset: int, length: int) -> None:
    init.ClearField("raw_data")
    init.ClearField("float_data")
    init.data_location = TensorProto.EXTERNAL
    del init.external_data[:]
    for key, value in (("location", EXTERNAL_LOCATION), ("offset", str(offset)), ("length", str(length))):
        entry = init.external_data.add()
        entry.key, entry.value = key, value


def store_as_external_blocks(model: onnx.ModelProto, weights: dict[str, QuantizedWeight]) -> ExternalBlocks:
    """Turns every float32 initializer equal to one of `weights` (or its transpose) into an external tensor of
    `lm.weights` and collects the blocks it is made from. Raises if a quantized weight matched no initializer (the
    graph would then carry it as float32, four to eight times its size)."""
    by_digest: dict[str, tuple[str, bool]] = {}
    for name, weight in weights.items():
        values = weight.dequantize()
        by_digest[_digest(values)] = (name, False)
        by_digest[_digest(values.T)] = (name, True)
    blocks: list[bytes] = []
    blocks_at: dict[str, int] = {}
    size = 0
    tensors: list[ExternalTensor] = []
    data_offset = 0
    replaced: dict[str, str] = {}
    for init in model.graph.initializer:
        if init.data_type != TensorProto.FLOAT or len(init.dims) != 2 or int(np.prod(init.dims)) < BLOCK * BLOCK:
            continue
        match = by_digest.get(_digest(numpy_helper.to_array(init)))
        if match is None:
            continue
        name, transpose = match
        weight = weights[name]
        if name not in blocks_at:
            blocks_at[name] = size
            blocks.append(weight.blocks.tobytes())
            size += weight.blocks.nbytes
        tensor = ExternalTensor(init.name, weight.kind, weight.rows, weight.cols, transpose, blocks_at[name], data_offset)
        _make_external(init, data_offset, tensor.data_bytes)
        tensors.append(tensor)
        data_offset += tensor.data_bytes
        replaced[init.name] = name
    missing = sorted(set(weights) - set(replaced.values()))
    if missing:
        raise ValueError(f"{len(missing)} quantized weights match no initializer of the graph, e.g. {missing[:3]}")
    return ExternalBlocks(b"".join(blocks), tensors, data_offset, replaced)
