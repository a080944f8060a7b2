"""GGUF blocks beside the graph: the dequantization equals the pinned `gguf` reader's, a traced tiny LM keeps no float32
copy of a quantized weight, and its external tensors expand from the blocks to the traced values, bit for bit (the
real base's graph is checked against PyTorch in src/cli/lm-parity.test.ts, the TypeScript expansion against
golden/gguf_dequantize.json in src/engine/gguf-dequantize.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from models.base.gguf_model import import_reader
from models.base.paths import READER_DIR
from models.export.export_lm import trace_lm
from models.export.gguf_dequantize_golden import quantized_model, random_blocks
from models.export.gguf_initializers import (BLOCK, EXTERNAL_LOCATION, QuantizedWeight, dequantize_external,
                                            store_as_external_blocks)
from models.lm.config import LMConfig
from models.lm.model import CodeLM

TINY = LMConfig(vocab_size=256, d_model=64, n_layers=1, n_heads=2, d_ff=96, max_seq_len=32)


@pytest.mark.parametrize("kind", ["Q4_1", "Q8_0"])
def test_dequantize_matches_the_gguf_reader(kind: str) -> None:
    if not (READER_DIR / "gguf").is_dir():
        pytest.fail("the gguf reader is not set up: run /usr/bin/python3 -m models.base.setup")
    gguf = import_reader(READER_DIR)
    blocks = random_blocks(kind, 6, 128, np.random.default_rng(1))
    ours = QuantizedWeight(kind, 6, 128, blocks).dequantize()
    theirs = np.asarray(gguf.quants.dequantize(blocks, getattr(gguf.GGMLQuantizationType, kind)), dtype=np.float32)
    assert ours.shape == (6, 128)
    assert np.array_equal(ours.view(np.uint32), theirs.reshape(6, 128).view(np.uint32))


def quantized_tiny_model() -> tuple[CodeLM, dict[str, QuantizedWeight]]:
    """A tiny LM whose projections and embedding hold exactly dequantized random blocks."""
    return quantized_model(TINY, 0)


def test_every_quantized_weight_becomes_external_and_expands_to_its_values(tmp_path: Path) -> None:
    model, weights = quantized_tiny_model()
    path = tmp_path / "lm.onnx"
    trace_lm(model, path)
    graph = onnx.load(str(path))
    traced = {i.name: numpy_helper.to_array(i).copy() for i in graph.graph.initializer}
    external = store_as_external_blocks(graph, weights)
    assert sorted(set(external.replaced.values())) == sorted(weights)
    inline_floats = [i.name for i in graph.graph.initializer if i.data_type == TensorProto.FLOAT
                     and i.data_location != TensorProto.EXTERNAL and len(i.raw_data) >= 4 * BLOCK * BLOCK]
    assert inline_floats == []
    # Each weight's blocks are stored once, even when the graph holds it twice (the tied embedding and LM head).
    assert len(external.blocks) == sum(w.blocks.nbytes for w in weights.values())
    expanded = dequantize_external(external.blocks, external.tensors)
    assert set(expanded) == set(external.replaced)
    for name, values in expanded.items():
        assert np.array_equal(values.view(np.uint32), traced[name].view(np.uint32)), name
    # The graph's external entries point into one float32 file, back to back, at the offsets the manifest gives.
    spans = []
    for init in graph.graph.initializer:
        if init.data_location == TensorProto.EXTERNAL:
            entry = {e.key: e.value for e in init.external_data}
            assert entry["location"] == EXTERNAL_LOCATION
            spans.append((int(entry["offset"]), int(entry["length"])))
    assert sorted(spans) == sorted((t.data_offset, t.data_bytes) for t in external.tensors)
    assert sum(length for _, length in spans) == external.data_bytes


def test_a_weight_missing_from_the_graph_is_an_error(tmp_path: Path) -> None:
    model, weights = quantized_tiny_model()
    path = tmp_path / "lm.onnx"
    trace_lm(model, path)
    graph = onnx.load(str(path))
    rng = np.random.default_rng(5)
    weights["not.in.the.graph"] = QuantizedWeight("Q4_1", 64, 64, random_blocks("Q4_1", 64, 64, rng))
    with pytest.raises(ValueError, match="match no initializer"):
        store_as_external_blocks(graph, weights)


def test_the_typescript_golden_is_current() -> None:
    from models.export.gguf_dequantize_golden import GOLDEN, golden
    assert json.loads(GOLDEN.read_text()) == golden(), "rerun /usr/bin/python3 -m models.export.gguf_dequantize_golden"
