"""The static track's data: repositories, their embeddings, and seeded, capped task samples per split."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.data import bench
from models.data.bench import Repository, TaskRecord
from models.lm.model import CodeLM

from .config import PromptConfig
from .prompts import prefix_prompt
from .histogram import token_histogram
from .repo_encoder import RepoEmbedding, RepoEncoder
from .tokens import TokenCache, repository_files

SPLITS = ("train", "ir_val", "ir_test", "cr_val", "cr_test")


def seeded_sample(tasks: list[TaskRecord], cap: int, seed: int) -> list[TaskRecord]:
    """At most `cap` tasks, chosen by a hash of (seed, id): stable whatever order or subset they come in."""
    if len(tasks) <= cap:
        return list(tasks)
    ranked = sorted(tasks, key=lambda t: hashlib.sha256(f"{seed}:{t['id']}".encode()).digest())
    return sorted(ranked[:cap], key=lambda t: str(t["id"]))


@dataclass
class Example:
    task: TaskRecord
    prompt: list[int]
    target: list[int]


@dataclass
class StaticData:
    repos: dict[str, Repository]
    tasks: dict[str, dict[str, list[TaskRecord]]]            # split -> repo -> tasks (capped)
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    embedding_stats: dict[str, RepoEmbedding] = field(default_factory=dict)

    def repos_with(self, split: str) -> list[str]:
        return sorted(r for r, ts in self.tasks.get(split, {}).items() if ts)

    def task_count(self, split: str) -> int:
        return sum(len(ts) for ts in self.tasks.get(split, {}).values())


def load_tasks(bench_dir: Path, caps: dict[str, int], seed: int) -> StaticData:
    """Every benchmark repository and, per split, its tasks capped at caps[split] per repository (splits absent
    from caps are not loaded)."""
    repos = {r.name: r for r in bench.repositories(bench_dir)}
    tasks: dict[str, dict[str, list[TaskRecord]]] = {s: {} for s in caps}
    for name in sorted(repos):
        by_split: dict[str, list[TaskRecord]] = {}
        for t in bench.static_tasks(name, bench_dir):
            by_split.setdefault(str(t["split"]), []).append(t)
        for split, cap in caps.items():
            chosen = seeded_sample(by_split.get(split, []), cap, seed)
            if chosen:
                tasks[split][name] = chosen
    return StaticData(repos=repos, tasks=tasks)


def hypernet_input(encoder: RepoEncoder, files: list[tuple[str, str]], histogram_tokens: int = 0) -> tuple[np.ndarray, RepoEmbedding]:
    """What the hypernetwork reads of a repository: e, followed by the token counts when the histogram is on."""
    emb = encoder.embed(files)
    if histogram_tokens <= 0:
        return emb.vector, emb
    if not isinstance(encoder.tokens, TokenCache) or not isinstance(encoder.lm, CodeLM):
        raise ValueError("the token histogram counts an LM's token ids: it needs an LM as the encoder")
    counts = token_histogram(files, encoder.tokens, encoder.config, histogram_tokens, encoder.lm.config.vocab_size)
    return np.concatenate([emb.vector, counts]), emb


def embed_repositories(data: StaticData, encoder: RepoEncoder, names: list[str], log: bool = True,
                       histogram_tokens: int = 0) -> float:
    """Fill data.embeddings for `names`; returns the seconds it took (file vectors come from the cache if there)."""
    start = time.time()
    for i, name in enumerate(names):
        if name in data.embeddings:
            continue
        data.embeddings[name], emb = hypernet_input(encoder, repository_files(data.repos[name]), histogram_tokens)
        data.embedding_stats[name] = emb
        if log and (i + 1) % 20 == 0:
            print(f"embedded {i + 1}/{len(names)} repositories ({time.time() - start:.0f}s)", flush=True)
    return time.time() - start


def examples(tasks: list[TaskRecord], tokens: TokenCache, prompt: PromptConfig) -> list[Example]:
    out = []
    for t in tasks:
        prefix, target = tokens.task(t)
        out.append(Example(t, prefix_prompt(prefix, prompt.prompt_budget, tokens.eot, prompt.length_quantum), target))
    return out
