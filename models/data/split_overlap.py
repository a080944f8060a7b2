"""The leakage report across the benchmark's splits: which test files of cross-repo val/test repositories (the
files their scored tasks come from) a training repository also holds, with the same content or nearly.

Training sees the train repositories' test files (every task prompt is a test file's prefix, and the memory
recalls their assertions) and their production files (the repository embedding, RAG). Debian packages the same
upstream code more than once (renamed sources, vendored copies, forks), so a held-out repository's test file can
sit in a training repository too. A match is the same text, or a Jaccard similarity of at least NEAR between the
files' normalised-token shingles (models/data/shingles.py), found by MinHash LSH and then computed exactly.

`python3 -m models.data.split_overlap` writes BENCH_DIR/split_overlap.json (every flagged task id, for scorers)
and its sections of models/data/STATS.md; `--in-repository` writes only the check within training repositories
(the in-repository splits of both tracks), which takes seconds.
"""

from __future__ import annotations

import bisect
import collections
import hashlib
import itertools
import json
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import shingles as sh
from .file_roles import is_test_file
from .held_statements import HELD_IN_REPO, statement_context
from .paths import BENCH_DIR, DATA_DIR
from .source_tree import python_files

NEAR = 0.8
HELD_SPLITS = ("cr_val", "cr_test")
# Production files shorter than this many shingles (empty __init__.py files, version stubs) match everywhere.
MIN_PRODUCTION_SHINGLES = 50
SECTION_START = "<!-- leakage across splits: models/data/split_overlap.py -->"
SECTION_END = "<!-- end of the leakage across splits -->"
IN_REPO_START = "<!-- leakage within training repositories: models/data/split_overlap.py --in-repository -->"
IN_REPO_END = "<!-- end of the leakage within training repositories -->"


@dataclass(frozen=True)
class FileShingles:
    repo: str
    path: str
    is_test: bool
    sha256: str
    shingles: np.ndarray
    signature: np.ndarray


def file_shingles(repo: str, path: str, text: str) -> FileShingles:
    hashes = sh.shingle_hashes(sh.normalized_tokens(text))
    return FileShingles(repo, path, is_test_file(path), hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                        hashes, sh.signature(hashes))


def _repo_files(args: tuple[str, str]) -> list[FileShingles]:
    repo, tarball = args
    return [file_shingles(repo, path, text) for path, text in python_files(BENCH_DIR.parent / tarball)]


@dataclass(frozen=True)
class Match:
    held: FileShingles
    train: FileShingles
    kind: str  # "exact" or "near"
    jaccard: float


def find_matches(held: list[FileShingles], train: list[FileShingles], near: float = NEAR) -> list[Match]:
    """For each held file, its closest training file among the exact and near matches (none: not listed)."""
    by_sha: dict[str, FileShingles] = {}
    buckets: dict[bytes, list[int]] = collections.defaultdict(list)
    for i, f in enumerate(train):
        by_sha.setdefault(f.sha256, f)
        for key in sh.band_keys(f.signature):
            buckets[key].append(i)
    matches: list[Match] = []
    for f in held:
        same = by_sha.get(f.sha256)
        if same is not None:
            matches.append(Match(f, same, "exact", 1.0))
            continue
        candidates = {i for key in sh.band_keys(f.signature) for i in buckets.get(key, ())}
        best: tuple[float, int] | None = None
        for i in sorted(candidates):
            j = sh.jaccard(f.shingles, train[i].shingles)
            if j >= near and (best is None or j > best[0]):
                best = (j, i)
        if best is not None:
            matches.append(Match(f, train[best[1]], "near", best[0]))
    return matches


def _jsonl(name: str) -> list[dict[str, object]]:
    with (BENCH_DIR / name).open() as f:
        return [json.loads(line) for line in f]


def _load() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    return _jsonl("repos.jsonl"), _jsonl("static.jsonl")


