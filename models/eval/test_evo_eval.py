"""The evolution scorer's choice of systems: what is published is scored, and an adapter absent from the run costs
nothing (no step embeddings read, no snapshot encoded)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import torch

from models.data.bench import SequenceInfo

from .evo_eval import Adapters, Sample, group, published_systems


def test_only_published_weights_are_scored_in_the_order_asked(tmp_path: Path) -> None:
    for name in ("single", "evo"):
        (tmp_path / f"{name}.pt").write_bytes(b"weights")
    systems, runs = published_systems(["evo", "pretrained", "static", "single", "evo_control"], tmp_path)
    assert systems == ("evo", "pretrained", "single")
    assert runs == {"single": tmp_path / "single.pt", "evo": tmp_path / "evo.pt"}


class SharedLora(torch.nn.Module):
    def forward(self, _: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.ones(2, 2), torch.zeros(2, 2)


def test_a_shared_lora_serves_every_task_bearing_step_without_static_or_evo(tmp_path: Path) -> None:
    seq = SequenceInfo("demo", "replay", "", "1.0", "cr_test", 5, 3, tmp_path / "missing.jsonl", None)
    sample = Sample(seq, [], {1: [{"id": "a"}], 4: [{"id": "b"}, {"id": "c"}]})  # type: ignore[list-item]
    # The session is never touched when neither Static nor Evo is scored; the vectors folder does not exist.
    adapters = Adapters(SimpleNamespace(), {"single": SharedLora()}, None, None,  # type: ignore[arg-type]
                        tmp_path / "no-vectors")
    adapters.add(sample)
    assert set(adapters.by_system) == {"single"}
    assert sorted(adapters.by_system["single"]) == [group(sample, 1), group(sample, 4)]
    assert adapters.seconds == {"static": [], "evo": [], "encode": []}


def test_each_mode_is_paired_with_its_own_control_on_the_same_tasks() -> None:
    from .scoring import summarize_split

    tasks = [{"id": f"t{i}", "repo": f"r{i % 3}", "kind": "assert", "target": "1"} for i in range(6)]
    right, wrong = {f"t{i}": "1" for i in range(6)}, {f"t{i}": "2" for i in range(6)}
    half = {f"t{i}": "1" if i < 3 else "2" for i in range(6)}
    texts = {"single": wrong, "static_control": half, "static": right, "evo_control": right, "evo": half}
    controls = summarize_split(texts, tasks, "evo", 50, 0)["adapter_vs_control"]  # type: ignore[arg-type]
    assert {k: v["against"] for k, v in controls.items()} == {"static": "static_control", "evo": "evo_control"}
    assert controls["static"]["exact_match"]["difference"] == 0.5
    assert controls["evo"]["exact_match"]["difference"] == -0.5
