"""The 4-bit WebGPU graph: the repacked parts give back the Q4_1 weights, the rewrite of a traced tiny LM, and the
golden the TypeScript side checks (onnxruntime-web runs the golden's graph in src/cli/lm-q4.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto

from models.export.export_lm import trace_lm
from models.export.gguf_dequantize_golden import EXTREMES, random_blocks
from models.export.gguf_initializers import QuantizedWeight, store_as_external_blocks
from models.export.int8_golden import tiny_quantized_model
from models.export.q4_golden import GOLDEN, golden
from models.export.q4_graph import ALIGN, FORMAT, q4_graph, q4_parts


def test_the_parts_give_back_the_weights() -> None:
    rng = np.random.default_rng(5)
    weight = QuantizedWeight("Q4_1", 7, 96, random_blocks("Q4_1", 7, 96, rng, EXTREMES))
    codes, scale, offset = q4_parts(weight)
    assert codes.shape == (7, 3, 16) and scale.shape == (21,) and offset.shape == (3, 7)
    unpacked = np.stack([codes & 0x0F, codes >> 4], axis=-1).reshape(7, 3, 32).astype(np.float64)
    rebuilt = (unpacked - 8) * scale.reshape(7, 3, 1) + offset.T.reshape(7, 3, 1)
    expected = weight.dequantize().reshape(7, 3, 32).astype(np.float64)
    finite = np.isfinite(expected)
    assert np.allclose(rebuilt[finite], expected[finite], rtol=1e-5, atol=1e-6 * np.abs(expected[finite]).max())
    # Code j of a block sits in nibble j % 2 of byte j // 2 (GGUF: byte j % 16, low nibble for j < 16).
    _, gguf_codes, _ = weight.parts()
    assert np.array_equal(unpacked.reshape(7, 3, 32), gguf_codes)


def traced(tmp_path: Path) -> tuple[onnx.ModelProto, object]:
    model, weights = tiny_quantized_model()
    trace_lm(model, tmp_path / "lm.onnx")
    graph = onnx.load(str(tmp_path / "lm.onnx"))
    return graph, store_as_external_blocks(graph, weights)


def test_every_q4_product_runs_on_4_bit_codes_with_one_block_sum_per_activation(tmp_path: Path) -> None:
    graph, external = traced(tmp_path)
    q4 = {t.tensor for t in external.tensors if t.kind == "Q4_1"}
    products = [n for n in graph.graph.node if n.op_type == "MatMul" and n.input[1] in q4]
    made = q4_graph(graph, external.blocks, external.tensors)
    onnx.checker.check_model(made.model)
    nodes = made.model.graph.node
    assert not any(x in q4 for n in nodes for x in n.input)
    assert sum(n.op_type == "MatMulNBits" and n.domain == "com.microsoft" for n in nodes) == len(products)
    assert sum(n.op_type == "ReduceSum" for n in nodes) == len({n.input[0] for n in products})
    # The Q8_0 embedding stays a float32 initializer, read by the lookup and the head as before.
    floats = [i for i in made.model.graph.initializer if i.name in {t.tensor for t in external.tensors} - q4]
    assert len(floats) == 1 and floats[0].data_type == TensorProto.FLOAT
    assert {n.output[0] for n in products} <= {o for n in nodes for o in n.output}


def test_external_parts_are_aligned_and_apart(tmp_path: Path) -> None:
    graph, external = traced(tmp_path)
    made = q4_graph(graph, external.blocks, external.tensors, location="lm_q4.weights")
    entry = made.manifest_entry("lm_blocks", "lm_q4.weights")
    assert entry["format"] == FORMAT and entry["bytes"] == made.data_bytes
    spans = []
    for init in made.model.graph.initializer:
        if init.data_location == TensorProto.EXTERNAL:
            info = {e.key: e.value for e in init.external_data}
            assert info["location"] == "lm_q4.weights" and int(info["offset"]) % ALIGN == 0
            spans.append((int(info["offset"]), int(info["offset"]) + int(info["length"])))
    spans.sort()
    q4_count = sum(t.kind == "Q4_1" for t in external.tensors)
    assert len(spans) == 3 * q4_count + (len(external.tensors) - q4_count)
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:]))
    assert spans[-1][1] <= made.data_bytes


def test_the_typescript_golden_is_current() -> None:
    stored = json.loads(GOLDEN.read_text())
    made = golden()
    assert stored["parts"] == made["parts"], "rerun /usr/bin/python3 -m models.export.q4_golden"
    for key in ("config", "external", "tokens", "logits", "present_key_last", "step_logits", "blocks_base64"):
        assert stored["graph"][key] == made["graph"][key], f"{key}: rerun /usr/bin/python3 -m models.export.q4_golden"
