"""From predictions to numbers: per-task EM/EditSim, 95% intervals, paired bootstraps, per-kind breakdown.

Intervals and paired tests resample repositories, not tasks: the tasks of one repository share its conventions and
literals, so treating them as independent draws made intervals too narrow (issue: an evaluation that can carry the
paper's claims). A strict exact match (no comma or first-word trimming of the prediction) is reported beside the
paper's measure."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from models.data.bench import TaskRecord

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .metric import lenient_rules_needed, score, strict_exact_match


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
    repos = [str(t["repo"]) for t in tasks]
    kinds = sorted({str(t["kind"]) for t in tasks})
    strict_scores = {name: [1.0 if strict_exact_match(texts[str(t["id"])], str(t["target"])) else 0.0 for t in tasks]
                     for name, texts in systems.items()}
    for name, (em, es) in scores.items():
        by_kind = {}
        for kind in kinds:
            rows = [i for i, t in enumerate(tasks) if t["kind"] == kind]
            by_kind[kind] = {"tasks": len(rows), "exact_match": sum(em[i] for i in rows) / len(rows)}
        strict = strict_scores[name]
        rules = [r for t in tasks for r in lenient_rules_needed(systems[name][str(t["id"])], str(t["target"]))]
        per_system[name] = {"exact_match": asdict(clustered_interval(em, repos, samples, seed)),
                            "lenient_only_hits": {"total": int(sum(em) - sum(strict)),
                                                  **{k: rules.count(k) for k in ("comma", "first_word", "either")}},
                            "strict_exact_match": asdict(clustered_interval(strict, repos, samples, seed)),
                            "edit_sim": asdict(clustered_interval(es, repos, samples, seed)), "by_kind": by_kind}
    paired = {}
    if reference in scores:
        for name, (em, es) in scores.items():
            if name != reference:
                paired[name] = {
                    "exact_match": asdict(clustered_paired_bootstrap(scores[reference][0], em, repos, samples, seed)),
                    "strict_exact_match": asdict(clustered_paired_bootstrap(
                        strict_scores[reference], strict_scores[name], repos, samples, seed)),
                    "edit_sim": asdict(clustered_paired_bootstrap(scores[reference][1], es, repos, samples, seed))}
    def versus(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, other in pairs:
            if name in scores and other in scores:
                out[name] = {
                    "against": other,
                    "exact_match": asdict(clustered_paired_bootstrap(scores[name][0], scores[other][0], repos,
                                                                     samples, seed)),
                    "strict_exact_match": asdict(clustered_paired_bootstrap(strict_scores[name], strict_scores[other],
                                                                            repos, samples, seed))}
        return out
    # A method that reads the repository's tests against the floor that copies from the same tests, same setting;
    # and an adapter trained on that prompt against the base given the same prompt (what the training adds).
    # Code2LoRA-Static trained on that prompt is compared with the single memory LoRA it starts from.
    against_floor = versus((("tests_memory", "memory"), ("tests_memory_earlier_only", "memory_earlier_only"),
                            ("single_memory", "memory"), ("single_memory_earlier_only", "memory_earlier_only"),
                            ("static_memory", "memory"), ("static_memory_earlier_only", "memory_earlier_only")))
    against_prompt = versus((("single_memory", "tests_memory"),
                             ("single_memory_earlier_only", "tests_memory_earlier_only"),
                             ("static_memory", "single_memory"),
                             ("static_memory_earlier_only", "single_memory_earlier_only")))
    # A Code2LoRA mode against its control (the single LoRA trained on for the same steps and data): what the
    # repository-specific part adds over the extra training.
    against_control = versus((("static", "static_control"), ("static_base_l10", "static_control"),
                              ("evo", "evo_control")))
    return {"tasks": len(tasks), "repositories": len({t["repo"] for t in tasks}), "systems": per_system,
            "paired_vs_" + reference: paired, "memory_vs_floor": against_floor,
            "memory_adapter_vs_prompt": against_prompt, "adapter_vs_control": against_control}
