"""Published weights are the runs' parameters rounded to float16 (as the ONNX graphs hold them), buffers exact."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from models.lm.config import LMConfig
from models.static.config import HypernetConfig, StaticConfig
from models.static.export_onnx import load_hypernet
from models.static.hypernet import SharedLora, StaticHypernet

from .publish_weights import main, publish

LM = LMConfig(vocab_size=300, d_model=32, n_layers=2, n_heads=2, d_ff=48, max_seq_len=64)
HYPERNET = HypernetConfig(trunk_hidden=32, hidden=16, rank=4)


def _run(path: Path, method: str, module: torch.nn.Module) -> Path:
    config = StaticConfig.from_dict({"hypernet": HYPERNET.__dict__})
    torch.save({"method": method, "state": module.state_dict(), "lm_id": "abc", "lm_config": LM.to_dict(),
                "static_config": config.to_dict(), "best_step": 7, "best_val_loss": 2.5,
                "history": [{"step": 0, "val_loss": 3.0}]}, path)
    return path


def test_static_parameters_are_float16_and_statistics_exact(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = StaticHypernet(2 * LM.d_model, LM, HYPERNET)
    net.set_input_statistics(torch.randn(5, 2 * LM.d_model) * 3 + 1)
    out = tmp_path / "static.pt"
    publish(_run(tmp_path / "best.pt", "static", net), out, "static")
    saved = torch.load(out)
    assert saved["best_step"] == 7 and saved["lm_id"] == "abc" and saved["history"][0]["val_loss"] == 3.0
    params = dict(net.named_parameters())
    for name, tensor in saved["state"].items():
        if name in params:
            assert tensor.dtype == torch.float16
            assert torch.equal(tensor, params[name].detach().half())
        else:
            assert tensor.dtype == torch.float32 and torch.equal(tensor, net.state_dict()[name])
    # The published file loads where a run does, and computes what the float16-rounded run computes.
    loaded, _ = load_hypernet(out)
    rounded = StaticHypernet(2 * LM.d_model, LM, HYPERNET)
    rounded.load_state_dict(net.state_dict())
    with torch.no_grad():
        for p in rounded.parameters():
            p.copy_(p.half().float())
        e = torch.randn(2 * LM.d_model)
        assert all(torch.equal(loaded(e)[m][0], rounded(e)[m][0]) for m in loaded(e))


def test_single_lora_and_a_method_mismatch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    run = _run(tmp_path / "best.pt", "single", SharedLora(LM, HYPERNET.rank))
    main(["--method", "single", "--run", str(run), "--out", str(tmp_path / "single.pt")])
    assert all(t.dtype == torch.float16 for t in torch.load(tmp_path / "single.pt")["state"].values())
    with pytest.raises(SystemExit):
        main(["--method", "evo", "--run", str(run), "--out", str(tmp_path / "evo.pt")])
    assert not (tmp_path / "evo.pt").exists()
