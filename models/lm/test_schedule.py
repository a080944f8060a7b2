"""The learning-rate schedule and the deadline horizon."""

from __future__ import annotations

import math

from models.lm.schedule import cosine_lr, horizon_for_deadline


def test_cosine_warms_up_peaks_and_ends_at_the_floor() -> None:
    assert cosine_lr(0, 1.0, 10, 100, 0.1) == 0.1
    assert cosine_lr(9, 1.0, 10, 100, 0.1) == 1.0
    assert math.isclose(cosine_lr(10, 1.0, 10, 100, 0.1), 1.0)
    assert math.isclose(cosine_lr(55, 1.0, 10, 100, 0.1), 0.55)
    assert math.isclose(cosine_lr(100, 1.0, 10, 100, 0.1), 0.1)
    assert math.isclose(cosine_lr(500, 1.0, 10, 100, 0.1), 0.1)


def test_horizon_fits_the_deadline_within_bounds() -> None:
    assert horizon_for_deadline(100, 2.0, 1000.0, 10_000, margin=1.0) == 600
    assert horizon_for_deadline(100, 2.0, 1000.0, 400, margin=1.0) == 400
    assert horizon_for_deadline(100, 2.0, -5.0, 10_000) == 101
