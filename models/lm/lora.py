"""Shared-across-layers LoRA: one (A, B) per projection type, W' = W + (alpha / r) B A, with r read from A."""

from __future__ import annotations

from typing import Mapping, Optional

import torch
from torch import Tensor

from .config import LORA_TARGETS, LMConfig

# target name -> (A [r, d_in], B [d_out, r]); a missing target (or None) means no adapter on that projection.
LoraWeights = Mapping[str, tuple[Tensor, Tensor]]


# target name -> (A^T [d_in, r], B^T [r, d_out], alpha / r): an adapter made ready once per forward pass.
PreparedLora = dict[str, tuple[Tensor, Tensor, float]]


def prepare_lora(lora: Optional[LoraWeights], alpha: float) -> Optional[PreparedLora]:
    """Transposes and scale of every target, once per forward instead of once per layer: the layers share the
    adapter, and an exported graph otherwise repeats this work in every layer."""
    if lora is None:
        return None
    return {m: (pair[0].transpose(0, 1), pair[1].transpose(0, 1), alpha / pair[0].shape[0])
            for m, pair in lora.items() if pair is not None}


def lora_delta(x: Tensor, prepared: Optional[tuple[Tensor, Tensor, float]]) -> Optional[Tensor]:
    """(alpha / r) * x A^T B^T, computed low-rank (never materialising B A), or None without an adapter."""
    if prepared is None:
        return None
    a_t, b_t, scale = prepared
    return (x @ as_dtype(a_t, x.dtype)) @ as_dtype(b_t, x.dtype) * scale


def as_dtype(t: Tensor, dtype: torch.dtype) -> Tensor:
    """t in dtype; t itself when it already is, so a traced graph records no cast that does nothing."""
    return t if t.dtype == dtype else t.to(dtype)


def zero_lora(config: LMConfig, rank: int | None = None, dtype: torch.dtype = torch.float32) -> dict[str, tuple[Tensor, Tensor]]:
    shapes = config.lora_shapes(rank)
    return {m: (torch.zeros(shapes[m][0], dtype=dtype), torch.zeros(shapes[m][1], dtype=dtype)) for m in LORA_TARGETS}


def random_lora(config: LMConfig, scale: float, generator: torch.Generator, rank: int | None = None) -> dict[str, tuple[Tensor, Tensor]]:
    shapes = config.lora_shapes(rank)
    return {
        m: (torch.randn(shapes[m][0], generator=generator) * scale, torch.randn(shapes[m][1], generator=generator) * scale)
        for m in LORA_TARGETS
    }
