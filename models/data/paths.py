"""Where the data stage keeps things: the git-ignored cache under models/.cache and the committed lock files."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
MODELS_DIR = DATA_DIR.parent
CACHE_DIR = MODELS_DIR / ".cache"
SOURCES_CACHE = CACHE_DIR / "sources"      # downloaded source packages, one folder per package/version
BINARIES_CACHE = CACHE_DIR / "debs"        # downloaded binary python3-* packages
CORPUS_DIR = CACHE_DIR / "corpus"          # LM pretraining corpus (JSONL shards + manifest + READY)
BENCH_DIR = CACHE_DIR / "bench"            # benchmark outputs (task JSONL, repository files, evolution diffs)
SOURCES_LOCK = DATA_DIR / "sources.lock.tsv"
BINARIES_LOCK = DATA_DIR / "binaries.lock.tsv"
