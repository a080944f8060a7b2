"""Which Python files are test files (the benchmark's task sources; never pretraining text).

The rule (DESIGN.md section 2), on the '/'-separated path relative to the repository root:
a file named `test_*.py`, `*_test.py` or `conftest.py`, or any `.py` file with a directory component named
`tests` or `test`. The TypeScript side implements the same rule; keep the two in step (see TASKS.md).
"""

from __future__ import annotations

TEST_DIRS = frozenset({"tests", "test"})


def is_python_file(path: str) -> bool:
    return path.endswith(".py")


def is_test_file(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    if not name.endswith(".py"):
        return False
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(part in TEST_DIRS for part in parts[:-1])
