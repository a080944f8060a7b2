"""Greedy completions of a set of tasks by one system: an adapter per repository (or none) and a prompt rule."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from models.data.bench import TaskRecord
from models.lm.lora import LoraWeights
from models.static.expression_end import cut_at_expression_end
from models.static.generate import greedy_many
from models.static.session import Session

AdapterFor = Callable[[str], Optional[LoraWeights]]
PromptFor = Callable[[TaskRecord], list[int]]
BATCH = 16


@dataclass
class Predictions:
    system: str
    texts: dict[str, str] = field(default_factory=dict)       # task id -> generated text
    prompt_tokens: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    adapt_seconds: dict[str, float] = field(default_factory=dict)  # repository -> seconds to make its adapter


def predict(system: str, session: Session, tasks: dict[str, list[TaskRecord]], adapter_for: Optional[AdapterFor],
            prompt_for: PromptFor, max_new_tokens: int, stops: set[int]) -> Predictions:
    """Without an adapter (adapter_for None) all tasks decode together; otherwise repository by repository."""
    out = Predictions(system)
    start = time.time()
    groups = {"": [t for r in sorted(tasks) for t in tasks[r]]} if adapter_for is None else tasks
    for repo in sorted(groups):
        t0 = time.perf_counter()
        lora = adapter_for(repo) if adapter_for is not None else None
        if adapter_for is not None:
            out.adapt_seconds[repo] = time.perf_counter() - t0
        prompts = [prompt_for(t) for t in groups[repo]]
        generated = greedy_many(session.lm, prompts, lora, max_new_tokens, stops, BATCH)
        for task, prompt, ids in zip(groups[repo], prompts, generated):
            out.texts[str(task["id"])] = shown_text(task, session.tokens.decode(ids))
            out.prompt_tokens[str(task["id"])] = len(prompt)
    out.generate_seconds = time.time() - start - sum(out.adapt_seconds.values())
    return out


def cursor_line(task: TaskRecord) -> str:
    return str(task["prefix"]).rsplit("\n", 1)[-1]


def shown_text(task: TaskRecord, decoded: str) -> str:
    """The decode cut where its expression ends (models/static/expression_end.py): what the app shows, and what
    stopping the decoder at that point gives."""
    return cut_at_expression_end(cursor_line(task), decoded)


def with_stop_rules(predictions: Predictions, tasks: dict[str, list[TaskRecord]]) -> Predictions:
    """Predictions decoded before the expression-end rules, cut as if decoded with them (the cut is idempotent)."""
    for repo_tasks in tasks.values():
        for task in repo_tasks:
            key = str(task["id"])
            if key in predictions.texts:
                predictions.texts[key] = shown_text(task, predictions.texts[key])
    return predictions
