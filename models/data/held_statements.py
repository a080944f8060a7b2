"""Train tasks that would show the model an in-repository val or test assertion in their prompt.

The in-repository split goes by test file (models/data/splits.py), but a repository can hold the same assertion in
two files: a test copied for another Python version, a file renamed between the releases the evolution track
replays. A train task of such a copy would carry the held-out assertion (its line and the one before) in its
prompt; it is left out of the benchmark, in both tracks."""

from __future__ import annotations

import collections
from typing import Iterable, Mapping

HELD_IN_REPO = ("ir_val", "ir_test")


def statement_context(task: Mapping[str, object]) -> str:
    """The task's assertion as a later prompt would hold it: the line before the cursor's line, the cursor's line up
    to the cursor, and the target."""
    return "\n".join(str(task["prefix"]).rsplit("\n", 2)[-2:]) + str(task["target"])


def holds(prompt: str, context: str) -> bool:
    """Whether `prompt` holds the statement context from a line start (a blank line before the cursor's line must
    be a blank line of the prompt, not the end of any line)."""
    return ("\n" + context) in ("\n" + prompt)


def train_tasks_holding_held_statements(records: Iterable[Mapping[str, object]]) -> set[str]:
    """Ids of the train records (of one repository, either track) whose prompt holds the statement context of an
    IR val or test record. Contexts are looked up by the line before their cursor, so a prompt is read line by line
    once."""
    records = list(records)
    by_line_before: dict[str, list[str]] = collections.defaultdict(list)
    for r in records:
        if r["split"] in HELD_IN_REPO:
            context = statement_context(r)
            by_line_before[context.split("\n", 1)[0]].append(context)
    if not by_line_before:
        return set()
    out: set[str] = set()
    for r in records:
        if r["split"] != "train":
            continue
        prompt = str(r["prefix"])
        if any(holds(prompt, c) for line in set(prompt.split("\n")) for c in by_line_before.get(line, ())):
            out.add(str(r["id"]))
    return out
