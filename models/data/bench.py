"""Read RepoPeftBench-Deb (built by models.data.build into models/.cache/bench): the API other stages use.

    from models.data import bench
    for repo in bench.repositories():               # split: train | cr_val | cr_test
        files = bench.production_files(repo)         # [(path, text)] of the snapshot, test files excluded
        tasks = bench.static_tasks(repo.name)        # task dicts (DESIGN.md section 5 schema)
    for seq in bench.sequences():                    # evolution track, provenance "release" or "replay"
        start = bench.start_files(seq)               # starting snapshot's production files ([] for replay)
        for step in bench.steps(seq):                # ordered; step.diff is production code only
            step.tasks                               # task dicts this step brings (the adapter has seen the diff)
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .paths import BENCH_DIR
from .source_tree import python_files
from .file_roles import is_test_file

TaskRecord = dict[str, object]


@dataclass(frozen=True)
class Repository:
    name: str
    version: str
    split: str              # train | cr_val | cr_test (whole-repository split)
    tarball: Path
    production_files: int
    production_lines: int
    tasks: int


@dataclass(frozen=True)
class SequenceInfo:
    repo: str
    provenance: str         # "release" (Debian versions) or "replay" (snapshot replayed as growth)
    start_version: str      # "" when the sequence starts from an empty repository
    end_version: str
    split: str
    steps: int
    tasks: int
    file: Path
    start_tarball: Optional[Path]  # the starting snapshot (release chains); None: start from an empty repository


@dataclass(frozen=True)
class Step:
    commit: str
    path: str
    change: str             # add | modify | delete | tests
    diff: str
    tasks: list[TaskRecord]


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def repositories(bench_dir: Path = BENCH_DIR, split: Optional[str] = None) -> list[Repository]:
    out = []
    for r in _jsonl(bench_dir / "repos.jsonl"):
        repo = Repository(name=str(r["repo"]), version=str(r["version"]), split=str(r["split"]),
                          tarball=bench_dir.parent / str(r["tarball"]),
                          production_files=int(r["production_files"]),  # type: ignore[arg-type]
                          production_lines=int(r["production_lines"]),  # type: ignore[arg-type]
                          tasks=int(r["tasks"]))  # type: ignore[arg-type]
        if split is None or repo.split == split:
            out.append(repo)
    return out


def production_files(repo: Repository) -> list[tuple[str, str]]:
    """The snapshot's non-test .py files (path relative to the repository root, text), sorted by path."""
    return sorted((p, t) for p, t in python_files(repo.tarball) if not is_test_file(p))


@functools.lru_cache(maxsize=2)
def _tasks_by_repo(path: Path) -> dict[str, list[TaskRecord]]:
    grouped: dict[str, list[TaskRecord]] = {}
    for t in _jsonl(path):
        grouped.setdefault(str(t["repo"]), []).append(t)
    return grouped


def static_tasks(repo: str, bench_dir: Path = BENCH_DIR) -> list[TaskRecord]:
    return _tasks_by_repo(bench_dir / "static.jsonl").get(repo, [])


def all_tasks(track: str = "static", bench_dir: Path = BENCH_DIR) -> Iterator[TaskRecord]:
    """Every task of a track ("static" or "evolution"), in file order."""
    return _jsonl(bench_dir / f"{track}.jsonl")


def sequences(bench_dir: Path = BENCH_DIR, provenance: Optional[str] = None) -> list[SequenceInfo]:
    out = []
    for s in _jsonl(bench_dir / "sequences.jsonl"):
        info = SequenceInfo(repo=str(s["repo"]), provenance=str(s["provenance"]),
                            start_version=str(s["start_version"]), end_version=str(s["end_version"]),
                            split=str(s["split"]), steps=int(s["steps"]),  # type: ignore[arg-type]
                            tasks=int(s["tasks"]), file=bench_dir / str(s["file"]),  # type: ignore[arg-type]
                            start_tarball=bench_dir.parent / str(s["start_tarball"]) if s.get("start_tarball")
                            else None)
        if provenance is None or info.provenance == provenance:
            out.append(info)
    return out


def start_files(seq: SequenceInfo) -> list[tuple[str, str]]:
    """Production files of the sequence's starting snapshot (what the Evo initialiser embeds); [] for replay."""
    if seq.start_tarball is None:
        return []
    return sorted((p, t) for p, t in python_files(seq.start_tarball) if not is_test_file(p))


def steps(seq: SequenceInfo, bench_dir: Path = BENCH_DIR) -> list[Step]:
    """The sequence's ordered steps with their tasks (from evolution.jsonl, matched by id)."""
    tasks = {str(t["id"]): t for t in _tasks_by_repo(bench_dir / "evolution.jsonl").get(seq.repo, [])}
    return [Step(commit=str(s["commit"]), path=str(s["path"]), change=str(s["change"]), diff=str(s["diff"]),
                 tasks=[tasks[i] for i in s["task_ids"]])  # type: ignore[union-attr]
            for s in _jsonl(seq.file)]
