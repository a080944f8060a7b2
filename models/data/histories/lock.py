"""Pin the list: for each candidate `owner/name` with a clone, its HEAD commit, kept when the history and the tests
are long enough (the issue's rule: pytest-style tests, at least 100 first-parent commits).

    /usr/bin/python3 -m models.data.histories.lock --candidates FILE --clones DIR [--source TEXT]

FILE holds `owner/name` or `https://github.com/owner/name` lines. Held-out repositories (heldout-exclude.sha256)
are counted and never read. Writes models/data/histories/repos.lock.tsv.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..file_roles import is_test_file
from .clones import find_clone
from .exclude import is_excluded
from .gitread import first_parent_count, git
from .lockfile import Pin, write_lock
from .snapshot_tasks import snapshot_files, snapshot_tasks

MIN_FIRST_PARENT_COMMITS = 100
MIN_TASKS_AT_COMMIT = 10


def candidate_names(text: str) -> list[str]:
    names = []
    for line in text.splitlines():
        m = re.fullmatch(r"\s*(?:https://github\.com/)?([\w.-]+/[\w.-]+?)(?:\.git)?/?\s*", line)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    return names


def pin_of(name: str, repo: Path) -> Pin:
    commit = git(repo, "rev-parse", "HEAD^{commit}").decode().strip()
    _, tests = snapshot_files(repo, commit)
    return Pin(name, commit, first_parent_count(repo, commit), sum(map(is_test_file, tests)),
               len(snapshot_tasks(tests)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=Path, required=True)
    parser.add_argument("--clones", type=Path, required=True)
    parser.add_argument("--source", default="the paper's data repository's filtered_repo_urls.txt")
    args = parser.parse_args()
    names = candidate_names(args.candidates.read_text())
    held = [n for n in names if is_excluded(n)]
    kept, counts = [], {"no clone": 0, "short history": 0, "few tasks": 0}
    for name in names:
        if name in held:
            continue
        repo = find_clone(name, args.clones)
        if repo is None:
            counts["no clone"] += 1
            continue
        pin = pin_of(name, repo)
        if pin.first_parent_commits < MIN_FIRST_PARENT_COMMITS:
            counts["short history"] += 1
        elif pin.tasks_at_commit < MIN_TASKS_AT_COMMIT:
            counts["few tasks"] += 1
        else:
            kept.append(pin)
    comment = (f"Repositories of the histories track (issue 16), pinned by models.data.histories.lock.\n"
               f"Candidates: {len(names)} from {args.source}; {len(held)} skipped as held out elsewhere "
               f"(heldout-exclude.sha256); " + ", ".join(f"{v} {k}" for k, v in counts.items()) +
               f"; kept {len(kept)} (>= {MIN_FIRST_PARENT_COMMITS} first-parent commits, "
               f">= {MIN_TASKS_AT_COMMIT} assertion tasks at the pinned commit).")
    write_lock(kept, comment)
    print(comment)


if __name__ == "__main__":
    main()
