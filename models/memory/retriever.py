"""The k assertions of a repository most like the one being completed (the floor's similarity, models/eval/memory_floor).

A candidate is another assertion task of the same repository; it scores the Jaccard overlap of the words of the cut
lines and of the test names (with `previous_line`, plus that of the lines above the cut lines). Ties go to the same
file, then to the nearest line, then to the pool's order (so the top one is exactly what the floor copies).
Leave-one-out sees every other assertion; `earlier_only` keeps to what precedes the cursor: other test files, and
the lines above it in its own file. With `distinct_targets`, a candidate whose target is already recalled is passed
over, so k lines offer k different answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.data.bench import TaskRecord
from models.eval.memory_floor import Signature, signature, similarity, visible


@dataclass(frozen=True)
class Recalled:
    id: str
    path: str
    line: int
    assertion: str      # the cut line without its indentation, then the target: `assert parse(v) == Version(1)`
    target: str
    score: float


def top_k(query: TaskRecord, pool: list[TaskRecord], k: int, earlier_only: bool = False,
          signatures: list[Signature] | None = None, previous_line: bool = False,
          distinct_targets: bool = False) -> list[Recalled]:
    """The k best of pool for query; `signatures` (pool's, in its order) spares recomputing them per query, which
    training needs (tens of thousands of queries against the same pools)."""
    q = signature(query)
    signed = signatures if signatures is not None else [signature(t) for t in pool]
    ranked: list[tuple[tuple[float, int, int, int], TaskRecord, float]] = []
    for order, (task, other) in enumerate(zip(pool, signed)):
        if not visible(q, other, earlier_only):
            continue
        score = similarity(q, other, previous_line)
        ranked.append(((score, int(other.path == q.path), -abs(other.line - q.line), -order), task, score))
    ranked.sort(key=lambda r: r[0], reverse=True)
    chosen: list[tuple[TaskRecord, float]] = []
    targets: set[str] = set()
    for _, t, s in ranked:
        if len(chosen) == k:
            break
        if distinct_targets and str(t["target"]) in targets:
            continue
        targets.add(str(t["target"]))
        chosen.append((t, s))
    return [Recalled(str(t["id"]), str(t["path"]), int(t["line"]),  # type: ignore[arg-type]
                     str(t["prefix"]).rsplit("\n", 1)[-1].lstrip() + str(t["target"]), str(t["target"]), s)
            for t, s in chosen]
