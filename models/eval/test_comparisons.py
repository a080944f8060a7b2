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


def test_a_subset_split_adds_only_the_comparisons_of_its_own_system() -> None:
    subset = {"paired_vs_single": {"per_repo": {"exact_match": comp(0.3), "strict_exact_match": comp(0.3)},
                                   "pretrained": {"exact_match": comp(0.001)}},
              "memory_adapter_vs_prompt": {"single_memory": {"against": "tests_memory", "exact_match": comp(0.001),
                                                             "strict_exact_match": comp(0.001)}}}
    out = comparison_family({"ir_test_per_repo_sample": subset})
    assert [(r["system"], r["against"], r["measure"]) for r in out["holm"]] == [
        ("single", "per_repo", "exact_match"), ("single", "per_repo", "strict_exact_match")]


def test_a_comparison_printed_in_two_tables_is_counted_once() -> None:
    split = {"paired_vs_static": {"static_control": {"exact_match": comp(0.01), "strict_exact_match": comp(0.02)},
                                  "pretrained": {"exact_match": comp(0.01)}},
             "adapter_vs_control": {"static": {"against": "static_control", "exact_match": comp(0.01),
                                               "strict_exact_match": comp(0.02)},
                                    "evo": {"against": "evo_control", "exact_match": comp(0.3),
                                            "strict_exact_match": comp(0.3)}}}
    out = comparison_family({"cr_test": split})
    pairs = [(frozenset((r["system"], r["against"])), r["measure"]) for r in out["holm"]]
    assert len(pairs) == len(set(pairs)) == 5
    # Five tests, not seven: the smallest p is multiplied by 5.
    assert min(r["p_holm"] for r in out["holm"]) == pytest.approx(0.05)


def test_bootstrap_interval_matches_the_normal_approximation() -> None:
    import math

    from models.eval.bootstrap import mean_interval
    values = [1.0] * 120 + [0.0] * 280                 # p = 0.3, n = 400
    half = 1.96 * math.sqrt(0.3 * 0.7 / 400)            # 0.0449
    interval = mean_interval(values, 4000, 0)
    assert interval.low == pytest.approx(0.3 - half, abs=0.008)
    assert interval.high == pytest.approx(0.3 + half, abs=0.008)


def test_pairing_finds_a_gain_that_separate_intervals_hide() -> None:
    from models.eval.bootstrap import mean_interval, paired_bootstrap
    b = [1.0 if i % 3 == 0 else 0.0 for i in range(400)]
    a = list(b)
    for i in range(1, 40, 3):                           # a also gets 13 tasks right that b misses
        a[i] = 1.0
    ia, ib = mean_interval(a, 2000, 0), mean_interval(b, 2000, 0)
    assert ia.low < ib.high                             # the two intervals overlap: unpaired, no finding
    paired = paired_bootstrap(a, b, 2000, 0)
    assert paired.p_value < 0.001 and paired.low > 0    # on the same tasks the gain is certain
