"""The metric against its golden file (shared with Vitest) and a few rules spelled out."""

from __future__ import annotations

import difflib
import json

from models.eval.make_metric_golden import GOLDEN_PATH, golden_lines
from models.eval.metric import comparable_pair, exact_match, normalize, score, strip_trailing_punctuation


def test_golden_file_is_current() -> None:
    assert GOLDEN_PATH.read_text(encoding="utf-8").splitlines() == golden_lines()


def test_golden_cases_hold() -> None:
    for line in GOLDEN_PATH.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        result = score(case["prediction"], case["reference"])
        assert result.exact_match == case["em"], case
        assert result.edit_sim == case["editsim"], case


def test_trailing_punctuation_keeps_balanced_brackets() -> None:
    assert strip_trailing_punctuation("f(x)") == "f(x)"
    assert strip_trailing_punctuation("f(x)))") == "f(x)"
    assert strip_trailing_punctuation("ValueError) :") == "ValueError"
    assert normalize("  a \t b\n") == "a b"


def test_over_generation_rules() -> None:
    assert exact_match("1, msg)", "1")
    assert not exact_match("1, 2)", "(1, 2)")
    assert exact_match("x.y z w", "x.y")
    assert not exact_match("x.y z", "x.y z w")


def test_edit_sim_is_difflib_ratio_of_the_compared_strings() -> None:
    p, r = comparable_pair("Version(1,2), 'x')", "Version(1, 2)")
    assert score("Version(1,2), 'x')", "Version(1, 2)").edit_sim == difflib.SequenceMatcher(None, p, r).ratio()
    assert score("", "").edit_sim == 1.0


def test_lenient_hits_are_attributed_to_the_rule_they_need() -> None:
    from models.eval.metric import lenient_rules_needed
    assert lenient_rules_needed("1 + x", "1") == ("first_word",)
    assert lenient_rules_needed("None,0", "None") == ("comma",)
    assert lenient_rules_needed("5, 6", "5") == ("either",)        # either the comma cut or the first word suffices
    assert lenient_rules_needed("5", "5") == ()                    # a strict hit depends on nothing
    assert lenient_rules_needed("6 + 1", "5") == ()                # a miss depends on nothing
