"""The evolution section of RESULTS.md: a row per system scored, Evo's control among them once it is scored."""

from __future__ import annotations

from typing import Any

from models.eval import evo_histories_report
from models.eval.report import LABELS, evolution_lines


def interval(mean: float) -> dict[str, float]:
    return {"mean": mean, "low": mean - 0.05, "high": mean + 0.05}


def split(systems: dict[str, float]) -> dict[str, Any]:
    return {"tasks": 10, "systems": {n: {"exact_match": interval(v), "edit_sim": interval(v)} for n, v in systems.items()},
            "paired_vs_evo": {n: {"exact_match": {"difference": 0.3 - v, "low": -0.1, "high": 0.2, "p_value": 0.25}}
                              for n, v in systems.items() if n != "evo"}}


def test_the_control_gets_rows_once_scored_and_none_before() -> None:
    without = "\n".join(evolution_lines({"splits": {"cr_test": split({"single": 0.1, "evo": 0.3})}}))
    assert LABELS["evo_control"] not in without
    text = "\n".join(evolution_lines({"splits": {"cr_test": split({"single": 0.1, "evo_control": 0.2, "evo": 0.3})}}))
    rows = [line for line in text.splitlines() if line.startswith(f"| {LABELS['evo_control']} |")]
    # Exact match, EditSim, and Evo minus the control in the paired table.
    assert len(rows) == 3
    assert rows[0].startswith(f"| {LABELS['evo_control']} | 20.0 [15.0, 25.0] |")
    assert rows[2] == f"| {LABELS['evo_control']} | 10.0 [-10.0, 20.0] | 0.2500 |"


def test_the_sample_named_is_the_one_scored_and_static_costs_only_where_static_is_scored() -> None:
    config = {"cr_test_tasks_per_sequence": 18, "ir_test_tasks_per_sequence": 5, "ir_test_replay_sequences": 30}
    evolution = {"splits": {"cr_test": split({"single": 0.1, "evo": 0.3})}, "config": config,
                 "run": {"steps": 160, "seconds": 1878, "best_step": 160, "best_val_loss": 1.23},
                 "costs": {"evo": 0.0001, "encode": 0.0, "static": 0.0}}
    text = "\n".join(evolution_lines(evolution))
    assert "at most 18 CR test tasks a sequence" in text
    assert "IR test 5 a sequence" not in text    # only CR test was scored
    assert "Static at a step" not in text
    evolution["splits"] = {"cr_test": split({"single": 0.1, "static": 0.2, "evo": 0.3})}
    assert "Static at a step" in "\n".join(evolution_lines(evolution))


def test_the_real_history_report_names_its_sequences_and_has_one_heading() -> None:
    evolution = {"splits": {"cr_test": split({"single": 0.1, "static": 0.2, "evo": 0.3})},
                 "config": {"cr_test_tasks_per_sequence": 14, "ir_test_tasks_per_sequence": 5,
                            "ir_test_replay_sequences": 30}}
    text = evo_histories_report.render(evolution)
    assert [line for line in text.splitlines() if line.startswith("#")] == ["# Code2LoRA-Evo on real commit histories"]
    assert "| System | CR test (real commits) (10 tasks) |" in text
    assert "(at most 14 CR test tasks a sequence)." in text    # no IR test part: none was scored


def test_each_mode_is_set_against_its_own_control_where_both_were_scored() -> None:
    evolution = {"splits": {"cr_test": split({"single": 0.1, "static_control": 0.2, "static": 0.25, "evo": 0.3})}}
    evolution["splits"]["cr_test"]["adapter_vs_control"] = {"static": {
        "against": "static_control", "exact_match": {"difference": 0.05, "low": -0.01, "high": 0.11, "p_value": 0.06}}}
    text = "\n".join(evolution_lines(evolution))
    assert f"| {LABELS['static']} minus {LABELS['static_control']} | 5.0 [-1.0, 11.0] | 0.0600 |" in text
    assert "minus its control" not in "\n".join(evolution_lines({"splits": {"cr_test": split({"evo": 0.3})}}))
