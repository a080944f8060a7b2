"""The 8-bit WASM graph: column quantization, the rewrite of a traced tiny LM, models/lm/int8.py's arithmetic, and the
golden the TypeScript side checks (onnxruntime-web runs the golden's graph in src/cli/lm-int8-parity.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto

from models.eval.int8_sim import simulated_int8
from models.export.export_lm import trace_lm
from models.export.gguf_initializers import dequantize_external, store_as_external_blocks
from models.export.int8_golden import GOLDEN, TOKENS, golden, tiny_quantized_model
from models.export.int8_graph import ALIGN, FORMAT, int8_graph
from models.lm.int8 import int8_arithmetic, quantize_columns, quantize_tokens
from models.lm.lora import zero_lora


def test_columns_round_half_to_even_saturate_and_keep_a_scale_for_zero_columns() -> None:
    w = np.array([[127.0, 0.0, -1.0], [2.5, 0.0, 0.25], [-3.5, 0.0, 0.125]], dtype=np.float32)
    q = quantize_columns(w)
    assert q.scale.tolist() == [1.0, 1.0, np.float32(1.0) / np.float32(127.0)]
    assert q.codes[:, 0].tolist() == [127, 2, -4]  # 2.5 -> 2 and -3.5 -> -4: ties to even
    assert q.codes[:, 1].tolist() == [0, 0, 0]
    assert q.codes[0, 2] == -127 and q.colsum.tolist() == [125, 0, int(q.codes[:, 2].sum())]
    assert q.codes.dtype == np.int8 and q.scale.dtype == np.float32 and q.colsum.dtype == np.int32


def test_tokens_get_their_own_scale_and_zero_point() -> None:
    x = torch.tensor([[[0.0, 1.0, 2.0, 3.0], [-4.0, -2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]])
    codes, zero, scale = quantize_tokens(x)
    assert scale[0, :, 0].tolist() == [np.float32(3.0) / np.float32(255.0), np.float32(4.0) / np.float32(255.0), 1.0]
    assert zero[0, :, 0].tolist() == [0.0, 255.0, 0.0]
    assert codes[0, 0].tolist() == [0.0, 85.0, 170.0, 255.0]
    assert codes[0, 1].tolist() == [0.0, 128.0, 255.0, 255.0]  # -2 / (4/255) = -127.5 -> -128, + 255
    assert torch.allclose((codes - zero) * scale.double(), x.double(), atol=4 / 255 / 2 + 1e-6)


def traced(tmp_path: Path) -> tuple[onnx.ModelProto, object, dict[str, np.ndarray]]:
    model, weights = tiny_quantized_model()
    trace_lm(model, tmp_path / "lm.onnx")
    graph = onnx.load(str(tmp_path / "lm.onnx"))
    external = store_as_external_blocks(graph, weights)
    return graph, external, dequantize_external(external.blocks, external.tensors)


def test_every_weight_product_runs_in_8_bits_with_one_quantization_per_activation(tmp_path: Path) -> None:
    graph, external, floats = traced(tmp_path)
    weight_names = {t.tensor for t in external.tensors}
    products = [n for n in graph.graph.node if n.op_type == "MatMul" and n.input[1] in weight_names]
    made = int8_graph(graph, floats, external.tensors)
    onnx.checker.check_model(made.model)
    nodes = made.model.graph.node
    assert not any(x in weight_names for n in nodes for x in n.input)
    assert sum(n.op_type == "MatMulInteger" for n in nodes) == len(products)
    assert sum(n.op_type == "ReduceMin" for n in nodes) == len({n.input[0] for n in products})
    # Each weight is stored once, however many nodes read it (the tied table: the lookup and the head).
    codes = [i for i in made.model.graph.initializer if i.data_type == TensorProto.INT8]
    assert len(codes) == len({w for w in external.replaced.values()}) == len(made.tensors)
    # Every product's output keeps its float name, so the rest of the graph is unchanged.
    outputs = {o for n in nodes for o in n.output}
    assert {n.output[0] for n in products} <= outputs


def test_external_parts_are_aligned_and_apart(tmp_path: Path) -> None:
    graph, external, floats = traced(tmp_path)
    made = int8_graph(graph, floats, external.tensors, location="lm_int8.weights")
    entry = made.manifest_entry("lm_blocks", "lm_int8.weights")
    assert entry["format"] == FORMAT and entry["bytes"] == made.data_bytes
    spans = []
    for init in made.model.graph.initializer:
        if init.data_location == TensorProto.EXTERNAL:
            info = {e.key: e.value for e in init.external_data}
            assert info["location"] == "lm_int8.weights" and int(info["offset"]) % ALIGN == 0
            spans.append((int(info["offset"]), int(info["offset"]) + int(info["length"])))
    spans.sort()
    assert len(spans) == 3 * len(made.tensors)
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:]))
    assert spans[-1][1] <= made.data_bytes
    by_offset = {t.codes_offset: t for t in made.tensors}
    assert sorted(by_offset) == sorted(t["data_offset"] for t in entry["tensors"])


def test_the_arithmetic_is_the_per_token_simulation_and_is_undone_after() -> None:
    model, _ = tiny_quantized_model()
    tokens = torch.tensor([TOKENS])
    positions = torch.arange(len(TOKENS)).unsqueeze(0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        float_logits, _ = model(tokens, positions, None, zero_lora(model.config))
        with int8_arithmetic(model):
            exact, _ = model(tokens, positions, None, zero_lora(model.config))
        with simulated_int8(model, "token"):
            faked, _ = model(tokens, positions, None, zero_lora(model.config))
        after, _ = model(tokens, positions, None, zero_lora(model.config))
    # The same quantization, its products summed in another order: equal to float32 noise, unlike the float model.
    assert torch.allclose(exact, faked, atol=1e-4)
    assert (exact - float_logits).abs().max() > 100 * (exact - faked).abs().max()
    assert torch.equal(after, float_logits)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_the_typescript_golden_is_current() -> None:
    stored = json.loads(GOLDEN.read_text())
    made = golden()
    assert stored["columns"] == made["columns"], "rerun /usr/bin/python3 -m models.export.int8_golden"
    # The graph's bytes depend on the exporter's version; its layout and the reference numbers must not change.
    for key in ("config", "external", "tokens", "logits", "present_key_last", "step_logits", "blocks_base64"):
        assert stored["graph"][key] == made["graph"][key], f"{key}: rerun /usr/bin/python3 -m models.export.int8_golden"
