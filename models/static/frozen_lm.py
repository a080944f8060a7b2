"""The frozen code LM every system of the static track shares (backbone, chunk encoder), loaded from a checkpoint."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from models.lm.config import LMConfig
from models.lm.model import CodeLM
from models.lm.paths import DEFAULT_CONFIG


def freeze(model: CodeLM) -> CodeLM:
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def load_frozen_lm(checkpoint: Path) -> tuple[CodeLM, str]:
    """The LM in eval mode with no gradients, and an id (sha256 of the checkpoint file) that keys the caches."""
    if not checkpoint.is_file():
        raise FileNotFoundError(f"{checkpoint} is missing: run /usr/bin/python3 -m models.base.setup for the "
                                "pretrained base, or -m models.lm.from_onnx for our own LM")
    state = torch.load(checkpoint, map_location="cpu")
    config_values = state.get("config") if isinstance(state, dict) else None
    config = LMConfig.from_dict(config_values) if isinstance(config_values, dict) else LMConfig.load(DEFAULT_CONFIG)
    weights = state.get("model", state) if isinstance(state, dict) else state
    model = CodeLM(config)
    model.load_state_dict(weights)
    h = hashlib.sha256()
    with checkpoint.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return freeze(model), h.hexdigest()[:16]


def save_lm_checkpoint(model: CodeLM, path: Path) -> None:
    """The format load_frozen_lm reads (used for test fixtures; the LM stage writes the real ones)."""
    torch.save({"config": model.config.to_dict(), "model": model.state_dict()}, path)
