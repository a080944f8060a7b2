"""One repository snapshot (a downloaded source package version): its production files, test files and tasks.

Extraction results are cached per tarball (BENCH_DIR/cache/) so that rebuilding the benchmark is cheap.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from .paths import BENCH_DIR
from .source_tree import SourceDownload, python_files
from .tasks import Task, extract_tasks
from .file_roles import is_test_file

CACHE_VERSION = 3  # bump whenever tasks.py changes what it extracts


@dataclass(frozen=True)
class Snapshot:
    package: str
    version: str
    production: dict[str, str]   # path -> text, non-test .py files
    tests: dict[str, str]        # path -> text, test .py files
    tasks: list[Task]            # every task of every test file, by path then position

    @property
    def production_lines(self) -> int:
        return sum(t.count("\n") + (0 if t.endswith("\n") or not t else 1) for t in self.production.values())


def load_snapshot(download: SourceDownload, bench_dir: Path = BENCH_DIR) -> Snapshot:
    files = python_files(download.tarball)
    production = {p: t for p, t in files if not is_test_file(p)}
    tests = {p: t for p, t in files if is_test_file(p)}
    cache = bench_dir / "cache" / f"{download.tarball.name}.tasks.json"
    tasks: list[Task] | None = None
    if cache.exists():
        cached = json.loads(cache.read_text())
        if cached.get("version") == CACHE_VERSION:
            tasks = [Task(**t) for t in cached["tasks"]]
    if tasks is None:
        tasks = [t for p in sorted(tests) for t in extract_tasks(p, tests[p])]
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"version": CACHE_VERSION, "tasks": [dataclasses.asdict(t) for t in tasks]}))
    return Snapshot(download.package, download.version, production, tests, tasks)


def relative_to_cache(path: Path, bench_dir: Path = BENCH_DIR) -> str:
    """The path relative to the folder holding the bench folder (models/.cache), as repos.jsonl records it."""
    return path.resolve().relative_to(bench_dir.parent.resolve()).as_posix()
