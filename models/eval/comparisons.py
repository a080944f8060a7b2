"""One primary comparison fixed in advance, the rest Holm-corrected.

The primary question of the static track is whether Code2LoRA-Static beats the single shared LoRA on repositories
it never saw: CR test, strict exact match, paired over repositories. It is tested at 0.05 on its own. Every other
paired comparison a report prints is one of a family whose one-sided p-values get Holm's step-down adjustment, so
that reading many tables does not turn a 5% chance into a finding.
"""

from __future__ import annotations

from typing import Any

PRIMARY = {"split": "cr_test", "system": "static", "against": "single", "measure": "strict_exact_match"}
# Splits that re-score a subset of another split's tasks, with the one system scored only there: only that
# system's comparisons join the family (the others would count the same evidence twice).
SUBSET_SPLITS = {"ir_test_per_repo_sample": "per_repo"}
ALPHA = 0.05


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order (monotone in the sorted order, capped at 1)."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def comparison_family(splits: dict[str, Any]) -> dict[str, Any]:
    """The primary comparison (if both systems were scored) and every other paired comparison, Holm-adjusted."""
    primary: dict[str, Any] | None = None
    family: list[dict[str, Any]] = []
    for split_name, split in splits.items():
        if split_name in SUBSET_SPLITS:
            own = SUBSET_SPLITS[split_name]
            for key, comps in split.items():
                if key.startswith("paired_vs_"):
                    reference = key[len("paired_vs_"):]
                    for system, measures in comps.items():
                        if own in (reference, system):
                            family += [{"split": split_name, "system": reference, "against": system, "measure": m,
                                        **measures[m]} for m in ("exact_match", "strict_exact_match") if m in measures]
            continue
        for system, comp in [*split.get("memory_vs_floor", {}).items(),
                             *split.get("memory_adapter_vs_prompt", {}).items(),
                             *split.get("adapter_vs_control", {}).items()]:
            for measure in ("exact_match", "strict_exact_match"):
                family.append({"split": split_name, "system": system, "against": comp["against"], "measure": measure,
                               **comp[measure]})
        for key, comps in split.items():
            if not key.startswith("paired_vs_"):
                continue
            reference = key[len("paired_vs_"):]
            for system, measures in comps.items():
                for measure in ("exact_match", "strict_exact_match"):
                    if measure not in measures:
                        continue
                    row = {"split": split_name, "system": reference, "against": system, "measure": measure,
                           **measures[measure]}
                    if all(row[k] == v for k, v in PRIMARY.items()):
                        primary = row | {"significant": row["p_value"] < ALPHA}
                    else:
                        family.append(row)
    # A pair two tables print (Static against its control is also a row of the paired_vs_static table) is one test.
    seen: set[tuple[str, frozenset[str], str]] = set()
    unique = []
    for row in family:
        key = (row["split"], frozenset((row["system"], row["against"])), row["measure"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    family = unique
    for row, p in zip(family, holm([r["p_value"] for r in family])):
        row["p_holm"] = p
        row["significant"] = p < ALPHA
    return {"primary_definition": PRIMARY, "alpha": ALPHA, "primary": primary, "holm": family}
