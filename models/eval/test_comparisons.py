"""Holm's adjustment on known values, and the primary comparison kept out of the family."""

from __future__ import annotations

import pytest

from models.eval.comparisons import comparison_family, holm


def test_holm_matches_hand_computed_values() -> None:
    # Sorted 0.01, 0.02, 0.04 times 3, 2, 1 -> 0.03, 0.04, 0.04 (monotone); 0.5 * 1 capped by order -> 0.5.
    assert holm([0.04, 0.01, 0.5, 0.02]) == pytest.approx([0.08, 0.04, 0.5, 0.06])
    assert holm([0.6, 0.9]) == pytest.approx([1.0, 1.0])


def comp(p: float) -> dict[str, float]:
    return {"difference": 0.01, "low": 0.0, "high": 0.02, "p_value": p, "tasks": 10}


def test_primary_is_tested_alone_and_the_rest_adjusted() -> None:
    splits = {"cr_test": {"paired_vs_static": {
        "single": {"exact_match": comp(0.03), "strict_exact_match": comp(0.04)},
        "pretrained": {"exact_match": comp(0.001), "strict_exact_match": comp(0.02)}}},
        "ir_test": {"paired_vs_static": {"single": {"exact_match": comp(0.2)}}}}
    out = comparison_family(splits)
    assert out["primary"]["p_value"] == 0.04 and out["primary"]["significant"]
    family = {(r["split"], r["against"], r["measure"]): r for r in out["holm"]}
    assert len(family) == 4
    assert family[("cr_test", "pretrained", "exact_match")]["p_holm"] == pytest.approx(0.004)
    assert family[("cr_test", "single", "exact_match")]["p_holm"] == pytest.approx(0.06)
    assert not family[("cr_test", "single", "exact_match")]["significant"]
    # 0.02 alone would pass at 0.05; as the second smallest of four it is tested at 0.05 / 3.
    assert family[("cr_test", "pretrained", "strict_exact_match")]["p_holm"] == pytest.approx(0.06)
    assert not family[("cr_test", "pretrained", "strict_exact_match")]["significant"]
