"""Golden cases for the TypeScript twin of change_text (src/core/diff/change-text.ts): Python's own output.

    PYTHONPATH=. /usr/bin/python3 models/evo/make_diff_golden.py [OUT]

Writes OUT (default src/core/diff/golden/change_text.json): {"cases": [{"name", "path", "old", "new", "text",
"groups"}]}, where `text` is change_text(path, old, new) and `groups` the grouped opcodes (n=3) of the two files'
lines. The cases are seeded random edits of Python-like files: line endings of every kind str.splitlines knows
(\\n, \\r\\n, \\r, \\x0c, \\x85, \\u2028, ...), files without a final newline, non-ASCII text, files of 200+ lines whose
frequent lines difflib's autojunk ignores as anchors, added, deleted, identical and empty files.
"""

from __future__ import annotations

import difflib
import json
import random
import sys
from pathlib import Path

from models.evo.diff_text import CONTEXT_LINES, change_text

OUT = Path("src/core/diff/golden/change_text.json")
SEED = 7

WORDS = ["value", "parse", "total", "self", "config", "items", "result", "key", "name", "path", "count", "data"]
COMMON = ["\n", "    pass\n", "    return None\n", "        continue\n", "# ---\n"]
UNICODE = ["é", "ß", "λ", "中文", "😀", "🐍", "\u00a0", "Ω"]
ODD_ENDINGS = ["\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def code_line(rng: random.Random, unicode: bool) -> str:
    kind = rng.randrange(6)
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    if kind == 0:
        text = f"def {a}_{b}(x):"
    elif kind == 1:
        text = f"    {a} = {b}({rng.randrange(100)})"
    elif kind == 2:
        text = f"    return {a} + {rng.randrange(10)}"
    elif kind == 3:
        text = f"class {a.title()}{b.title()}:"
    elif kind == 4:
        text = f"    # {a} {b}"
    else:
        text = f"    if {a} > {b}:"
    if unicode and rng.random() < 0.3:
        text += f"  # {rng.choice(UNICODE)}{rng.choice(UNICODE)}"
    return text + "\n"


def python_file(rng: random.Random, lines: int, unicode: bool = False, common: float = 0.2) -> list[str]:
    return [rng.choice(COMMON) if rng.random() < common else code_line(rng, unicode) for _ in range(lines)]


def edit(rng: random.Random, lines: list[str], edits: int, unicode: bool = False) -> list[str]:
    out = list(lines)
    for _ in range(edits):
        op = rng.randrange(4)
        at = rng.randrange(len(out) + 1)
        if op == 0 or not out:
            out[at:at] = [code_line(rng, unicode) for _ in range(rng.randrange(1, 5))]
        elif op == 1:
            del out[at:at + rng.randrange(1, 4)]
        elif op == 2:
            out[at:at + rng.randrange(1, 3)] = [code_line(rng, unicode) for _ in range(rng.randrange(1, 3))]
        else:
            at = min(at, len(out) - 1)
            out[at] = out[at].rstrip("\n") + "  # changed\n"
    return out


def edit_common(rng: random.Random, lines: list[str], edits: int) -> list[str]:
    """Edits that also add and drop the frequent lines (where autojunk changes which lines anchor a match)."""
    out = edit(rng, lines, edits)
    for _ in range(edits):
        at = rng.randrange(len(out) + 1)
        if rng.random() < 0.5:
            out[at:at] = [rng.choice(COMMON)]
        elif at < len(out) and out[at] in COMMON:
            del out[at]
    return out


def with_endings(rng: random.Random, lines: list[str], ending: str, share: float) -> list[str]:
    return [line[:-1] + ending if line.endswith("\n") and rng.random() < share else line for line in lines]


def groups(old: str, new: str) -> list[list[list[object]]]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(keepends=True), new.splitlines(keepends=True))
    return [[list(code) for code in group] for group in matcher.get_grouped_opcodes(CONTEXT_LINES)]


def without_autojunk(old: str, new: str) -> str:
    new_lines = new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old.splitlines(keepends=True), new_lines, autojunk=False)
    return "".join(part for g in matcher.get_grouped_opcodes(CONTEXT_LINES) for part in new_lines[g[0][3]:g[-1][4]])


