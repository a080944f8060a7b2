"""Which source packages are held out of training (cross-repo val/test).

Decided by a seeded hash of the Debian source package name, so that every stage (the LM's pretraining corpus,
the benchmark splits) agrees on the holdout before anything is downloaded, and the leakage rule can be checked
by any script without coordination.
"""

from __future__ import annotations

import hashlib
from typing import Literal

Holdout = Literal["train", "cr_val", "cr_test"]

SEED = "code2lora-deb-v1"
# Percent of source packages held out for each cross-repo split (about 15% in all, half val, half test).
CR_VAL_PERCENT = 7.5
CR_TEST_PERCENT = 7.5


def hashed_holdout(key: str, seed: str, val_percent: float, test_percent: float) -> Holdout:
    """cr_val for the first `val_percent` of a seeded hash's range, cr_test for the next `test_percent`."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") / 2**64 * 100
    if bucket < val_percent:
        return "cr_val"
    if bucket < val_percent + test_percent:
        return "cr_test"
    return "train"


def holdout_of(source_package: str) -> Holdout:
    return hashed_holdout(source_package, SEED, CR_VAL_PERCENT, CR_TEST_PERCENT)


def is_held_out(source_package: str) -> bool:
    return holdout_of(source_package) != "train"
