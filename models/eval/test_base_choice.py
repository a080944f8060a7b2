"""The base choice adopts the cheapest candidate in a statistical tie with the best, never one the best beats."""

from __future__ import annotations

from typing import Any

from models.eval.base_choice import choose


def result(p_values: dict[str, float], prompt_tokens: dict[str, float], best: str) -> dict[str, Any]:
    return {"summary": {"best": best, "paired_best_minus": {n: {"p_value": p} for n, p in p_values.items()}},
            "costs": {n: {"mean_prompt_tokens": t} for n, t in prompt_tokens.items()}}


def test_cheapest_tie_is_adopted() -> None:
    r = result({"short": 0.29, "tiny": 0.001}, {"long": 242, "short": 183, "tiny": 90}, best="long")
    assert choose(r) == "short"


def test_best_is_kept_when_every_cheaper_candidate_is_beaten() -> None:
    r = result({"short": 0.01, "tiny": 0.0}, {"long": 242, "short": 183, "tiny": 90}, best="long")
    assert choose(r) == "long"