def cases() -> list[tuple[str, str, str, str]]:
    rng = random.Random(SEED)
    out: list[tuple[str, str, str, str]] = []
    add = out.append
    add(("both empty", "pkg/a.py", "", ""))
    add(("added", "pkg/new.py", "", "".join(python_file(rng, 12))))
    add(("added without final newline", "pkg/new.py", "", "x = 1\ny = 2"))
    add(("deleted", "pkg/old.py", "".join(python_file(rng, 9)), ""))
    base = "".join(python_file(rng, 30))
    add(("identical", "pkg/same.py", base, base))
    add(("final newline removed", "m.py", "a = 1\nb = 2\n", "a = 1\nb = 2"))
    add(("final newline added", "m.py", "a = 1\nb = 2", "a = 1\nb = 2\n"))
    add(("only a newline", "m.py", "x\n", "\n"))
    add(("one line changed in the middle", "m.py", "".join(f"l{i}\n" for i in range(20)),
         "".join(f"l{i}\n" if i != 10 else "changed\n" for i in range(20))))
    add(("two hunks", "m.py", "".join(f"l{i}\n" for i in range(40)),
         "".join(f"l{i}\n" if i not in (3, 30) else f"L{i}\n" for i in range(40))))
    add(("hunks exactly 2n apart", "m.py", "".join(f"l{i}\n" for i in range(30)),
         "".join(f"l{i}\n" if i not in (5, 12) else f"L{i}\n" for i in range(30))))
    add(("hunks 2n+1 apart", "m.py", "".join(f"l{i}\n" for i in range(30)),
         "".join(f"l{i}\n" if i not in (5, 13) else f"L{i}\n" for i in range(30))))
    for ending in ODD_ENDINGS:
        old = with_endings(rng, python_file(rng, 25), ending, 0.5)
        new = edit(rng, old, 3)
        add((f"line ending {ending!r}", "pkg/endings.py", "".join(old), "".join(new)))
    add(("CRLF file, final line without ending", "w.py", "a = 1\r\nb = 2\r\nc = 3\r\n", "a = 1\r\nb = 20\r\nc = 3"))
    add(("CR before LF split apart", "w.py", "a\r\n\rb\n", "a\r\r\nb\n"))
    for i in range(8):
        old = python_file(rng, rng.randrange(5, 60), unicode=True)
        add((f"unicode {i}", "pkg/ünïcode.py", "".join(old), "".join(edit(rng, old, rng.randrange(1, 5), unicode=True))))
    for i in range(20):
        old = python_file(rng, rng.randrange(1, 80))
        new = edit(rng, old, rng.randrange(1, 8))
        if rng.random() < 0.3 and new:
            new[-1] = new[-1].rstrip("\n")
        if rng.random() < 0.2 and old:
            old[-1] = old[-1].rstrip("\n")
        add((f"random {i}", f"pkg/mod{i}.py", "".join(old), "".join(new)))
    for i in range(10):
        # 200+ lines with many repeated lines: autojunk drops them as anchors.
        old = python_file(rng, rng.randrange(200, 320), common=0.5)
        add((f"big {i}", f"pkg/big{i}.py", "".join(old), "".join(edit_common(rng, old, rng.randrange(4, 30)))))
    blank_heavy = "".join("\n" if i % 3 else f"x{i} = {i}\n" for i in range(240))
    add(("big blank-heavy, lines moved", "pkg/blank.py", blank_heavy,
         blank_heavy.replace("x3 = 3\n", "").replace("x120 = 120\n", "x120 = 120\nx3 = 3\n")))
    return out


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rows = []
    autojunk_matters = 0
    for name, path, old, new in cases():
        text = change_text(path, old, new)
        if new and old and text != without_autojunk(old, new):
            autojunk_matters += 1
        rows.append({"name": name, "path": path, "old": old, "new": new, "text": text, "groups": groups(old, new)})
    if autojunk_matters == 0:
        raise SystemExit("no case where autojunk changes the text: make the big cases bigger")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"generator": "models/evo/make_diff_golden.py", "cases": rows}, indent=0) + "\n")
    print(f"wrote {out}: {len(rows)} cases ({autojunk_matters} where autojunk changes the text), "
          f"{out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