def report(jobs: int = 2) -> dict[str, object]:
    repos, tasks = _load()
    split_of = {str(r["repo"]): str(r["split"]) for r in repos}
    tasks_by_file: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for t in tasks:
        if t["split"] in HELD_SPLITS:
            tasks_by_file[(str(t["repo"]), str(t["path"]))].append(str(t["id"]))
    with multiprocessing.Pool(jobs) as pool:
        per_repo = pool.map(_repo_files, [(str(r["repo"]), str(r["tarball"])) for r in repos], chunksize=4)
    held: list[FileShingles] = []
    held_production: list[FileShingles] = []
    train: list[FileShingles] = []
    for files in per_repo:
        for f in files:
            if split_of[f.repo] == "train":
                train.append(f)
            elif (f.repo, f.path) in tasks_by_file:
                held.append(f)
            elif not f.is_test and len(f.shingles) >= MIN_PRODUCTION_SHINGLES:
                held_production.append(f)
    matches = find_matches(held, train)
    production = find_matches(held_production, train)
    flagged = {m.held.repo + "\0" + m.held.path: m for m in matches}
    split_rows: dict[str, dict[str, int]] = {}
    for split in HELD_SPLITS:
        files = [f for f in held if split_of[f.repo] == split]
        row = {"repositories": len({f.repo for f in files}), "test_files_with_tasks": len(files),
               "tasks": sum(len(tasks_by_file[(f.repo, f.path)]) for f in files)}
        for kind in ("exact", "near"):
            hit = [f for f in files if (m := flagged.get(f.repo + "\0" + f.path)) is not None and m.kind == kind]
            row[f"files_{kind}"] = len(hit)
            row[f"tasks_{kind}"] = sum(len(tasks_by_file[(f.repo, f.path)]) for f in hit)
            row[f"repositories_{kind}"] = len({f.repo for f in hit})
        split_rows[split] = row
    listed = sorted(matches, key=lambda m: (split_of[m.held.repo], m.held.repo, m.held.path))
    return {
        "rule": f"a held-out test file with scored tasks whose text equals a training repository's .py file, or whose "
                f"{sh.SHINGLE}-token shingles have Jaccard >= {NEAR} with one (MinHash LSH, {sh.PERMUTATIONS} "
                f"permutations in {sh.BANDS} bands, then exact Jaccard)",
        "training_files": len(train),
        "training_repositories": sum(1 for r in repos if r["split"] == "train"),
        "splits": split_rows,
        "files": [{"split": split_of[m.held.repo], "repo": m.held.repo, "path": m.held.path, "kind": m.kind,
                   "jaccard": round(m.jaccard, 4), "tasks": len(tasks_by_file[(m.held.repo, m.held.path)]),
                   "training_repo": m.train.repo, "training_path": m.train.path} for m in listed],
        "flagged_task_ids": sorted(i for m in listed for i in tasks_by_file[(m.held.repo, m.held.path)]),
        "production": {
            "files": len(held_production),
            "repositories": len({f.repo for f in held_production}),
            "files_exact": sum(m.kind == "exact" for m in production),
            "files_near": sum(m.kind == "near" for m in production),
            "repositories_matched": len({m.held.repo for m in production}),
            "training_repositories_matched": len({m.train.repo for m in production}),
            "examples": [f"{m.held.repo}: {m.held.path} = {m.train.repo}: {m.train.path}"
                         for m in sorted(production, key=lambda m: (m.held.repo, m.held.path))[:8]],
        },
    }


def maximal_prompts(prompts: list[str]) -> list[str]:
    """The prompts that are not a prefix of another (a task's prompt holds every earlier one of its test function)."""
    ordered = sorted(set(prompts))
    return [p for p, q in zip(ordered, ordered[1:] + [""]) if not q.startswith(p)]


def in_repository_leaks(tracks: dict[str, list[dict[str, object]]]) -> dict[str, dict[str, dict[str, int]]]:
    """Per track and in-repository split: its tasks, those whose statement_context is in the prompt of a train task
    (of either track) of the same test file, or only of another file of the repository (a copied test, a file
    renamed between releases), and those with a twin (same file and statement context) in another split."""
    prompts: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    splits_at: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for tasks in tracks.values():
        for t in tasks:
            key = (str(t["repo"]), str(t["path"]))
            if t["split"] == "train":
                prompts[key].append(str(t["prefix"]))
            splits_at[(*key, statement_context(t))].add(str(t["split"]))
    by_repo: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for (repo, path), ps in prompts.items():
        by_repo[repo] += [(path, p) for p in maximal_prompts(ps)]
    joined = {repo: "\0".join(p for _, p in ps) for repo, ps in by_repo.items()}
    starts = {repo: list(itertools.accumulate((len(p) + 1 for _, p in ps), initial=0)) for repo, ps in by_repo.items()}

    def files_holding(repo: str, context: str) -> set[str]:
        # a context starts at a line start (held_statements.holds): "\0" and "\n" both mark one in the joined text
        text, found, at = joined.get(repo, ""), set(), 0
        while (at := text.find(context, at)) >= 0:
            if at > 0 and text[at - 1] not in "\n\0":
                at += 1
                continue
            found.add(by_repo[repo][bisect.bisect_right(starts[repo], at) - 1][0])
            at += 1
        return found

    out: dict[str, dict[str, dict[str, int]]] = {}
    for track, tasks in tracks.items():
        rows = {split: {"tasks": 0, "same_file": 0, "other_file_only": 0, "twin_in_another_split": 0}
                for split in HELD_IN_REPO}
        for t in tasks:
            if t["split"] not in rows:
                continue
            row = rows[str(t["split"])]
            row["tasks"] += 1
            repo, path, context = str(t["repo"]), str(t["path"]), statement_context(t)
            files = files_holding(repo, context)
            row["same_file"] += path in files
            row["other_file_only"] += bool(files) and path not in files
            row["twin_in_another_split"] += len(splits_at[(repo, path, context)]) > 1
        out[track] = rows
    return out


