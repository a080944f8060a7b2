"""Which repositories a sampled table is scored on: seeded draws that can grow without redrawing the first.

IR test is scored on draws from the repositories that have IR test tasks; the per-repository LoRA is trained on
draws from the scored IR test repositories that have enough tasks to learn from (models/eval/static_eval.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.static.config import EvalConfig


def seeded_draws(items: list[str], sizes: tuple[int, ...], seed: int) -> list[list[str]]:
    """Draw i takes sizes[i] of the items the earlier draws left (seed + i). Growing a sample this way keeps the
    first draws, and with them everything already cached for them; one larger draw would pick other items."""
    draws: list[list[str]] = []
    left = sorted(items)
    for offset, size in enumerate(sizes):
        if size <= 0 or not left:
            continue
        chosen = np.random.default_rng(seed + offset).choice(left, size=min(size, len(left)), replace=False)
        draws.append(sorted(chosen.tolist()))
        left = [r for r in left if r not in set(draws[-1])]
    return draws


def excluded(path: str) -> set[str]:
    """The repositories an eval config's `ir_test_exclude` file names ("" names none; models/eval/ir_unseen.py)."""
    return set(json.loads(Path(path).read_text())["repositories"]) if path else set()


def ir_test_draws(ir_repos: list[str], ecfg: EvalConfig) -> list[list[str]]:
    """ecfg.ir_test_repos repositories (seed), then ecfg.ir_test_extra_repos more (seed + 1), from those the
    config's `ir_test_exclude` file does not name (the repositories a published adapter trained on)."""
    left_out = excluded(ecfg.ir_test_exclude)
    return seeded_draws([r for r in ir_repos if r not in left_out], (ecfg.ir_test_repos, ecfg.ir_test_extra_repos),
                        ecfg.seed)
