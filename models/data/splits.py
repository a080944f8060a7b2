"""Split assignment: cross-repo by holdout_of (the fixed rule), in-repo 8:1:1 seeded-random (static) or
chronological (evolution)."""

from __future__ import annotations

import hashlib
from typing import Literal

from .holdout import Holdout, holdout_of

Split = Literal["train", "cr_val", "cr_test", "ir_val", "ir_test"]
IR_SEED = "code2lora-ir-v1"


def static_split(repo: str, task_id: str) -> Split:
    held = holdout_of(repo)
    if held != "train":
        return held
    bucket = int.from_bytes(hashlib.sha256(f"{IR_SEED}:{task_id}".encode()).digest()[:8], "big") % 10
    return "ir_val" if bucket == 8 else "ir_test" if bucket == 9 else "train"


def chronological_split(repo: str, index: int, count: int) -> Split:
    """Task `index` of `count` in a sequence's order: first 80% train, next 10% ir_val, last 10% ir_test."""
    return chronological(holdout_of(repo), index, count)


def chronological(held: Holdout, index: int, count: int) -> Split:
    """A held-out repository's split, else task `index` of `count` in order: 80% train, 10% ir_val, 10% ir_test."""
    if held != "train":
        return held
    if index < 0.8 * count:
        return "train"
    return "ir_val" if index < 0.9 * count else "ir_test"
