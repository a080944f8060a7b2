"""Where the histories track keeps its list, its exclusions and what it builds."""

from __future__ import annotations

from pathlib import Path

from ..paths import BENCH_DIR

HERE = Path(__file__).resolve().parent
LOCK = HERE / "repos.lock.tsv"
# sha256 of lowercase "owner/name" of repositories kept for evaluation elsewhere: never read, only counted.
EXCLUDE = HERE / "heldout-exclude.sha256"
HISTORIES_DIR = BENCH_DIR.parent / "histories"
CLONES_DIR = HISTORIES_DIR / "clones"
