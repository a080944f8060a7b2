"""The 8-bit simulation: the quantizers reproduce onnxruntime's formulas, and the simulation leaves the LM as it was."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from models.lm.config import LMConfig
from models.lm.lora import zero_lora
from models.lm.model import AdaptedLinear, CodeLM

from .int8_sim import quantize_activations, quantize_rows, report, simulated_int8


def test_activations_follow_dynamic_quantize_linear() -> None:
    # range [-1, 2]: scale 3/255, zero point 85; 0.5 / scale = 42.5 rounds half to even, to 42.
    x = torch.tensor([[-1.0, 0.5, 2.0]])
    scale = 3.0 / 255.0
    assert torch.allclose(quantize_activations(x), torch.tensor([[-85 * scale, 42 * scale, 170 * scale]]))


def test_activation_range_stretches_to_zero_and_is_per_sequence() -> None:
    # All positive: the range still starts at 0, so 0 stays exact. Each sequence of the batch has its own scale:
    # the first, in [0, 1], keeps steps of 1/255 although the second reaches 100.
    x = torch.tensor([[[0.0, 1.0], [0.3, 0.7]], [[0.0, 100.0], [50.0, 25.0]]])
    out = quantize_activations(x)
    assert out[0, 0, 0] == 0.0
    assert (out[0] - x[0]).abs().max() <= 0.5 / 255 + 1e-7
    assert (out[1] - x[1]).abs().max() <= 0.5 * 100 / 255 + 1e-5


def test_activations_per_token_or_left_float() -> None:
    # Per token, a small position keeps its own fine steps beside an outlier; "none" leaves the tensor alone.
    x = torch.tensor([[[0.0, 1.0], [0.0, 100.0]]])
    per_token = quantize_activations(x, "token")
    assert (per_token[0, 0] - x[0, 0]).abs().max() <= 0.5 / 255 + 1e-7
    assert (quantize_activations(x, "tensor")[0, 0] - x[0, 0]).abs().max() > 0.1
    assert torch.equal(quantize_activations(x, "none"), x)
    symmetric = quantize_activations(torch.tensor([[[-1.0, 0.5, 0.3]]]), "token-symmetric")
    assert torch.allclose(symmetric, torch.tensor([[[-1.0, 64 / 127, 38 / 127]]]))


def test_weights_are_int8_per_row() -> None:
    w = torch.tensor([[1.0, -0.5, 0.3], [0.02, 0.01, -0.04]])
    q = quantize_rows(w)
    for row in range(2):
        step = w[row].abs().max() / 127
        levels = q[row] / step
        assert torch.allclose(levels, levels.round(), atol=1e-4)
        assert (q[row] - w[row]).abs().max() <= step / 2 + 1e-7
    assert q[0, 0] == 1.0  # the largest entry of a row is exact


def test_simulation_changes_outputs_and_restores_the_lm() -> None:
    torch.manual_seed(0)
    config = LMConfig(vocab_size=64, d_model=16, n_layers=1, n_heads=2, d_ff=32, max_seq_len=64)
    lm = CodeLM(config).eval()
    ids = torch.tensor([[3, 17, 42, 5]])
    lora = zero_lora(config)
    before = {n: p.detach().clone() for n, p in lm.named_parameters()}
    with torch.no_grad():
        float_logits, _ = lm(ids, lora=lora)
        with simulated_int8(lm):
            int8_logits, _ = lm(ids, lora=lora)
        after_logits, _ = lm(ids, lora=lora)
    assert not torch.equal(float_logits, int8_logits)
    assert (float_logits - int8_logits).abs().max() < 0.1 * float_logits.abs().max()
    assert torch.equal(float_logits, after_logits)
    assert all(torch.equal(p, before[n]) for n, p in lm.named_parameters())
    assert AdaptedLinear.adapted.__qualname__ == "AdaptedLinear.adapted"


def test_report_keeps_one_run_per_activation_mode(tmp_path: Path) -> None:
    interval = {"mean": 0.5, "low": 0.4, "high": 0.6}
    row = {"tasks": 10, "repositories": 2, "identical_completions": 9, "exact_match_float": interval,
           "exact_match_int8": interval, "int8_minus_float": {"difference": -0.1, "low": -0.2, "high": 0.0,
                                                             "p_value": 0.9}}
    report({"single_memory": row}, "tensor", "a" * 64, tmp_path)
    report({"single_memory": {**row, "identical_completions": 10}}, "none", "a" * 64, tmp_path)
    saved = json.loads((tmp_path / "int8.json").read_text())
    assert set(saved["runs"]) == {"tensor", "none"}
    table = (tmp_path / "INT8.md").read_text()
    assert "| tensor | single_memory | 9 of 10 |" in table and "| none | single_memory | 10 of 10 |" in table
    report({"single_memory": row}, "token", "b" * 64, tmp_path)  # other weights: the earlier runs no longer apply
    assert set(json.loads((tmp_path / "int8.json").read_text())["runs"]) == {"token"}
