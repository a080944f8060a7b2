"""Build the histories track from clones of the committed list (models/data/histories/repos.lock.tsv).

    /usr/bin/python3 -m models.data.histories.build [--clones DIR] [--fetch] [--window 200] [--jobs 2]

For every listed repository not in the held-out exclusion list: its newest `--window` first-parent commits up to
the pinned commit as an evolution sequence ("commits" provenance: the oldest commit is the starting snapshot, each
later commit's production diffs are steps and the assertions it adds or modifies are its tasks, at most 8), and
the test code at the pinned commit as static tasks. Writes models/.cache/histories/ in the benchmark's layout
(repos.jsonl, sequences.jsonl, evolution.jsonl, static.jsonl, evolution/<owner_name>.commits.jsonl) and the
track's section of models/data/STATS.md. Nothing of the repositories is committed.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..bench_build import _write_jsonl, steps_and_records, task_record
from ..evolution import MAX_TASKS_PER_SEQUENCE, Sequence, cap_sequence, capped
from ..tasks import Task
from .clones import clone_for
from .commit_steps import history_sequence
from .exclude import is_excluded
from .lockfile import Pin, read_lock
from .paths import HISTORIES_DIR, LOCK
from .snapshot_tasks import snapshot_files, snapshot_tasks
from .splits import chronological_split, holdout_of

DEFAULT_WINDOW = 200
MAX_STATIC_TASKS = 500


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} histories: {msg}", flush=True)


@dataclass
class RepoBuild:
    name: str
    skipped: str = ""                       # why nothing was built, or ""
    info: dict[str, object] = field(default_factory=dict)
    header: dict[str, object] = field(default_factory=dict)
    steps: list[dict[str, object]] = field(default_factory=list)
    evolution: list[dict[str, object]] = field(default_factory=list)
    static: list[dict[str, object]] = field(default_factory=list)


def safe_name(name: str) -> str:
    return name.replace("/", "_")


def twin_splits(seq: Sequence, records: list[dict[str, object]]) -> dict[tuple[str, str, str], str]:
    """(path, test function, statement) -> the split of the evolution task at that site (its newest one)."""
    pairs = [t for step in seq.steps for t in step.tasks]
    return {(t.path, t.function, t.statement): str(r["split"]) for t, r in zip(pairs, records)}


def shared_static_splits(name: str, tasks: list[Task], twins: dict[tuple[str, str, str], str]) -> list[Optional[str]]:
    """Each static task's split, shared with the evolution track so no assertion is trained on in one track and
    scored in the other: held-out repositories keep their CR split; in a training repository a task whose site an
    evolution task brought takes that task's split, the rest train. A train task below an in-repository val/test
    site of the same file would hold that site's target in its prompt: it is left out (None)."""
    held = holdout_of(name)
    if held != "train":
        return [held] * len(tasks)
    splits = [twins.get((t.path, t.function, t.statement), "train") for t in tasks]
    first_held_line: dict[str, int] = {}
    for t, s in zip(tasks, splits):
        if s != "train":
            first_held_line[t.path] = min(first_held_line.get(t.path, t.line), t.line)
    return [None if s == "train" and t.line > first_held_line.get(t.path, t.line) else s for t, s in zip(tasks, splits)]


def build_repo(pin: Pin, clones: Optional[Path], fetch: bool, window: int) -> RepoBuild:
    out = RepoBuild(pin.name)
    repo, why = clone_for(pin.name, pin.commit, clones, fetch)
    if repo is None:
        out.skipped = why
        return out
    seq, commits = history_sequence(pin.name, repo, pin.commit, window)
    seq = cap_sequence(seq, MAX_TASKS_PER_SEQUENCE)
    out.steps, out.evolution = steps_and_records(seq, lambda i, n, _t: chronological_split(pin.name, i, n))
    production, tests = snapshot_files(repo, pin.commit)
    split = holdout_of(pin.name)
    static_tasks = snapshot_tasks(tests)
    splits = shared_static_splits(pin.name, static_tasks, twin_splits(seq, out.evolution))
    everything = [task_record(pin.name, pin.commit, t, s) for t, s in zip(static_tasks, splits) if s is not None]
    keep = capped([str(r["id"]) for r in everything], MAX_STATIC_TASKS)
    out.static = [r for i, r in enumerate(everything) if i in keep]
    commits_with_tasks = len({str(s["commit"]).split(":")[0] for s in out.steps if s["task_ids"]})
    out.header = {"repo": pin.name, "provenance": seq.provenance, "start_version": seq.start_version,
                  "end_version": seq.end_version, "split": split, "steps": len(out.steps),
                  "tasks": len(out.evolution), "commits": len(commits), "commits_with_tasks": commits_with_tasks,
                  "file": f"evolution/{safe_name(pin.name)}.commits.jsonl", "start_tarball": ""}
    out.info = {"repo": pin.name, "commit": pin.commit, "split": split,
                "first_parent_commits": pin.first_parent_commits, "window_commits": len(commits),
                "window_start": commits[0].oid if commits else "", "window_days":
                    round((commits[-1].timestamp - commits[0].timestamp) / 86400, 1) if commits else 0,
                "production_files": len(production), "test_files": len(tests),
                "production_lines": sum(t.count("\n") for t in production.values()),
                "static_tasks": len(out.static), "evolution_tasks": len(out.evolution)}
    return out


def build(clones: Optional[Path], fetch: bool, window: int, jobs: int, out_dir: Path = HISTORIES_DIR,
          lock: Path = LOCK, limit: Optional[int] = None) -> dict[str, object]:
    pins = read_lock(lock)
    excluded = [p for p in pins if is_excluded(p.name)]
    todo = [p for p in pins if not is_excluded(p.name)][:limit]
    log(f"{len(pins)} listed, {len(excluded)} skipped as held out elsewhere, building {len(todo)} (window {window})")
    work = functools.partial(build_repo, clones=clones, fetch=fetch, window=window)
    built: list[RepoBuild] = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for i, result in enumerate(pool.map(work, todo)):
            built.append(result)
            if result.skipped:
                log(f"skipped {result.name}: {result.skipped}")
            if i % 25 == 0:
                log(f"{i + 1}/{len(todo)} repositories")
    ok = sorted((b for b in built if not b.skipped), key=lambda b: b.name.lower())
    _write_jsonl(out_dir / "repos.jsonl", (b.info for b in ok))
    _write_jsonl(out_dir / "static.jsonl", (r for b in ok for r in b.static))
    _write_jsonl(out_dir / "evolution.jsonl", (r for b in ok for r in b.evolution))
    for b in ok:
        _write_jsonl(out_dir / str(b.header["file"]), b.steps)
    _write_jsonl(out_dir / "sequences.jsonl", (b.header for b in ok))
    summary: dict[str, object] = {
        "listed": len(pins), "excluded_held_out": len(excluded), "built": len(ok), "window": window,
        "skipped": {b.name: b.skipped for b in built if b.skipped}}
    (out_dir / "build.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"{len(ok)} repositories, {sum(len(b.evolution) for b in ok)} evolution tasks, "
        f"{sum(len(b.static) for b in ok)} static tasks")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clones", type=Path, help="folder of bare clones (owner+name/repo or owner+name.git)")
    parser.add_argument("--fetch", action="store_true", help="clone missing repositories from GitHub")
    parser.add_argument("--window", type=int, default=DEFAULT_WINDOW)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    build(args.clones, args.fetch, args.window, args.jobs, limit=args.limit)
    from .stats import write_section
    write_section()


if __name__ == "__main__":
    main()
