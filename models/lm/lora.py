"""Shared-across-layers LoRA: one (A, B) per projection type, W' = W + (alpha / r) B A, with r read from A."""

from __future__ import annotations

from typing import Mapping, Optional

import torch
from torch import Tensor

from .config import LORA_TARGETS, LMConfig

# target name -> (A [r, d_in], B [d_out, r]); a missing target (or None) means no adapter on that projection.
LoraWeights = Mapping[str, tuple[Tensor, Tensor]]


def lora_delta(x: Tensor, pair: Optional[tuple[Tensor, Tensor]], alpha: float) -> Optional[Tensor]:
    """(alpha / r) * x A^T B^T, computed low-rank (never materialising B A), or None without an adapter."""
    if pair is None:
        return None
    a, b = pair
    scale = alpha / a.shape[0]
    return (x @ a.transpose(0, 1).to(x.dtype)) @ b.transpose(0, 1).to(x.dtype) * scale


def zero_lora(config: LMConfig, rank: int | None = None, dtype: torch.dtype = torch.float32) -> dict[str, tuple[Tensor, Tensor]]:
    shapes = config.lora_shapes(rank)
    return {m: (torch.zeros(shapes[m][0], dtype=dtype), torch.zeros(shapes[m][1], dtype=dtype)) for m in LORA_TARGETS}


def random_lora(config: LMConfig, scale: float, generator: torch.Generator, rank: int | None = None) -> dict[str, tuple[Tensor, Tensor]]:
    shapes = config.lora_shapes(rank)
    return {
        m: (torch.randn(shapes[m][0], generator=generator) * scale, torch.randn(shapes[m][1], generator=generator) * scale)
        for m in LORA_TARGETS
    }
