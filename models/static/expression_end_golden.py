"""Golden cases for the expression-end stop rules (models/static/expression_end.py and its TypeScript twin).

Every task of the task golden set (src/core/tasks/golden/golden_cases.jsonl) gives its cut line and four
completions: the target, the target followed by more code on the line, the target repeated into a runaway, and the
target with a newline and more; hand-written cases cover strings, comments, nesting and units of one character.

    /usr/bin/python3 -m models.static.expression_end_golden   (rewrites models/static/golden/expression_end.jsonl)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.lm.paths import REPO_DIR

from .expression_end import expression_end

TASKS = REPO_DIR / "src" / "core" / "tasks" / "golden" / "golden_cases.jsonl"
GOLDEN = Path(__file__).resolve().parent / "golden" / "expression_end.jsonl"

HAND_WRITTEN = [
    ("    self.assertEqual(x, ", "5) + 1"),
    ("    self.assertEqual(len(x), ", "len(y)), junk"),
    ("    self.assertTrue(isinstance(x, ", "Foo)) and more"),
    ("    assert x == ", "foo(1) + 2"),
    ("    assert x == ", "5) oops"),
    ("    self.assertEqual(x, ", "')' + \"(\")"),
    ("    self.assertEqual(x, ", "'''a)''' )"),
    ("    self.assertEqual(x, ", "'it\\'s)' )"),
    ("    self.assertEqual(x, ", "5  # ) not code\n)"),
    ("    assert x == ", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"),
    ("    assert x == ", "np.array(np.array(np.array(np.array(np.array(np.array("),
    ("    assert x == ", "'----------------------------------------------------------'"),
    ("    assert x == ", "[0, 0, 0, 0]"),
    ("    assert x == \"", "abc\" + f(\"x)\")"),
    ("    assert s == '''", "a) b''' and c)"),
    ("    self.assertEqual(x, ", "'é' * 3)"),
    ("    assert x == ", "'😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀'"),
    ("    assert x == ", "'😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a😀a'"),
]


def completions(cut_line: str, target: str) -> list[tuple[str, str]]:
    first = target.split("\n")[0]
    return [(cut_line, first), (cut_line, first + " + extra(1), 2)"), (cut_line, first + "\n    more)"),
            (cut_line, (first + ".") * (1 + 48 // max(1, len(first) + 1)))]


def cases() -> list[dict[str, Any]]:
    rows: list[tuple[str, str]] = list(HAND_WRITTEN)
    for line in TASKS.read_text().splitlines():
        for t in json.loads(line)["tasks"]:
            rows += completions(str(t["prefix"]).rsplit("\n", 1)[-1], str(t["target"]))
    return [{"cut_line": c, "completion": text, "end": expression_end(c, text)} for c, text in rows]


def read_golden() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLDEN.read_text().splitlines()]


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases()))
    print(f"wrote {GOLDEN}: {len(cases())} cases")


if __name__ == "__main__":
    main()
