"""The task-extraction golden set is current: its recorded tasks are what models/data/tasks.py extracts now."""

from __future__ import annotations

from collections import Counter

import pytest

from models.data.tasks import KINDS
from models.eval.task_golden import DEMO_REPO, demo_files, golden_cases, recorded_cases


def test_golden_file_is_current() -> None:
    assert recorded_cases() == golden_cases(), "run: /usr/bin/python3 -m models.eval.task_golden"


def test_golden_set_covers_every_family_and_the_demo_repository() -> None:
    cases = recorded_cases()
    kinds = Counter(t["kind"] for c in cases for t in c["tasks"])  # type: ignore[union-attr]
    assert set(kinds) == set(KINDS)
    assert any(c["repo"] == DEMO_REPO and c["tasks"] for c in cases)
    assert any(not c["tasks"] for c in cases)  # files that give no tasks (syntax, Python 2, byte-order mark)


def test_demo_cases_match_the_built_demo_repository() -> None:
    files = demo_files()
    if files is None:
        pytest.skip("the demo repository is not built here (npm run demo); its recorded texts are checked above")
    recorded = [(c["path"], c["text"]) for c in recorded_cases() if c["repo"] == DEMO_REPO]
    assert recorded == files
