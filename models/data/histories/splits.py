"""Splits of the histories track: cross-repo by a seeded hash of `owner/name` (its own seed: these repositories
are not Debian packages), in-repo chronological as for the Debian evolution track."""

from __future__ import annotations

import hashlib

from ..holdout import Holdout
from ..splits import Split

SEED = "code2lora-gh-v1"
# 15% each, so that a list of 300 repositories holds out about 45 for CR test (the issue asks for 40 or more).
CR_VAL_PERCENT = 15.0
CR_TEST_PERCENT = 15.0


def holdout_of(name: str) -> Holdout:
    digest = hashlib.sha256(f"{SEED}:{name.lower()}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") / 2**64 * 100
    if bucket < CR_VAL_PERCENT:
        return "cr_val"
    if bucket < CR_VAL_PERCENT + CR_TEST_PERCENT:
        return "cr_test"
    return "train"


def chronological_split(name: str, index: int, count: int) -> Split:
    """Task `index` of `count` in history order: first 80% train, next 10% ir_val, last 10% ir_test."""
    held = holdout_of(name)
    if held != "train":
        return held
    if index < 0.8 * count:
        return "train"
    return "ir_val" if index < 0.9 * count else "ir_test"

