"""A deterministic nonzero LoRA that Python and TypeScript both compute (for the parity fixtures).

A_m[i, j] = 0.05 * sin(0.37 * (i * d_in + j) + 1.3 * t), B_m[i, j] = 0.05 * cos(0.23 * (i * r + j) + 0.7 * t),
with t the target's index in LORA_TARGETS, computed in float64 and rounded to float32.
"""

from __future__ import annotations

import numpy as np
import torch

from models.lm.config import LORA_TARGETS, LMConfig


def pattern_lora(config: LMConfig, rank: int | None = None) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    out: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for t, (m, (a_shape, b_shape)) in enumerate((m, config.lora_shapes(rank)[m]) for m in LORA_TARGETS):
        a_index = np.arange(a_shape[0] * a_shape[1], dtype=np.float64).reshape(a_shape)
        b_index = np.arange(b_shape[0] * b_shape[1], dtype=np.float64).reshape(b_shape)
        a = (0.05 * np.sin(0.37 * a_index + 1.3 * t)).astype(np.float32)
        b = (0.05 * np.cos(0.23 * b_index + 0.7 * t)).astype(np.float32)
        out[m] = (torch.from_numpy(a), torch.from_numpy(b))
    return out
