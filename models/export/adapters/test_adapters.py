"""Adapter files: the GGUF layout llama.cpp reads (names, shapes, the query/key permutation), the PEFT folder's
round trip into the same adapter, and refusal of files that are not a shared Code2LoRA adapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from models.base.gguf_model import import_reader, unpermute
from models.base.paths import READER_DIR
from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.lora import random_lora

from .files import Provenance, read_peft, write_gguf, write_peft
from .layout import GGUF_TENSOR, permute
from .safetensors_file import read_safetensors, write_safetensors

CONFIG = LMConfig(vocab_size=300, d_model=48, n_layers=3, n_heads=6, n_kv_heads=2, d_ff=64, max_seq_len=64,
                  lora_alpha=32.0, lora_rank=4)
PROVENANCE = Provenance("octo/widgets", "0123456789abcdef0123", "static", "tiny", "ab" * 32, "org/tiny")


def lora() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    return random_lora(CONFIG, 0.1, torch.Generator().manual_seed(0))


def test_permute_is_the_inverse_of_the_base_readers_unpermute() -> None:
    rows = np.arange(6 * 8 * 3, dtype=np.float32).reshape(6 * 8, 3)
    assert np.array_equal(unpermute(permute(rows, 6), 6), rows)
    assert not np.array_equal(permute(rows, 6), rows)
    # Within a head, llama.cpp interleaves the two halves: rows 0, 4, 1, 5, ... of an 8-row head.
    assert permute(rows, 6)[:8, 0].tolist() == rows[[0, 4, 1, 5, 2, 6, 3, 7], 0].tolist()


def test_gguf_has_the_llama_cpp_adapter_layout(tmp_path: Path) -> None:
    weights = lora()
    path = write_gguf(tmp_path / "a.gguf", weights, CONFIG, PROVENANCE)
    gguf = import_reader(READER_DIR)
    reader = gguf.GGUFReader(str(path))
    fields = {k: reader.fields[k].contents() for k in ("general.type", "general.architecture", "adapter.type",
                                                        "adapter.lora.alpha", "code2lora.commit")}
    assert fields == {"general.type": "adapter", "general.architecture": "llama", "adapter.type": "lora",
                      "adapter.lora.alpha": 32.0, "code2lora.commit": PROVENANCE.commit}
    tensors = {t.name: np.asarray(t.data).reshape([int(d) for d in reversed(t.shape)]) for t in reader.tensors}
    assert len(tensors) == CONFIG.n_layers * len(LORA_TARGETS) * 2
    a, b = weights["k"]
    # ggml's ne is the numpy shape reversed: lora_a [r, d_in] has ne (d_in, r), as llama.cpp requires.
    assert np.array_equal(tensors["blk.2.attn_k.weight.lora_a"], a.numpy())
    assert np.array_equal(tensors["blk.2.attn_k.weight.lora_b"], permute(b.numpy(), CONFIG.kv_heads))
    assert np.array_equal(tensors["blk.1.attn_q.weight.lora_b"], permute(weights["q"][1].numpy(), CONFIG.n_heads))
    assert np.array_equal(tensors[f"blk.0.{GGUF_TENSOR['down']}.weight.lora_b"], weights["down"][1].numpy())


def test_peft_folder_round_trips_into_the_same_adapter(tmp_path: Path) -> None:
    weights = lora()
    folder = write_peft(tmp_path / "peft", weights, CONFIG, PROVENANCE)
    config = json.loads((folder / "adapter_config.json").read_text())
    assert (config["r"], config["lora_alpha"], config["base_model_name_or_path"]) == (4, 32.0, "org/tiny")
    assert config["target_modules"] == ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"]
    back, metadata = read_peft(folder, CONFIG)
    assert metadata["code2lora.repository"] == "octo/widgets"
    for m in LORA_TARGETS:
        assert torch.equal(back[m][0], weights[m][0]) and torch.equal(back[m][1], weights[m][1])


def test_peft_reader_refuses_layers_that_differ(tmp_path: Path) -> None:
    folder = write_peft(tmp_path / "peft", lora(), CONFIG, PROVENANCE)
    tensors, metadata = read_safetensors(folder / "adapter_model.safetensors")
    tensors["base_model.model.model.layers.2.mlp.up_proj.lora_B.weight"][0, 0] += 1.0
    write_safetensors(folder / "adapter_model.safetensors", tensors, metadata)
    with pytest.raises(ValueError, match="layer 2 of mlp.up_proj differs"):
        read_peft(folder, CONFIG)


def test_truncated_safetensors_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.safetensors"
    path.write_bytes((10_000).to_bytes(8, "little") + b"{}")
    with pytest.raises(ValueError, match="runs past the end"):
        read_safetensors(path)
