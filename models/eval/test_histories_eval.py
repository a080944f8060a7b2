"""The real-history floor copies only from earlier commits of the same history; Static reads the first commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.data.histories.fixtures import make_repo

from .histories_eval import causal_floor, earlier_pools, start_snapshots


def task(i: int, commit: str, cut: str, target: str) -> dict:
    return {"id": f"r@{commit}:000:t.py:{i}:4", "repo": "r", "commit": f"{commit}:000", "path": "t.py", "line": i,
            "kind": "assert", "prefix": f"def test_x():\n    {cut}", "target": target, "split": "cr_test"}


def test_the_floor_never_copies_from_the_same_or_a_later_commit() -> None:
    history = [task(1, "c1", "assert size(a) == ", "11"), task(2, "c2", "assert size(b) == ", "22"),
               task(3, "c2", "assert size(a) == ", "33"), task(4, "c3", "assert size(a) == ", "44")]
    floor = causal_floor(history, history)
    assert floor[history[0]["id"]] == ""        # nothing before the first commit
    assert floor[history[1]["id"]] == "11"      # c1 only: its sibling in c2 is not visible
    assert floor[history[2]["id"]] == "11"
    assert floor[history[3]["id"]] == "33"      # the best match of c1..c2 (same words; the nearest line wins)


def test_earlier_pools_hold_the_tasks_of_strictly_earlier_commits() -> None:
    history = [task(1, "c1", "assert a == ", "11"), task(2, "c2", "assert b == ", "22"), task(3, "c2", "assert c == ", "33")]
    pools = earlier_pools(history)
    assert [[t["id"] for t in pools[h["id"]]] for h in history] == [[], [history[0]["id"]], [history[0]["id"]]]


def test_static_reads_the_production_files_of_the_history_s_first_commit(tmp_path: Path) -> None:
    repo, commits = make_repo(tmp_path)
    folder = tmp_path / "histories"
    folder.mkdir()
    (folder / "sequences.jsonl").write_text(json.dumps({"repo": "fix/ture", "start_version": commits[0]}) + "\n")
    snapshot = start_snapshots(folder, ["fix/ture"], tmp_path / "clones")
    # The first commit's code, not the pinned one's (f returns x + 1 there; pkg/b.py came later); no test files.
    assert snapshot == {"fix/ture": [("pkg/__init__.py", ""), ("pkg/a.py", "def f(x):\n    return x + 1\n")]}
    with pytest.raises(FileNotFoundError, match="give --clones"):
        start_snapshots(folder, ["fix/ture"], tmp_path / "elsewhere")
