"""The golden set of the task-extraction parity test (Python `ast` extractor vs. the TypeScript one).

Inputs: the hand-written fixture files in src/core/tasks/golden/fixtures/ (every family and filter), a few
variants made here (CRLF line ends, a byte-order mark), one small file per snippet of
src/core/tasks/golden/python311_snippets.json (syntax that Python 3.11 and tree-sitter may judge differently:
the file gives tasks exactly when Python 3.11 parses it), and every .py file of the demo repository at HEAD
(`npm run demo` builds it into .cache/demo/). Output: src/core/tasks/golden/golden_cases.jsonl, one object per
file, {"repo", "path", "text", "tasks"} with the Python extractor's tasks; Vitest requires the TypeScript
extractor to give the same, pytest (models/eval/test_task_golden.py) that the file is current.

Run: /usr/bin/python3 -m models.eval.task_golden
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from models.eval.task_cases import case, write_cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "src" / "core" / "tasks" / "golden"
FIXTURES_DIR = GOLDEN_DIR / "fixtures"
GOLDEN_PATH = GOLDEN_DIR / "golden_cases.jsonl"
SNIPPETS_PATH = GOLDEN_DIR / "python311_snippets.json"
SNIPPET_TEST = "\n\ndef test_snippet():\n    assert value() == 'kept'\n"
DEMO_GIT_DIR = ROOT / ".cache" / "demo" / "served" / "unitkit.git"
FIXTURES_REPO = "fixtures"
DEMO_REPO = "unitkit"

CRLF_VARIANTS = ("classes.py", "unicode_layout.py")
BOM_VARIANTS = ("families.py",)


def fixture_cases() -> list[dict[str, object]]:
    cases = []
    for path in sorted(FIXTURES_DIR.glob("*.py")):
        # newline="" keeps the file's own line ends: the fixtures are LF; CRLF variants are made below.
        text = path.read_text(encoding="utf-8")
        cases.append(case(FIXTURES_REPO, f"tests/{path.name}", text))
        if path.name in CRLF_VARIANTS:
            cases.append(case(FIXTURES_REPO, f"tests/crlf_{path.name}", text.replace("\n", "\r\n")))
        if path.name in BOM_VARIANTS:
            cases.append(case(FIXTURES_REPO, f"tests/bom_{path.name}", "\ufeff" + text))
    return cases


def snippet_cases() -> list[dict[str, object]]:
    snippets: list[str] = json.loads(SNIPPETS_PATH.read_text(encoding="utf-8"))
    return [case(FIXTURES_REPO, f"tests/snippet_{i:02d}.py", snippet + SNIPPET_TEST)
            for i, snippet in enumerate(snippets)]


def demo_files() -> list[tuple[str, str]] | None:
    """(path, text) of the demo repository's .py files at HEAD, or None when it has not been built."""
    if not DEMO_GIT_DIR.is_dir():
        return None
    git = ["git", "--git-dir", str(DEMO_GIT_DIR)]
    names = subprocess.run(git + ["ls-tree", "-r", "--name-only", "HEAD"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    return [(name, subprocess.run(git + ["show", f"HEAD:{name}"], check=True, capture_output=True).stdout
             .decode("utf-8")) for name in sorted(names) if name.endswith(".py")]


def recorded_cases() -> list[dict[str, object]]:
    if not GOLDEN_PATH.exists():
        return []
    return [json.loads(line) for line in GOLDEN_PATH.read_text(encoding="utf-8").splitlines() if line]


def demo_cases() -> list[dict[str, object]]:
    """The demo repository's cases: from the built repository, else the texts already recorded."""
    files = demo_files()
    if files is None:
        files = [(str(c["path"]), str(c["text"])) for c in recorded_cases() if c["repo"] == DEMO_REPO]
    return [case(DEMO_REPO, path, text) for path, text in files]


def golden_cases() -> list[dict[str, object]]:
    return fixture_cases() + snippet_cases() + demo_cases()


def main() -> None:
    count = write_cases(golden_cases(), GOLDEN_PATH)
    print(f"wrote {count} files to {GOLDEN_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
