"""Build RepoPeftBench-Deb from the downloaded source packages into BENCH_DIR.

Outputs (all JSONL, one object a line):
- repos.jsonl: every benchmark repository {repo, version, suites, split, tarball, production_files, test_files,
  production_lines, tasks} (tarball relative to models/.cache; read its files with models.data.bench).
- static.jsonl: static-track tasks, schema of DESIGN.md section 5.
- evolution.jsonl: evolution-track tasks, same schema; "commit" names the step that brings the task.
- sequences.jsonl: {repo, provenance, start_version, end_version, split, steps, tasks, file, start_tarball};
  `file` (relative to BENCH_DIR) holds the sequence's ordered steps {commit, path, change, diff, task_ids};
  `start_tarball` (relative to models/.cache, "" for replay) is the starting snapshot the Evo initialiser reads.
"""

from __future__ import annotations

import functools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .held_statements import train_tasks_holding_held_statements
from .evolution import Sequence, cap_sequence, capped, release_sequence, replay_sequence
from .holdout import holdout_of
from .paths import BENCH_DIR
from .snapshot import Snapshot, load_snapshot, relative_to_cache
from .source_tree import SourceDownload, downloaded_sources, versions_in_order
from .splits import static_split
from .tasks import Task

MIN_TASKS = 10  # a repository enters the benchmark with at least this many static tasks
MAX_STATIC_TASKS = 500  # per repository, a seeded-hash choice: a few huge suites must not dominate the metrics


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} bench: {msg}", flush=True)


def task_record(repo: str, commit: str, task: Task, split: str) -> dict[str, object]:
    return {"id": f"{repo}@{commit}:{task.path}:{task.line}:{task.column}", "repo": repo, "commit": commit,
            "path": task.path, "line": task.line, "kind": task.kind, "prefix": task.prefix,
            "target": task.target, "split": split}


@dataclass
class RepoResult:
    info: dict[str, object]
    static: list[dict[str, object]]
    sequences: list[tuple[dict[str, object], list[dict[str, object]]]]  # (header, steps)
    evolution: list[dict[str, object]]


