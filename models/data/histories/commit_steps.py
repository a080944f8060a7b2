"""The paper's evolution protocol on a real first-parent history: each commit's production .py changes as diff
steps, then the assertion sites the commit adds or modifies in test files (at most MAX_TASKS_PER_COMMIT, a seeded
choice), each with its prefix as the file stands at that commit."""

from __future__ import annotations

from pathlib import Path

from ..evolution import Sequence, Step, capped, unified_diff
from ..file_roles import is_test_file
from ..tasks import Task, extract_tasks
from .gitread import Commit, first_parent_history, py_changes, read_blobs

MAX_TASKS_PER_COMMIT = 8
PROVENANCE = "commits"


def _site_key(t: Task) -> tuple[str, str]:
    return (t.function, t.statement)


def _tasks_of(path: str, text: str | None) -> list[Task]:
    if text is None:
        return []
    try:
        return extract_tasks(path, text)
    except (SyntaxError, ValueError, RecursionError):
        return []  # a file that does not parse at this commit brings no tasks


class SiteCache:
    """Tasks per (path, blob): a file's new side at one commit is its old side at the next, so each version of a
    test file is parsed once (parsing is most of the build's time)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: dict[tuple[str, str], list[Task]] = {}

    def tasks(self, path: str, oid: str | None, text: str | None) -> list[Task]:
        if oid is None:
            return []
        key = (path, oid)
        if key not in self.entries:
            if len(self.entries) >= self.size:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = _tasks_of(path, text)
        return self.entries[key]


def new_sites(before: list[Task], after: list[Task]) -> list[Task]:
    """Sites of the new file whose (test function, statement) the old file did not have."""
    seen = {_site_key(t) for t in before}
    return [t for t in after if _site_key(t) not in seen]


def commit_steps(repo: Path, commit: Commit, sites: SiteCache | None = None) -> list[Step]:
    sites = sites or SiteCache()
    changes = py_changes(repo, commit.parent, commit.oid)
    texts = read_blobs(repo, [oid for c in changes for oid in (c.old_oid, c.new_oid) if oid])
    text = lambda oid: texts.get(oid) if oid else None  # noqa: E731 - a lookup, named for the two sides
    steps: list[Step] = []
    for c in changes:
        if is_test_file(c.path):
            continue
        old, new = text(c.old_oid) or "", text(c.new_oid) or ""
        if old == new:
            continue  # binary on both sides, or a change git sees and Python text does not
        change = "add" if c.old_oid is None else "delete" if c.new_oid is None else "modify"
        steps.append(Step(commit=f"{commit.oid}:{len(steps):03d}", path=c.path, change=change,
                          diff=unified_diff(c.path, old, new)))
    tasks = [t for c in changes if is_test_file(c.path)
             for t in new_sites(sites.tasks(c.path, c.old_oid, text(c.old_oid)), sites.tasks(c.path, c.new_oid, text(c.new_oid)))]
    keep = capped([f"{commit.oid}:{t.path}:{t.line}:{t.column}" for t in tasks], MAX_TASKS_PER_COMMIT)
    chosen = [t for i, t in enumerate(tasks) if i in keep]
    if chosen:
        paths = sorted({t.path for t in chosen})
        steps.append(Step(commit=f"{commit.oid}:{len(steps):03d}", path=paths[0] if len(paths) == 1 else "",
                          change="tests", diff="", tasks=chosen))
    return steps


def history_sequence(name: str, repo: Path, pinned: str, window: int) -> tuple[Sequence, list[Commit]]:
    """The newest `window` first-parent commits up to `pinned`. The oldest of them is the starting snapshot (Evo's
    z_0); every later commit is replayed as steps."""
    commits = first_parent_history(repo, pinned, window)
    sites = SiteCache()
    steps = [s for c in commits[1:] for s in commit_steps(repo, c, sites)]
    start = commits[0].oid if commits else ""
    return Sequence(name, PROVENANCE, start, pinned, steps), commits
