"""Which repositories IR test is scored on: seeded draws from the repositories that have IR test tasks."""

from __future__ import annotations

import numpy as np

from models.static.config import EvalConfig


def ir_test_draws(ir_repos: list[str], ecfg: EvalConfig) -> list[list[str]]:
    """The first draw takes ecfg.ir_test_repos repositories (seed), the second ecfg.ir_test_extra_repos more (seed + 1)
    from those the first left. Growing the table this way keeps the first draw, and with it every decode already
    cached for it; one larger draw would pick other repositories."""
    draws: list[list[str]] = []
    left = sorted(ir_repos)
    for offset, size in enumerate((ecfg.ir_test_repos, ecfg.ir_test_extra_repos)):
        if size <= 0 or not left:
            continue
        chosen = np.random.default_rng(ecfg.seed + offset).choice(left, size=min(size, len(left)), replace=False)
        draws.append(sorted(chosen.tolist()))
        left = [r for r in left if r not in set(draws[-1])]
    return draws
