"""The evolution track: ordered steps of production-code diffs, with the assertion tasks each step brings.

Two provenances, reported apart:
- "release": two or more Debian versions of a project downloaded; each version-to-version change is cut into
  per-file steps: changed production files first (in the import order of the newer version), then changed test
  files. A test-file step brings the assertion sites of the new file that the old file did not have (matched by
  test function and whitespace-collapsed statement): "adds or modifies an assertion".
- "replay": one snapshot replayed as growth: production modules in import order, each test file right after the
  modules it imports (import_order.growth_order); each test file brings its tasks.
A step brings at most MAX_TASKS_PER_STEP tasks; a test file with more is cut into consecutive steps of that many
(the later ones carry no further diff). A step's diff holds production code only: test diffs would leak targets.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

from .import_order import growth_order
from .snapshot import Snapshot
from .tasks import Task

MAX_TASKS_PER_STEP = 8
MAX_TASKS_PER_SEQUENCE = 500  # as for the static track: a few huge test suites must not dominate the metrics
Provenance = str  # "release" | "replay"


@dataclass
class Step:
    commit: str           # step id, unique within the repository: "<provenance>:<from>..<to>:<index>"
    path: str             # the file this step changes
    change: str           # "add" | "modify" | "delete" | "tests"
    diff: str             # unified diff of production code ("" for test-file steps)
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Sequence:
    repo: str
    provenance: Provenance
    start_version: str    # "" when the sequence starts from an empty repository (replay)
    end_version: str
    steps: list[Step]


def unified_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{path}" if old else "/dev/null",
                                 tofile=f"b/{path}" if new else "/dev/null", n=3)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _task_steps(prefix: str, path: str, tasks: list[Task], counter: list[int]) -> list[Step]:
    steps = []
    for i in range(0, len(tasks), MAX_TASKS_PER_STEP):
        steps.append(Step(commit=f"{prefix}:{counter[0]:05d}", path=path, change="tests", diff="",
                          tasks=tasks[i:i + MAX_TASKS_PER_STEP]))
        counter[0] += 1
    return steps


def replay_sequence(snap: Snapshot) -> Sequence:
    by_file: dict[str, list[Task]] = {}
    for t in snap.tasks:
        by_file.setdefault(t.path, []).append(t)
    prefix = f"replay:{snap.version}"
    counter = [0]
    steps: list[Step] = []
    for path in growth_order(snap.production, snap.tests):
        if path in snap.production:
            steps.append(Step(commit=f"{prefix}:{counter[0]:05d}", path=path, change="add",
                              diff=unified_diff(path, "", snap.production[path])))
            counter[0] += 1
        elif by_file.get(path):
            steps += _task_steps(prefix, path, by_file[path], counter)
    return Sequence(snap.package, "replay", "", snap.version, steps)


def _site_key(t: Task) -> tuple[str, str]:
    return (t.function, t.statement)


def release_steps(old: Snapshot, new: Snapshot, counter: list[int]) -> list[Step]:
    prefix = f"release:{old.version}..{new.version}"
    steps: list[Step] = []
    order = [p for p in growth_order(new.production, {}) if p in new.production]
    changed = [p for p in order if old.production.get(p) != new.production[p]]
    deleted = sorted(p for p in old.production if p not in new.production)
    for path in changed:
        change = "modify" if path in old.production else "add"
        steps.append(Step(commit=f"{prefix}:{counter[0]:05d}", path=path, change=change,
                          diff=unified_diff(path, old.production.get(path, ""), new.production[path])))
        counter[0] += 1
    for path in deleted:
        steps.append(Step(commit=f"{prefix}:{counter[0]:05d}", path=path, change="delete",
                          diff=unified_diff(path, old.production[path], "")))
        counter[0] += 1
    old_sites: dict[str, set[tuple[str, str]]] = {}
    for t in old.tasks:
        old_sites.setdefault(t.path, set()).add(_site_key(t))
    new_by_file: dict[str, list[Task]] = {}
    for t in new.tasks:
        if _site_key(t) not in old_sites.get(t.path, set()):
            new_by_file.setdefault(t.path, []).append(t)
    for path in sorted(new_by_file):
        steps += _task_steps(prefix, path, new_by_file[path], counter)
    return steps


def release_sequence(chain: list[Snapshot]) -> Sequence:
    counter = [0]
    steps: list[Step] = []
    for old, new in zip(chain, chain[1:]):
        steps += release_steps(old, new, counter)
    return Sequence(chain[0].package, "release", chain[0].version, chain[-1].version, steps)


def _rank(key: str) -> bytes:
    return hashlib.sha256(f"code2lora-cap-v1:{key}".encode()).digest()


def capped(keys: list[str], limit: int) -> set[int]:
    """Indices of the `limit` keys with the smallest seeded hash (all of them when there are few enough)."""
    if len(keys) <= limit:
        return set(range(len(keys)))
    return set(sorted(range(len(keys)), key=lambda i: _rank(keys[i]))[:limit])


def cap_sequence(seq: Sequence, limit: int = MAX_TASKS_PER_SEQUENCE) -> Sequence:
    """Keep at most `limit` tasks (a seeded-hash choice, order kept); test steps left without tasks go."""
    keys = [f"{step.commit}:{t.path}:{t.line}:{t.column}" for step in seq.steps for t in step.tasks]
    keep = capped(keys, limit)
    steps: list[Step] = []
    i = 0
    for step in seq.steps:
        kept = [t for j, t in enumerate(step.tasks, start=i) if j in keep]
        i += len(step.tasks)
        if step.change == "tests" and not kept:
            continue
        steps.append(Step(step.commit, step.path, step.change, step.diff, kept))
    return Sequence(seq.repo, seq.provenance, seq.start_version, seq.end_version, steps)
