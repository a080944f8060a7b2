"""Sizes and schedule of Code2LoRA-Evo, read from models/configs/evo*.json (never hard-coded in code)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .paths import CONFIGS_DIR


@dataclass(frozen=True)
class EvoConfig:
    state: int = 64               # GRU state z (the heads read LayerNorm(z), so this is also the heads' input width)
    init_hidden: int = 512        # initialiser: Linear(E, init_hidden) -> GELU -> Linear(init_hidden, state) -> LN
    step_input: int = 128         # GRU input: LayerNorm(Linear(E, step_input))
    # Added at initialisation to the GRU's update-gate bias: u = sigmoid(...) near 1 keeps the state, so a positive
    # value makes the state accumulate history rather than follow the latest diff (models/evo/movement/MOVEMENT.md).
    update_gate_bias: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def load(cls, path: Path = CONFIGS_DIR / "evo.json") -> "EvoConfig":
        return cls(**json.loads(path.read_text()))


@dataclass(frozen=True)
class EvoTrainConfig:
    steps: int = 2000
    bptt: int = 16                # truncated BPTT: gradients flow through at most this many state updates
    tasks_per_step: int = 8       # tasks per optimiser step (from the window's task-bearing steps)
    adapters_per_step: int = 2    # distinct sequence steps whose adapters those tasks use
    warmup_steps: int = 20
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    eval_every: int = 50
    val_tasks_per_sequence: int = 8
    lr: float = 5e-4
    seed: int = 0
    # The heads' own parameters (not the shared base) learn at this multiple of lr: their output starts at zero
    # beside a trained shared base, and at one lr it stays about 1% of it (models/evo/movement/MOVEMENT.md).
    heads_lr_scale: float = 1.0

    @classmethod
    def load(cls, path: Path = CONFIGS_DIR / "evo_train.json") -> "EvoTrainConfig":
        return cls(**json.loads(path.read_text()))
