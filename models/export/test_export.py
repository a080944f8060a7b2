"""Export of a tiny random LM: graph interface, the tied embedding stored once (as float16), manifest entries."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch

from models.export.export_base import prompt_sections
from models.export.export_lm import export_encoder, export_lm, trace_lm
from models.export.fp16_storage import round_to_fp16
from models.export.graphs import ChunkEncoder, LMStep, lm_input_names, lm_output_names
from models.export.lora_pattern import pattern_lora
from models.export.manifest import read_manifest, register_file, set_section
from models.export.onnx_shapes import io_shapes
from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.model import CodeLM

TINY = LMConfig(vocab_size=512, d_model=32, n_layers=2, n_heads=2, d_ff=48, max_seq_len=64)


def tiny_model() -> CodeLM:
    torch.manual_seed(0)
    model = CodeLM(TINY).eval()
    round_to_fp16(model)
    return model


def test_export_wrappers_equal_the_model() -> None:
    model = tiny_model()
    ids = torch.randint(0, TINY.vocab_size, (1, 6))
    lora = pattern_lora(TINY)
    reference, presents = model(ids, torch.arange(6).unsqueeze(0), None, lora)
    empty = [torch.zeros(1, TINY.n_heads, 0, TINY.head_dim) for _ in range(2 * TINY.n_layers)]
    flat_lora = [t for m in LORA_TARGETS for t in lora[m]]
    with torch.no_grad():
        outputs = LMStep(model)(ids, torch.arange(6).unsqueeze(0), *empty, *flat_lora)
    assert torch.allclose(outputs[0], reference, atol=1e-5)
    assert torch.allclose(outputs[1], presents[0][0], atol=1e-5)
    mask = torch.tensor([[1, 1, 1, 1, 0, 0]])
    with torch.no_grad():
        assert torch.allclose(ChunkEncoder(model)(ids, mask), model.pooled(ids, mask), atol=1e-5)
        last = LMStep(model, last_logits_only=True)(ids, torch.arange(6).unsqueeze(0), *empty, *flat_lora)
    assert last[0].shape == (1, 1, TINY.vocab_size)
    assert torch.allclose(last[0], reference[:, -1:], atol=1e-5)
    assert all(torch.equal(a, b) for a, b in zip(last[1:], outputs[1:]))


def test_a_last_logits_graph_declares_one_position(tmp_path: Path) -> None:
    path = tmp_path / "lm.onnx"
    trace_lm(tiny_model(), path, last_logits_only=True)
    inputs, outputs = io_shapes(path)
    assert outputs["logits"][1] == 1 and inputs["input_ids"][1] == "seq"


def test_the_base_manifest_takes_the_scorers_prompt_settings(tmp_path: Path) -> None:
    config = tmp_path / "static_eval.json"
    config.write_text(json.dumps({"memory": {"k": 4, "max_block_tokens": 99}, "rag": {"k": 2}, "seed": 1}))
    assert prompt_sections(config) == {"memory": {"k": 4, "max_block_tokens": 99}, "rag": {"k": 2}}


def test_onnx_graphs_store_the_embedding_once_as_fp16(tmp_path: Path) -> None:
    model = tiny_model()
    lm_path, encoder_path = tmp_path / "lm.onnx", tmp_path / "encoder.onnx"
    export_lm(model, lm_path)
    export_encoder(model, encoder_path)
    for path in (lm_path, encoder_path):
        graph = onnx.load(str(path)).graph
        embedding_sized = [i for i in graph.initializer if int(np.prod(i.dims)) == TINY.vocab_size * TINY.d_model]
        assert len(embedding_sized) == 1
        assert embedding_sized[0].data_type == onnx.TensorProto.FLOAT16
    inputs, outputs = io_shapes(lm_path)
    assert list(inputs) == lm_input_names(TINY.n_layers)
    assert list(outputs) == lm_output_names(TINY.n_layers)
    assert inputs["lora_A_gate"] == ["rank", TINY.d_model] and inputs["lora_B_gate"] == [TINY.d_ff, "rank"]
    assert inputs["past_key_0"] == ["batch", TINY.n_heads, "past_seq", TINY.head_dim]
    assert outputs["logits"] == ["batch", "seq", TINY.vocab_size]
    enc_inputs, enc_outputs = io_shapes(encoder_path)
    assert list(enc_inputs) == ["input_ids", "attention_mask"] and enc_outputs["pooled"] == ["batch", TINY.d_model]


def test_manifest_keeps_other_entries(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    (tmp_path / "a.bin").write_bytes(b"abc")
    (tmp_path / "b.bin").write_bytes(b"defg")
    register_file(manifest, "a", tmp_path / "a.bin")
    set_section(manifest, "metrics", "a", {"x": 1})
    register_file(manifest, "b", tmp_path / "b.bin", inputs={"x": ["batch", 3]})
    set_section(manifest, "metrics", "b", {"y": 2})
    data = read_manifest(manifest)
    assert data["version"] == 1
    assert data["files"]["a"] == {"path": "a.bin", "bytes": 3,
                                  "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
    assert data["files"]["b"]["inputs"] == {"x": ["batch", 3]}
    assert data["metrics"] == {"a": {"x": 1}, "b": {"y": 2}}
    assert json.loads(manifest.read_text()) == data


def test_a_grouped_query_model_exports_its_smaller_kv_cache(tmp_path: Path) -> None:
    config = LMConfig(vocab_size=512, d_model=32, n_layers=2, n_heads=4, n_kv_heads=2, d_ff=48, max_seq_len=64)
    torch.manual_seed(0)
    model = CodeLM(config).eval()
    round_to_fp16(model)
    export_lm(model, tmp_path / "lm.onnx")
    inputs, outputs = io_shapes(tmp_path / "lm.onnx")
    assert inputs["past_value_1"] == ["batch", 2, "past_seq", config.head_dim]
    assert inputs["lora_B_k"] == [2 * config.head_dim, "rank"] and inputs["lora_B_q"] == [config.d_model, "rank"]
