"""Write models/eval/golden/metric_cases.jsonl: the metric's golden cases, checked by pytest and Vitest.

Hand-written cases carry the exact-match verdict a person expects; long generated cases (>= 200 code points,
with very frequent characters and astral-plane code points) exercise difflib's autojunk heuristic and the
code-point (not UTF-16) sequence model. `editsim` is computed here by Python's difflib, the reference.

Run: /usr/bin/python3 -m models.eval.make_metric_golden
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from models.eval.metric import score

GOLDEN_PATH = Path(__file__).resolve().parent / "golden" / "metric_cases.jsonl"

# (prediction, reference, exact match a person expects)
HAND_CASES: list[tuple[str, str, bool]] = [
    ("Version(1, 2)", "Version(1, 2)", True),
    ("Version(1, 2)\n    assert x", "Version(1, 2)", True),
    ("Version(1,2)", "Version(1, 2)", False),
    ("5)", "5", True),
    ("5, 'message')", "5", True),
    ("5 , msg=1)", "5", True),
    ("ValueError):", "ValueError", True),
    ("ValueError, match='bad'):", "ValueError", True),
    ("ValueError  # comment", "ValueError", True),
    ("True # trailing comment", "True", True),
    ("0.5)\n", "0.5", True),
    ("0.50", "0.5", False),
    ("f(x)", "f(x)", True),
    ("f(x", "f(x)", False),
    ("f(x))", "f(x)", True),
    ("[1, 2, 3])", "[1, 2, 3]", True),
    ("[1, 2, 3]", "[1, 2]", False),
    ("(1, 2), 'msg')", "(1, 2)", False),
    ("{'a': 1}", "{'a':  1}", True),
    ("{'a': 1}", "{'a':1}", False),
    ("x  +   1", "x + 1", True),
    ("x + 1  # note", "x + 1", False),
    ("  x\t+ 1 ;", "x + 1", True),
    ("\nx", "x", False),
    ("", "x", False),
    ("None", "None", True),
    ("none", "None", False),
    ("\"a, b\"", "\"a, b\"", True),
    ("\"a b\"", "\"a b\"", True),
    ("\"a\"", "\"a b\"", False),
    ("[\n    1,\n    2,\n]", "[\n        1,\n        2,\n    ]", True),
    ("[\n    1,\n    2,\n]\nassert y", "[\n        1,\n        2,\n    ]", True),
    ("'é'", "'é'", True),
    ("'😀'", "'😀'", True),
    ("'😀x'", "'😀'", False),
    ("résumé()", "resume()", False),
    ("a\r\nb", "a", True),
    ("a\rb", "a", True),
    ("x[0]", "x[0]", True),
    ("x[0]]", "x[0]", True),
    ("x[0", "x[0]", False),
    ("{1, 2}}", "{1, 2}", True),
    ("foo(bar(1), 2)):", "foo(bar(1), 2)", True),
    ("len(items) - 1", "len(items) - 1", True),
    ("len(items)-1", "len(items) - 1", False),
    ("b'\\x00'", "b'\\x00'", True),
    ("expected", "expected)", True),
]


def long_case(rng: random.Random, length: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def generated_cases() -> list[tuple[str, str]]:
    rng = random.Random(20260606)
    cases: list[tuple[str, str]] = []
    alphabets = ["ab", "abc x", "aaaab(", "xy😀é", "0123456789 .+", "abcdefghijklmnopqrstuvwxyz"]
    for alphabet in alphabets:
        for length_a, length_b in ((40, 250), (250, 40), (199, 200), (300, 300), (201, 450)):
            a = long_case(rng, length_a, alphabet)
            b = long_case(rng, length_b, alphabet)
            cases.append((a, b))
            # A reference that shares long runs with the prediction: the matching-block recursion matters.
            cases.append((a[: length_a // 2] + b[: length_b // 3] + a[length_a // 2 :], b))
    return cases


def golden_lines() -> list[str]:
    lines = []
    for prediction, reference, expected_em in HAND_CASES:
        result = score(prediction, reference)
        if result.exact_match != expected_em:
            raise AssertionError(f"metric disagrees with the hand verdict: {prediction!r} vs {reference!r}")
        lines.append(json.dumps({"prediction": prediction, "reference": reference,
                                 "em": expected_em, "editsim": result.edit_sim}, ensure_ascii=False))
    for prediction, reference in generated_cases():
        result = score(prediction, reference)
        lines.append(json.dumps({"prediction": prediction, "reference": reference,
                                 "em": result.exact_match, "editsim": result.edit_sim}, ensure_ascii=False))
    return lines


def main() -> None:
    GOLDEN_PATH.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN_PATH.write_text("\n".join(golden_lines()) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN_PATH}")


if __name__ == "__main__":
    main()
