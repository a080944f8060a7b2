"""The histories builder on a fixture repository made with git: the evolution protocol per commit, the cap, the
starting snapshot, the held-out exclusion (counted, never read) and a clone that lacks the pinned commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import build as build_module
from ..bench import SequenceInfo
from ..tasks import Task
from .commit_steps import MAX_TASKS_PER_COMMIT, history_sequence
from .fixtures import make_repo
from .starts import MissingClone, start_files
from .exclude import is_excluded, name_hash
from .lock import candidate_names
from .lockfile import Pin, read_lock, write_lock

def test_each_commit_brings_its_production_diffs_and_the_assertions_it_adds_or_modifies(tmp_path: Path) -> None:
    repo, commits = make_repo(tmp_path)
    seq, window = history_sequence("fix/ture", repo, commits[-1], window=200)
    assert [c.oid for c in window] == commits
    assert seq.start_version == commits[0] and seq.end_version == commits[-1]   # the first commit is the snapshot
    by_commit: dict[str, list] = {}
    for step in seq.steps:
        by_commit.setdefault(step.commit.split(":")[0], []).append(step)
    assert commits[0] not in by_commit
    second = by_commit[commits[1]]
    assert [(s.change, s.path) for s in second] == [("modify", "pkg/a.py"), ("tests", "tests/test_a.py")]
    assert "-    return x + 1\n+    return x + 2\n" in second[0].diff
    tasks = second[1].tasks
    assert [(t.target, t.line) for t in tasks] == [("14", 6), ("11", 7)]
    # Each prefix is the test file as it stands at that commit, up to the target.
    assert tasks[0].prefix.endswith("    assert f(1) == 12\n    assert f(2) == ")
    assert tasks[1].prefix.endswith("assert f(2) == 14\n    assert f(0) == ")
    third = by_commit[commits[2]]
    assert [s.change for s in third] == ["tests"] and len(third[0].tasks) == MAX_TASKS_PER_COMMIT
    assert [(s.change, s.path) for s in by_commit[commits[3]]] == [("add", "pkg/b.py")]
    assert [(s.change, s.path, s.diff.startswith("--- a/pkg/b.py\n+++ /dev/null")) for s in by_commit[commits[4]]] == [
        ("delete", "pkg/b.py", True)]


def test_a_window_starts_at_its_oldest_commit(tmp_path: Path) -> None:
    repo, commits = make_repo(tmp_path)
    seq, window = history_sequence("fix/ture", repo, commits[-1], window=3)
    assert [c.oid for c in window] == commits[2:]
    assert {s.commit.split(":")[0] for s in seq.steps} == set(commits[3:])


def test_build_skips_held_out_repositories_unread_and_clones_without_the_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, commits = make_repo(tmp_path)
    lock = tmp_path / "repos.lock.tsv"
    write_lock([Pin("fix/ture", commits[-1], 5, 2, 14), Pin("held/out", "0" * 40, 500, 9, 99),
                Pin("fix/ture2", "f" * 40, 5, 2, 14)], "test list", lock)
    assert [p.name for p in read_lock(lock)] == ["fix/ture", "fix/ture2", "held/out"]
    monkeypatch.setattr(build_module, "is_excluded", lambda name: name == "held/out")
    (tmp_path / "clones" / "fix+ture2").symlink_to(tmp_path / "clones" / "fix+ture")
    out = tmp_path / "out"
    summary = build_module.build(tmp_path / "clones", False, 200, 1, out_dir=out, lock=lock)
    assert summary["excluded_held_out"] == 1 and summary["built"] == 1
    assert summary["skipped"] == {"fix/ture2": f"the clone lacks the pinned commit {'f' * 12}"}
    header = json.loads((out / "sequences.jsonl").read_text())
    assert header["repo"] == "fix/ture" and header["commits"] == 5 and header["tasks"] == 2 + MAX_TASKS_PER_COMMIT
    steps = [json.loads(line) for line in (out / header["file"]).read_text().splitlines()]
    records = [json.loads(line) for line in (out / "evolution.jsonl").read_text().splitlines()]
    assert sum(len(s["task_ids"]) for s in steps) == len(records) == header["tasks"]
    assert all(r["split"] == header["split"] or header["split"] == "train" for r in records)
    static = [json.loads(line) for line in (out / "static.jsonl").read_text().splitlines()]
    assert 0 < len(static) <= 3 + 12    # the assertions of the test files at the pinned commit
    if header["split"] != "train":
        assert {r["split"] for r in static} == {header["split"]}


def task(path: str, line: int, statement: str) -> Task:
    return Task(path, line, 4, "assert", "", "x1", "test_f", statement)


def test_static_tasks_share_their_evolution_twins_split_and_never_hold_a_held_target_in_their_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = [task("tests/t.py", 5, "assert a == 1"), task("tests/t.py", 6, "assert b == 2"),
             task("tests/t.py", 7, "assert c == 3"), task("tests/u.py", 3, "assert d == 4")]
    twins = {("tests/t.py", "test_f", "assert b == 2"): "ir_test", ("tests/u.py", "test_f", "assert d == 4"): "train"}
    monkeypatch.setattr(build_module, "holdout_of", lambda name: "train")
    # Line 5 stays train (above the held site), line 6 is the twin of an IR test task, line 7 would read line 6's
    # target in its prompt: left out.
    assert build_module.shared_static_splits("a/b", tasks, twins) == ["train", "ir_test", None, "train"]
    monkeypatch.setattr(build_module, "holdout_of", lambda name: "cr_test")
    assert build_module.shared_static_splits("a/b", tasks, twins) == ["cr_test"] * 4


def test_exclusion_hashes_lowercase_owner_and_name(tmp_path: Path) -> None:
    listed = tmp_path / "exclude.sha256"
    listed.write_text(name_hash("some/repo") + "\n")
    assert is_excluded("Some/Repo", listed) and not is_excluded("some/other", listed)


def test_candidate_names_from_urls_and_names() -> None:
    text = "https://github.com/a/b\nc/d.git\n\nnot a name\nhttps://github.com/a/b/\n"
    assert candidate_names(text) == ["a/b", "c/d"]


def test_a_real_history_starts_from_its_first_commit_read_from_the_clone(tmp_path: Path) -> None:
    repo, commits = make_repo(tmp_path)
    seq = SequenceInfo("fix/ture", "commits", commits[0], commits[-1], "cr_test", 4, 3, tmp_path / "none.jsonl", None)
    assert start_files(seq, tmp_path / "clones") == [("pkg/__init__.py", ""), ("pkg/a.py", "def f(x):\n    return x + 1\n")]
    with pytest.raises(MissingClone, match="no clone of fix/ture"):
        start_files(seq, tmp_path / "elsewhere")
