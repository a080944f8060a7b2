"""The encoder choice's report: every run paired with the reference on the same tasks, lower loss counted as better."""

from __future__ import annotations

import pytest

from .encoder_choice import encoder_name, report


def test_a_run_with_lower_loss_on_every_repository_is_below_the_reference_with_a_small_p() -> None:
    ids, repos = [f"t{i}" for i in range(8)], [f"r{i % 4}" for i in range(8)]
    ref = [1.0, 1.2, 0.8, 1.1, 0.9, 1.3, 1.0, 1.2]
    results = {"ref": (ids, repos, ref, {"method": "single", "steps": 49, "encoder": "-"}),
               "better": (ids, repos, [x - 0.1 for x in ref], {"method": "static", "steps": 163, "encoder": "E"})}
    text, data = report(["ref", "better"], results, "ref", 500, 0, 2)
    below = data["runs"]["better"]["below_reference"]
    assert below["difference"] == pytest.approx(0.1)
    assert below["p_value"] == 0.0
    assert "| better | E | 163 |" in text and "| +0.1000 [+0.1000, +0.1000] | 0.0000 |" in text
    with pytest.raises(ValueError, match="other tasks"):
        report(["ref", "better"], {**results, "better": (ids[::-1], repos, ref, {})}, "ref", 10, 0, 2)


def test_the_encoder_is_named_from_the_run_s_config() -> None:
    assert encoder_name({"encoder": {"package": "encoder_minilm.json"}}) == "packaged: encoder_minilm.json"
    assert encoder_name({"encoder": {"layers": 10}}) == "the base's own, lower 10 blocks"
    assert encoder_name({"encoder": {"lm": "models/.cache/lm/from_onnx.pt", "layers": 0}}).startswith("LM ")
