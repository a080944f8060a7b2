"""The pretraining script end to end on a tiny LM: it trains, logs, resumes, and asks for a device it can use."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from . import train
from .test_model import TINY

TRAIN_CONFIG = {"seq_len": 16, "batch_size": 2, "lr": 0.002, "min_lr_ratio": 0.1, "warmup_steps": 1,
                "weight_decay": 0.1, "betas": [0.9, 0.95], "grad_clip": 1.0, "max_steps": 4, "eval_every": 2,
                "eval_windows": 4, "log_every": 1, "checkpoint_minutes": 0, "seed": 7}


def _setup(tmp_path: Path) -> list[str]:
    rng = np.random.default_rng(0)
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    for name, size in (("train.u16", 2_000), ("val.u16", 400)):
        rng.integers(0, TINY.vocab_size, size, dtype=np.uint16).tofile(tokens / name)
    (tmp_path / "lm.json").write_text(json.dumps(TINY.to_dict()))
    (tmp_path / "train.json").write_text(json.dumps(TRAIN_CONFIG))
    return ["train", "--run", "tiny", "--config", str(tmp_path / "lm.json"), "--train-config",
            str(tmp_path / "train.json"), "--tokens", str(tokens), "--runs-dir", str(tmp_path / "runs"),
            "--threads", "1"]


def _main(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    monkeypatch.setattr(sys, "argv", argv)
    train.main()


def test_it_trains_logs_its_loss_curve_and_resumes_where_it_stopped(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    argv = _setup(tmp_path)
    _main(monkeypatch, argv + ["--device", "cpu"])
    run = tmp_path / "runs" / "tiny"
    records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records if "loss" in r] == [1, 2, 3, 4]
    assert [r["step"] for r in records if "val_loss" in r] == [2, 4]
    final = torch.load(run / "final.pt")
    assert final["step"] == 4 and all(v.device.type == "cpu" for v in final["model"].values())

    # The same command with a longer horizon continues from the checkpoint instead of starting over.
    _main(monkeypatch, argv + ["--max-steps", "6"])
    records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records if "loss" in r] == [1, 2, 3, 4, 5, 6]
    assert torch.load(run / "final.pt")["step"] == 6


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal where there is no CUDA device")
def test_asking_for_cuda_without_one_is_an_error_not_a_cpu_run(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="no CUDA device"):
        _main(monkeypatch, _setup(tmp_path) + ["--device", "cuda"])
    assert not (tmp_path / "runs").exists()