def markdown(result: dict[str, object]) -> str:
    splits = result["splits"]
    assert isinstance(splits, dict)
    lines = [SECTION_START, "## Leakage across the splits (held-out test files in training repositories)", "",
             f"- rule: {result['rule']}",
             f"- searched: {result['training_files']} .py files of {result['training_repositories']} training "
             "repositories (test and production files)", "",
             "| split | repositories | test files with tasks | tasks | exact: files / tasks / repositories | "
             "near: files / tasks / repositories |", "|---|---:|---:|---:|---|---|"]
    for split, row in splits.items():
        lines.append(f"| {split} | {row['repositories']} | {row['test_files_with_tasks']} | {row['tasks']} | "
                     f"{row['files_exact']} / {row['tasks_exact']} / {row['repositories_exact']} | "
                     f"{row['files_near']} / {row['tasks_near']} / {row['repositories_near']} |")
    files = result["files"]
    assert isinstance(files, list)
    if files:
        lines += ["", "| split | repository | test file | match | Jaccard | tasks | training repository: file |",
                  "|---|---|---|---|---:|---:|---|"]
        for f in files:
            lines.append(f"| {f['split']} | {f['repo']} | `{f['path']}` | {f['kind']} | {f['jaccard']:.3f} | "
                         f"{f['tasks']} | {f['training_repo']}: `{f['training_path']}` |")
    prod = result["production"]
    assert isinstance(prod, dict)
    lines += ["", f"- production files of the held-out repositories (at least {MIN_PRODUCTION_SHINGLES} shingles, so "
              f"not empty `__init__.py` files): {prod['files']} files of {prod['repositories']} repositories; "
              f"{prod['files_exact']} equal a training repository's file and {prod['files_near']} nearly, in "
              f"{prod['repositories_matched']} held-out repositories (from {prod['training_repositories_matched']} "
              "training repositories). They reach training only as code that a training repository vendors or shares "
              "(its embedding, RAG), never as a scored target."]
    ex = prod["examples"]
    assert isinstance(ex, list)
    if ex:
        lines.append("  - for example: " + "; ".join(f"`{e}`" for e in ex))
    lines += ["", SECTION_END]
    return "\n".join(lines) + "\n"


def in_repository_markdown(leaks: dict[str, dict[str, dict[str, int]]]) -> str:
    lines = [IN_REPO_START, "## Leakage within training repositories (the in-repository splits)", "",
             "A training repository's test files go whole to train, IR val or IR test (`models/data/splits.py`), the "
             "same draw for both tracks, so the evolution track's copy of a task is in the task's split; train tasks "
             "whose prompt holds a copy of an IR assertion from another file are left out of the benchmark "
             "(`models/data/held_statements.py`). An IR task's statement (the line before it, and its own line with "
             "the target) in a prompt of a train task of either track:", "",
             "| track | split | tasks | in a train prompt of its file | only of another file | twin in another split |",
             "|---|---|---:|---:|---:|---:|"]
    for track, rows in leaks.items():
        for split, row in rows.items():
            n = row["tasks"] or 1
            lines.append(f"| {track} | {split} | {row['tasks']} | {row['same_file']} ({row['same_file'] / n * 100:.1f}%) "
                         f"| {row['other_file_only']} ({row['other_file_only'] / n * 100:.1f}%) | "
                         f"{row['twin_in_another_split']} |")
    lines += ["", IN_REPO_END]
    return "\n".join(lines) + "\n"


def replace_section(text: str, section: str, start_mark: str = SECTION_START, end_mark: str = SECTION_END) -> str:
    start, end = text.find(start_mark), text.find(end_mark)
    if 0 <= start < end:
        tail = text[end + len(end_mark):].lstrip("\n")
        return text[:start] + section + (("\n" + tail) if tail else "")
    return text.rstrip("\n") + "\n\n" + section


def kept_section(text: str) -> str:
    """This report's sections of STATS.md, for a rebuild of the rest of the file to keep."""
    kept = ""
    for start_mark, end_mark in ((SECTION_START, SECTION_END), (IN_REPO_START, IN_REPO_END)):
        start, end = text.find(start_mark), text.find(end_mark)
        if 0 <= start < end:
            kept += ("\n" if kept else "") + text[start:end + len(end_mark)] + "\n"
    return kept


def write(path: Path = DATA_DIR / "STATS.md", jobs: int = 2) -> dict[str, object]:
    """The search across splits (minutes: every .py file of every repository is shingled)."""
    result = report(jobs)
    (BENCH_DIR / "split_overlap.json").write_text(json.dumps(result, indent=1))
    path.write_text(replace_section(path.read_text() if path.exists() else "", markdown(result)))
    return result


def write_in_repository(path: Path = DATA_DIR / "STATS.md") -> dict[str, dict[str, dict[str, int]]]:
    """The check within training repositories (seconds: the task records of both tracks)."""
    leaks = in_repository_leaks({"static": _jsonl("static.jsonl"), "evolution": _jsonl("evolution.jsonl")})
    path.write_text(replace_section(path.read_text() if path.exists() else "", in_repository_markdown(leaks),
                                    IN_REPO_START, IN_REPO_END))
    return leaks


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description="the leakage report's sections of models/data/STATS.md")
    parser.add_argument("--in-repository", action="store_true", help="only the check within training repositories")
    args = parser.parse_args()
    print(json.dumps(write_in_repository(), indent=1))
    if not args.in_repository:
        print(json.dumps(write()["splits"], indent=1))
