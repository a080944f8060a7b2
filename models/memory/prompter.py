"""Memory prompts for the tasks of many repositories: the one builder the scorer and the trainers share.

Each repository's pool of assertions is read and signed once; every prompt is then the recalled assertions (top k,
models.memory.retriever) as a comment block on top of the prefix budget (models.memory.prompt)."""

from __future__ import annotations

from typing import Callable

from models.data.bench import TaskRecord
from models.eval.memory_floor import Signature, signature
from models.static.config import MemoryConfig, PromptConfig
from models.static.tokens import TokenCache

from models.static.dataset import Example

from .prompt import memory_block, memory_prompt
from .retriever import Recalled, top_k


class MemoryPrompter:
    def __init__(self, tokens: TokenCache, prompt: PromptConfig, memory: MemoryConfig,
                 pool_for: Callable[[str], list[TaskRecord]]) -> None:
        self.tokens = tokens
        self.prompt_config = prompt
        self.memory = memory
        self.pool_for = pool_for
        self.pools: dict[str, tuple[list[TaskRecord], list[Signature]]] = {}

    def recall(self, task: TaskRecord, earlier_only: bool) -> list[Recalled]:
        repo = str(task["repo"])
        if repo not in self.pools:
            pool = self.pool_for(repo)
            self.pools[repo] = (pool, [signature(t) for t in pool])
        pool, signed = self.pools[repo]
        return top_k(task, pool, self.memory.k, earlier_only, signed, self.memory.previous_line,
                     self.memory.distinct_targets)

    def prompt(self, task: TaskRecord, earlier_only: bool) -> list[int]:
        return self.prompt_with(task, self.recall(task, earlier_only))

    def prompt_with(self, task: TaskRecord, recalled: list[Recalled]) -> list[int]:
        """The memory prompt with these recalled assertions (a scorer with its own pools, e.g. earlier commits)."""
        prefix, _ = self.tokens.task(task)
        block = self.tokens.encode(memory_block(recalled))
        cfg = self.prompt_config
        return memory_prompt(prefix, block, cfg.prompt_budget, self.memory.max_block_tokens, self.tokens.eot,
                             cfg.length_quantum)

    def examples(self, tasks: list[TaskRecord], earlier_only: bool = False) -> list[Example]:
        """Training examples on the memory prompt (the trainers' counterpart of models.static.dataset.examples)."""
        return [Example(t, self.prompt(t, earlier_only), self.tokens.task(t)[1]) for t in tasks]
