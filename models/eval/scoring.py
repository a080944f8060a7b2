"""From predictions to numbers: per-task EM/EditSim, 95% intervals, paired bootstraps, per-kind breakdown."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from models.data.bench import TaskRecord

from .bootstrap import mean_interval, paired_bootstrap
from .metric import score


def task_scores(texts: dict[str, str], tasks: list[TaskRecord]) -> tuple[list[float], list[float]]:
    """(exact match 0/1, EditSim) per task, in the order of `tasks`."""
    em, es = [], []
    for t in tasks:
        s = score(texts[str(t["id"])], str(t["target"]))
        em.append(1.0 if s.exact_match else 0.0)
        es.append(s.edit_sim)
    return em, es


def summarize_split(systems: dict[str, dict[str, str]], tasks: list[TaskRecord], reference: str, samples: int,
                    seed: int) -> dict[str, Any]:
    """Numbers of every system on one task set; paired comparisons are `reference` minus each other system."""
    per_system: dict[str, Any] = {}
    scores = {name: task_scores(texts, tasks) for name, texts in systems.items()}
    kinds = sorted({str(t["kind"]) for t in tasks})
    for name, (em, es) in scores.items():
        by_kind = {}
        for kind in kinds:
            rows = [i for i, t in enumerate(tasks) if t["kind"] == kind]
            by_kind[kind] = {"tasks": len(rows), "exact_match": sum(em[i] for i in rows) / len(rows)}
        per_system[name] = {"exact_match": asdict(mean_interval(em, samples, seed)),
                            "edit_sim": asdict(mean_interval(es, samples, seed)), "by_kind": by_kind}
    paired = {}
    if reference in scores:
        for name, (em, es) in scores.items():
            if name != reference:
                paired[name] = {"exact_match": asdict(paired_bootstrap(scores[reference][0], em, samples, seed)),
                                "edit_sim": asdict(paired_bootstrap(scores[reference][1], es, samples, seed))}
    return {"tasks": len(tasks), "repositories": len({t["repo"] for t in tasks}), "systems": per_system,
            "paired_vs_" + reference: paired}
