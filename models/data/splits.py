"""Split assignment: cross-repo by holdout_of (the fixed rule); in-repo by test file, shared by the static and
evolution tracks (the Debian benchmark), or chronological (the histories track, models.data.histories)."""

from __future__ import annotations

import hashlib
from typing import Literal

from .holdout import Holdout, holdout_of

Split = Literal["train", "cr_val", "cr_test", "ir_val", "ir_test"]
# v1 drew each task on its own, so a later assertion of the same test could be a train task whose prompt held an IR
# task's line, and the evolution track split its copies of the same tasks by position, independently.
IR_SEED = "code2lora-ir-file-v2"


def static_split(repo: str, path: str) -> Split:
    """The split of every task in test file `path` of `repo`, in either track: a held-out repository's, else the
    file's seeded draw, 8:1:1 train, ir_val, ir_test. A file goes whole, so no train prompt holds an IR task's lines,
    and a task and its evolution-track twin (the same file) land in the same split."""
    held = holdout_of(repo)
    if held != "train":
        return held
    bucket = int.from_bytes(hashlib.sha256(f"{IR_SEED}:{repo}:{path}".encode()).digest()[:8], "big") % 10
    return "ir_val" if bucket == 8 else "ir_test" if bucket == 9 else "train"


def chronological(held: Holdout, index: int, count: int) -> Split:
    """A held-out repository's split, else task `index` of `count` in order: 80% train, 10% ir_val, 10% ir_test."""
    if held != "train":
        return held
    if index < 0.8 * count:
        return "train"
    return "ir_val" if index < 0.9 * count else "ir_test"
