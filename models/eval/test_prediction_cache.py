"""A rescore reuses stored completions only when nothing they depend on changed."""

from __future__ import annotations

from pathlib import Path

from models.eval.predict import Predictions
from models.eval.prediction_cache import cache_key, cached


def test_stored_predictions_are_reused_and_keys_follow_their_inputs(tmp_path: Path) -> None:
    calls: list[int] = []

    def make() -> Predictions:
        calls.append(1)
        return Predictions("single", {"t1": "1"}, {"t1": 12}, 0.5, {"repo": 0.1})

    key = cache_key("single", "lm-a", "sha-1", {"prompt_budget": 256}, ["t2", "t1"])
    first, reused_first = cached(tmp_path, key, make)
    second, reused_second = cached(tmp_path, key, make)
    assert (reused_first, reused_second, len(calls)) == (False, True, 1)
    assert second == first
    assert key == cache_key("single", "lm-a", "sha-1", {"prompt_budget": 256}, ["t1", "t2"])
    others = {cache_key("single", "lm-a", "sha-2", {"prompt_budget": 256}, ["t1", "t2"]),
              cache_key("single", "lm-b", "sha-1", {"prompt_budget": 256}, ["t1", "t2"]),
              cache_key("single", "lm-a", "sha-1", {"prompt_budget": 512}, ["t1", "t2"]),
              cache_key("single", "lm-a", "sha-1", {"prompt_budget": 256}, ["t1"]),
              cache_key("static", "lm-a", "sha-1", {"prompt_budget": 256}, ["t1", "t2"])}
    assert key not in others and len(others) == 5
