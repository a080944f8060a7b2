"""Splits of the histories track: cross-repo by a seeded hash of `owner/name` (its own seed: these repositories
are not Debian packages), in-repo chronological as for the Debian evolution track."""

from __future__ import annotations

from ..holdout import Holdout, hashed_holdout
from ..splits import Split, chronological

SEED = "code2lora-gh-v1"
# 15% each, so that a list of 300 repositories holds out about 45 for CR test (the issue asks for 40 or more).
CR_VAL_PERCENT = 15.0
CR_TEST_PERCENT = 15.0


def holdout_of(name: str) -> Holdout:
    return hashed_holdout(name.lower(), SEED, CR_VAL_PERCENT, CR_TEST_PERCENT)


def chronological_split(name: str, index: int, count: int) -> Split:
    """Task `index` of `count` in history order: first 80% train, next 10% ir_val, last 10% ir_test."""
    return chronological(holdout_of(name), index, count)
