"""The committed list: one repository per line with its pinned commit (tab-separated, `#` comments)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .paths import LOCK

HEADER = ["name", "commit", "first_parent_commits", "test_files", "tasks_at_commit"]


@dataclass(frozen=True)
class Pin:
    name: str                  # owner/name as GitHub spells it
    commit: str                # the history ends here (40 hex digits)
    first_parent_commits: int
    test_files: int
    tasks_at_commit: int


def read_lock(path: Path = LOCK) -> list[Pin]:
    pins = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, commit, commits, tests, tasks = line.split("\t")
        pins.append(Pin(name, commit, int(commits), int(tests), int(tasks)))
    return pins


def write_lock(pins: list[Pin], comment: str, path: Path = LOCK) -> None:
    lines = [f"# {c}" for c in comment.splitlines()] + ["\t".join(HEADER)]
    lines += [f"{p.name}\t{p.commit}\t{p.first_parent_commits}\t{p.test_files}\t{p.tasks_at_commit}"
              for p in sorted(pins, key=lambda p: p.name.lower())]
    path.write_text("\n".join(lines) + "\n")
