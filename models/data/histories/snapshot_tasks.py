"""The test code at a repository's pinned commit as static tasks (every test file's assertion sites): for a
training repository, what training may read of its tests; for a held-out one, nothing but its evaluation."""

from __future__ import annotations

from pathlib import Path

from ..file_roles import is_test_file
from ..tasks import Task
from .commit_steps import _tasks_of
from .gitread import py_files_at, read_blobs


def snapshot_files(repo: Path, commit: str) -> tuple[dict[str, str], dict[str, str]]:
    """(production, tests): path -> text of the .py files at a commit (unreadable ones left out)."""
    oids = py_files_at(repo, commit)
    texts = read_blobs(repo, list(oids.values()))
    production, tests = {}, {}
    for path, oid in sorted(oids.items()):
        text = texts.get(oid)
        if text is not None:
            (tests if is_test_file(path) else production)[path] = text
    return production, tests


def snapshot_tasks(tests: dict[str, str]) -> list[Task]:
    return [t for path in sorted(tests) for t in _tasks_of(path, tests[path])]
