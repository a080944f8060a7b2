"""The expression-end stop rules: stopping as soon as they fire equals cutting a finished decode afterwards."""

from __future__ import annotations

from .expression_end import cut_at_expression_end, expression_end
from .expression_end_golden import cases, read_golden


def test_golden_is_current() -> None:
    assert read_golden() == cases()


def test_stopping_early_equals_cutting_afterwards() -> None:
    for case in read_golden()[:400]:
        cut, text, end = case["cut_line"], case["completion"], case["end"]
        first = text.split("\n")[0]
        for k in range(len(first) + 1):
            found = expression_end(cut, text[:k])
            assert found == (end if end is not None and k >= end else None), (cut, text, k)
        assert cut_at_expression_end(cut, cut_at_expression_end(cut, text)) == cut_at_expression_end(cut, text)


def test_rules() -> None:
    assert cut_at_expression_end("    self.assertEqual(x, ", "5) + 1") == "5)"
    assert cut_at_expression_end("    assert x == ", "foo(1) + 2") == "foo(1) + 2"
    assert cut_at_expression_end("    assert x == ", "5) oops") == "5)"
    assert cut_at_expression_end("    self.assertEqual(x, ", "5  # ) comment") == "5  # ) comment"
    runaway = "np.array(" * 8
    assert cut_at_expression_end("    assert x == ", runaway) == "np.array(" * 5
    dashes = "'" + "-" * 60 + "'"
    assert cut_at_expression_end("    assert x == ", dashes) == dashes
