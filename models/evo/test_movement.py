"""The movement summary and figure on fixed numbers (the Evo run itself is exercised by test_evo.py's model)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import torch

from .movement import pairwise, quantiles, summarize
from .movement_figure import CURVE_POINTS, cdf_points, write_figure


def result(prov: str, cosines: list[float], start: list[float]) -> dict:
    return {"provenance": prov, "steps": [{"adapter_cosine": c, "adapter_update": 1 - c, "state_update": 0.5,
                                           "input_norm": 1.0} for c in cosines],
            "commit_cosines": cosines[:1], "start_adapter": torch.tensor(start), "end_adapter": torch.tensor(start)}


def test_summary_quantiles_and_pairs() -> None:
    q = quantiles([1.0, 2.0, 3.0, 4.0, 5.0])
    assert q["median"] == 3.0 and q["min"] == 1.0 and q["n"] == 5
    assert pairwise([torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])]) == [1.0, 0.0, 1.0]
    s = summarize([result("commits", [0.9, 0.99, 0.999], [1.0, 0.0]), result("commits", [0.5], [0.0, 1.0]),
                   result("replay", [0.9999], [1.0, 0.0])])
    assert s["commits"]["sequences"] == 2
    assert abs(s["commits"]["one_minus_adapter_cosine_per_step"]["median"] - 0.055) < 1e-9   # of 0.5, 0.1, 0.01, 0.001
    assert s["commits"]["one_minus_cosine_between_repositories_start"]["median"] == 1.0
    assert s["release"]["sequences"] == 0 and s["release"]["state_update_per_step"] == {}


def test_figure_is_svg_with_one_line_per_provenance(tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    write_figure([result("commits", [0.9, 0.99], [1.0]), result("replay", [0.99999], [1.0])], out)
    root = ET.parse(out).getroot()
    lines = [e for e in root.iter() if e.tag.endswith("polyline")]
    assert len(lines) == 2 and all(len(e.get("points", "").split()) >= 1 for e in lines)


def test_the_curve_is_thinned_to_its_quantiles_and_ends_at_the_largest_step() -> None:
    values = sorted(1e-4 * (1 + i) for i in range(1001))
    points = cdf_points(values)
    assert len(points) <= CURVE_POINTS + 1
    assert points[-1] == (1.0, values[-1])
    assert [f for f, _ in points] == sorted(f for f, _ in points)
    assert cdf_points([0.5]) == [(1.0, 0.5)]
