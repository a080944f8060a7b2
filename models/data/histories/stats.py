"""The histories track's section of models/data/STATS.md (replaced on every build; the rest of the file is the
Debian benchmark's, written by models/data/stats.py, which keeps this section)."""

from __future__ import annotations

import collections
import json
import statistics
from pathlib import Path

from ..paths import DATA_DIR
from ..stats import SECTION_END, SECTION_START, _jsonl, _task_table
from .paths import HISTORIES_DIR

SPLITS = ("train", "ir_val", "ir_test", "cr_val", "cr_test")


def section(folder: Path = HISTORIES_DIR) -> list[str]:
    repos = _jsonl(folder / "repos.jsonl")
    evolution = _jsonl(folder / "evolution.jsonl")
    static = _jsonl(folder / "static.jsonl")
    seqs = _jsonl(folder / "sequences.jsonl")
    build = json.loads((folder / "build.json").read_text())
    by_split = collections.Counter(str(r["split"]) for r in repos)
    evo_by_split = collections.Counter(str(t["split"]) for t in evolution)
    med = lambda xs: f"{statistics.median(xs):.0f}" if xs else "-"  # noqa: E731
    cr_test_repos_with_tasks = sum(1 for s in seqs if s["split"] == "cr_test" and int(s["tasks"]) > 0)
    return [
        SECTION_START,
        "## Evolution track from real GitHub histories",
        "",
        "Written by `/usr/bin/python3 -m models.data.histories.build` from clones of "
        "`models/data/histories/repos.lock.tsv` (nothing of the repositories is committed).",
        "",
        f"- listed: {build['listed']}; skipped as held out elsewhere (heldout-exclude.sha256): "
        f"{build['excluded_held_out']}; not built: {len(build['skipped'])}; built: {build['built']} "
        f"(train {by_split['train']}, cr_val {by_split['cr_val']}, cr_test {by_split['cr_test']}; "
        f"cr_test repositories with tasks: {cr_test_repos_with_tasks})",
        f"- window: the newest {build['window']} first-parent commits up to the pinned one (the oldest is the "
        "starting snapshot); per repository median "
        f"{med([int(r['window_commits']) for r in repos])} commits over "
        f"{med([float(r['window_days']) for r in repos])} days",
        f"- steps (production diffs and test steps): {sum(int(s['steps']) for s in seqs)}; commits bringing tasks: "
        f"{sum(int(s['commits_with_tasks']) for s in seqs)} of {sum(int(s['commits']) - 1 for s in seqs)}",
        "- evolution tasks (assertions a commit adds or modifies, at most 8 per commit, 500 per sequence): "
        + ", ".join(f"{k} {evo_by_split[k]}" for k in SPLITS) + f"; total {len(evolution)}",
        f"- static tasks at the pinned commits (the test code training may read; capped at 500 per repository): "
        f"{len(static)}",
        "",
        "Evolution tasks per split and kind:",
        "",
        *_task_table(evolution),
        "",
        SECTION_END,
    ]


def write_section(path: Path = DATA_DIR / "STATS.md", folder: Path = HISTORIES_DIR) -> None:
    text = path.read_text() if path.exists() else ""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    if 0 <= start < end:
        text = text[:start] + text[end + len(SECTION_END) + 1:]
    path.write_text(text.rstrip("\n") + "\n\n" + "\n".join(section(folder)) + "\n")
