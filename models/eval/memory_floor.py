"""The non-neural floor (DESIGN.md section 2): copy the target of the most similar other assertion of the same
repository, leave-one-out. Similarity is the Jaccard overlap of the words of the cut line (the prefix's last
line) and of the test's name; ties go to the same file, then to the nearest line.

Leave-one-out sees every other assertion, later lines of the same test included, which a user completing the line
does not have; `earlier_only` keeps to what precedes the cursor: the other test files, and the lines above it in
its own file (the setting a model with the file's prefix is in)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.data.bench import TaskRecord

WORD = re.compile(r"[A-Za-z0-9]+")
TEST_NAME = re.compile(r"def\s+(\w+)\s*\(")


@dataclass(frozen=True)
class Signature:
    id: str
    path: str
    line: int
    words: frozenset[str]      # of the cut line and the test's name
    target: str
    context: frozenset[str]    # of the line above the cut line


def signature(task: TaskRecord) -> Signature:
    prefix = str(task["prefix"])
    lines = prefix.rsplit("\n", 2)
    cut_line = lines[-1]
    above = lines[-2] if len(lines) > 1 else ""
    names = TEST_NAME.findall(prefix)
    test_name = names[-1] if names else ""
    found = WORD.findall(cut_line) + WORD.findall(test_name.replace("_", " "))
    return Signature(str(task["id"]), str(task["path"]), int(task["line"]),  # type: ignore[arg-type]
                     frozenset(w.lower() for w in found), str(task["target"]),
                     frozenset(w.lower() for w in WORD.findall(above)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def similarity(query: Signature, other: Signature, previous_line: bool = False) -> float:
    """Jaccard of the cut lines' and test names' words; with `previous_line`, plus that of the lines above them."""
    score = jaccard(query.words, other.words)
    return score + jaccard(query.context, other.context) if previous_line else score


def visible(query: Signature, other: Signature, earlier_only: bool) -> bool:
    if other.id == query.id:
        return False
    return not earlier_only or other.path != query.path or other.line < query.line


def recall(query: Signature, pool: list[Signature], earlier_only: bool = False, previous_line: bool = False) -> str:
    """The target of the best match in pool (query itself excluded); '' when the pool is empty."""
    best: tuple[float, int, int] | None = None
    answer = ""
    for other in pool:
        if not visible(query, other, earlier_only):
            continue
        score = similarity(query, other, previous_line)
        key = (score, int(other.path == query.path), -abs(other.line - query.line))
        if best is None or key > best:
            best, answer = key, other.target
    return answer


def memory_predictions(queries: list[TaskRecord], repo_tasks: list[TaskRecord],
                       earlier_only: bool = False, previous_line: bool = False) -> dict[str, str]:
    pool = [signature(t) for t in repo_tasks]
    return {str(t["id"]): recall(signature(t), pool, earlier_only, previous_line) for t in queries}
