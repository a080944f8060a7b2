"""Build, save and load Code2LoRA-Evo models (the frozen LM and the encoder come from the static session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from models.static.config import HypernetConfig
from models.static.session import Session

from .config import EvoConfig
from .model import EvoHypernet


def build_evo(session: Session, config: EvoConfig) -> EvoHypernet:
    return EvoHypernet(session.embed_dim, session.lm.config, session.config.hypernet, config)


def zero_heads(model: EvoHypernet) -> None:
    model.heads.zero_()


def make_control(model: EvoHypernet) -> None:
    """The Evo control (issue: is Evo's gain over the single LoRA only the extra training?): heads at zero and
    frozen, so the adapter is the shared base at every step whatever the state, and only that base trains, on Evo's
    own stream of windows and with Evo's selection. What it learns is the single LoRA trained on for the same steps
    and data."""
    zero_heads(model)
    if model.heads.base is None:
        raise ValueError("the Evo control needs heads with a shared base (config.shared_base)")
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith("heads.base."))


def control_checkpoint(model_state: dict[str, torch.Tensor], session: Session, extra: dict[str, Any]) -> dict[str, Any]:
    """A control run's shared base saved as a single-shared-LoRA run (models/static/session.load_adapter reads it)."""
    prefix = "heads.base."
    state = {k[len(prefix):]: v.clone() for k, v in model_state.items() if k.startswith(prefix)}
    return {"method": "single", "state": state, "lm_id": session.lm_id, "static_config": session.config.to_dict(),
            "lm_config": session.lm.config.to_dict(), "embed_dim": session.embed_dim, "control_of": "evo", **extra}


def save_evo(path: Path, model_state: dict[str, torch.Tensor], session: Session, config: EvoConfig,
             extra: dict[str, Any]) -> None:
    torch.save({"method": "evo", "state": model_state, "lm_id": session.lm_id, "evo_config": config.to_dict(),
                "static_config": session.config.to_dict(), "lm_config": session.lm.config.to_dict(),
                "embed_dim": session.embed_dim, **extra}, path)


def load_evo(checkpoint: Path, session: Session | None = None) -> tuple[EvoHypernet, dict[str, Any]]:
    from models.lm.config import LMConfig

    state = torch.load(checkpoint, map_location="cpu")
    if state.get("method") != "evo":
        raise ValueError(f"{checkpoint} is not a Code2LoRA-Evo run")
    if session is not None and state["lm_id"] != session.lm_id:
        raise ValueError(f"{checkpoint} was trained on LM {state['lm_id']}, not on {session.lm_id}")
    lm_config = LMConfig.from_dict(state["lm_config"])
    heads = HypernetConfig(**state["static_config"]["hypernet"])
    embed_dim = int(state.get("embed_dim", 2 * lm_config.d_model))  # older runs embedded with the base itself
    model = EvoHypernet(embed_dim, lm_config, heads, EvoConfig(**state["evo_config"]))
    model.load_state_dict(state["state"])
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, state
