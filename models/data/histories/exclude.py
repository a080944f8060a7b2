"""The held-out exclusion list: repositories whose sha256 of lowercase `owner/name` is listed are skipped unread."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .paths import EXCLUDE


def name_hash(name: str) -> str:
    return hashlib.sha256(name.strip().lower().encode()).hexdigest()


@lru_cache(maxsize=4)
def _hashes(path: Path) -> frozenset[str]:
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


def is_excluded(name: str, path: Path = EXCLUDE) -> bool:
    return name_hash(name) in _hashes(path)
