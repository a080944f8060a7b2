"""The single shared LoRA as an input-free graph: outputs named as the LM's LoRA inputs, the float16 numbers the
scorer loads, and a refusal of a run made on another LM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from onnx import numpy_helper

from models.export.single_lora import single_lora_graph
from models.lm.config import LORA_TARGETS, LMConfig
from models.static.hypernet import SharedLora

TINY = LMConfig(vocab_size=256, d_model=64, n_layers=1, n_heads=2, d_ff=96, max_seq_len=32)


def published(tmp_path: Path, lm_id: str = "abc") -> Path:
    torch.manual_seed(0)
    module = SharedLora(TINY, rank=4)
    for p in module.b.values():
        torch.nn.init.normal_(p)
    path = tmp_path / "single.pt"
    state = {k: v.half() for k, v in module.state_dict().items()}
    torch.save({"method": "single", "lm_id": lm_id, "state": state, "steps": 3}, path)
    return path


def test_outputs_are_the_lm_lora_inputs_with_the_published_numbers(tmp_path: Path) -> None:
    path = published(tmp_path)
    model, summary = single_lora_graph(path, "abc")
    assert [i.name for i in model.graph.input] == []
    assert [o.name for o in model.graph.output] == [f"lora_{p}_{m}" for m in LORA_TARGETS for p in ("A", "B")]
    state = torch.load(path)["state"]
    stored = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for m in LORA_TARGETS:
        assert np.array_equal(stored[f"lora_A_{m}__fp16"], state[f"a.{m}"].numpy())
        assert stored[f"lora_B_{m}__fp16"].dtype == np.float16
    assert summary["rank"] == 4 and summary["steps"] == 3


def test_a_run_on_another_lm_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="trained on LM abc"):
        single_lora_graph(published(tmp_path), "other")