def steps_and_records(seq: Sequence, split_of: Callable[[int, int, Task], str]
                      ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The sequence's step rows (each naming its tasks' ids) and its task records, task i of n in
    split_of(i, n, task)."""
    all_tasks = [(step, t) for step in seq.steps for t in step.tasks]
    records: list[dict[str, object]] = []
    ids_by_step: dict[str, list[str]] = {}
    for i, (step, t) in enumerate(all_tasks):
        rec = task_record(seq.repo, step.commit, t, split_of(i, len(all_tasks), t))
        records.append(rec)
        ids_by_step.setdefault(step.commit, []).append(str(rec["id"]))
    steps = [{"commit": s.commit, "path": s.path, "change": s.change, "diff": s.diff,
              "task_ids": ids_by_step.get(s.commit, [])} for s in seq.steps]
    return steps, records


def _sequence_records(seq: Sequence, start_tarball: str
                      ) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    steps, records = steps_and_records(seq, lambda _i, _n, t: static_split(seq.repo, t.path))
    safe = seq.repo.replace("/", "_")
    header: dict[str, object] = {
        "repo": seq.repo, "provenance": seq.provenance, "start_version": seq.start_version,
        "end_version": seq.end_version, "split": holdout_of(seq.repo), "steps": len(steps),
        "tasks": len(records), "file": f"evolution/{safe}.{seq.provenance}.jsonl", "start_tarball": start_tarball}
    return header, steps, records


def build_repo(versions: list[SourceDownload], bench_dir: Path = BENCH_DIR) -> RepoResult | None:
    newest = versions[-1]
    snap = load_snapshot(newest, bench_dir)
    if len(snap.tasks) < MIN_TASKS:
        return None
    repo = snap.package
    everything = [task_record(repo, snap.version, t, "") for t in snap.tasks]
    keep = capped([str(r["id"]) for r in everything], MAX_STATIC_TASKS)
    static = [r for i, r in enumerate(everything) if i in keep]
    for rec in static:
        rec["split"] = static_split(repo, str(rec["path"]))
    info: dict[str, object] = {
        "repo": repo, "version": snap.version, "suites": list(newest.suites), "split": holdout_of(repo),
        "tarball": relative_to_cache(newest.tarball, bench_dir), "production_files": len(snap.production),
        "test_files": len(snap.tests), "production_lines": snap.production_lines, "tasks": len(static),
        "tasks_before_cap": len(snap.tasks),
        "versions": [v.version for v in versions]}
    sequences = []
    evolution: list[dict[str, object]] = []
    chain_downloads = _distinct_releases(versions)
    seqs: list[tuple[Sequence, str]] = [(replay_sequence(snap), "")]
    if len(chain_downloads) >= 2:
        chain: list[Snapshot] = [load_snapshot(v, bench_dir) for v in chain_downloads[:-1]] + [snap]
        seqs.insert(0, (release_sequence(chain), relative_to_cache(chain_downloads[0].tarball, bench_dir)))
    for seq, start_tarball in seqs:
        header, steps, records = _sequence_records(cap_sequence(seq), start_tarball)
        if not records:
            continue
        sequences.append((header, steps))
        evolution += records
    leaking = train_tasks_holding_held_statements(static + evolution)
    static = [r for r in static if r["id"] not in leaking]
    evolution = [r for r in evolution if r["id"] not in leaking]
    for header, steps in sequences:
        for step in steps:
            step["task_ids"] = [i for i in step["task_ids"] if i not in leaking]  # type: ignore[union-attr]
        header["tasks"] = sum(len(step["task_ids"]) for step in steps)  # type: ignore[arg-type]
    info["tasks"] = len(static)
    info["train_tasks_left_out"] = len(leaking)
    return RepoResult(info, static, sequences, evolution)


def _distinct_releases(versions: list[SourceDownload]) -> list[SourceDownload]:
    """Versions with distinct upstream tarballs (Debian-only revisions change nothing upstream), oldest first;
    the newest download stands for its upstream release."""
    out: list[SourceDownload] = []
    for v in versions:
        if out and out[-1].tarball.name == v.tarball.name:
            out[-1] = v
        else:
            out.append(v)
    return out


def _write_jsonl(path: Path, rows: Iterable[dict[str, object]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(path)
    return n


def build(jobs: int = 2, bench_dir: Path = BENCH_DIR,
          downloads: list[SourceDownload] | None = None) -> list[RepoResult]:
    chains = versions_in_order(downloaded_sources() if downloads is None else downloads)
    log(f"{len(chains)} source packages downloaded; extracting tasks")
    results: list[RepoResult] = []
    work = functools.partial(build_repo, bench_dir=bench_dir)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for i, result in enumerate(pool.map(work, chains.values(), chunksize=2)):
            if result is not None:
                results.append(result)
            if i % 50 == 0:
                log(f"{i}/{len(chains)} packages, {len(results)} repositories with >= {MIN_TASKS} tasks")
    results.sort(key=lambda r: str(r.info["repo"]))
    _write_jsonl(bench_dir / "repos.jsonl", (r.info for r in results))
    n_static = _write_jsonl(bench_dir / "static.jsonl", (t for r in results for t in r.static))
    n_evo = _write_jsonl(bench_dir / "evolution.jsonl", (t for r in results for t in r.evolution))
    headers = []
    for r in results:
        for header, steps in r.sequences:
            _write_jsonl(bench_dir / str(header["file"]), steps)
            headers.append(header)
    _write_jsonl(bench_dir / "sequences.jsonl", headers)
    log(f"{len(results)} repositories, {n_static} static tasks, {len(headers)} sequences, {n_evo} evolution tasks")
    return results
