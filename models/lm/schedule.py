"""Warmup + cosine learning rate, over a horizon that a deadline may shorten or lengthen early in the run."""

from __future__ import annotations

import math


def cosine_lr(step: int, peak: float, warmup: int, total: int, min_ratio: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def horizon_for_deadline(step: int, seconds_per_step: float, seconds_left: float, max_steps: int, margin: float = 0.95) -> int:
    """How many steps in all fit before the deadline at the measured speed (at most max_steps, at least step + 1)."""
    reachable = step + int(max(0.0, seconds_left) * margin / max(seconds_per_step, 1e-6))
    return max(step + 1, min(max_steps, reachable))
