"""The evolution track as the Evo trainer and scorer read it: per sequence, the cached step embeddings and, per
step, its tasks as token examples (tasks of the wanted split only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from models.data import bench
from models.data.bench import SequenceInfo, TaskRecord
from models.static.config import PromptConfig
from models.static.dataset import Example, examples, seeded_sample
from models.static.tokens import TokenCache

from .step_embeddings import SequenceEmbeddings, cache_path, load


@dataclass
class EvoSequence:
    info: SequenceInfo
    emb: SequenceEmbeddings
    tasks: dict[int, list[TaskRecord]]      # step index -> tasks of the wanted split brought by that step
    examples: dict[int, list[Example]]

    @property
    def name(self) -> str:
        return f"{self.info.repo}.{self.info.provenance}"

    def updates_before(self, step: int) -> int:
        """State updates (production steps) up to and including `step`."""
        return int(self.emb.has_diff[:step + 1].sum())


def load_sequences(bench_dir: Path, vectors_dir: Path, encoder_id: str, sequence_split: str, task_splits: set[str],
                   tokens: TokenCache, prompt: PromptConfig, cap_per_sequence: int | None = None,
                   seed: int = 0) -> list[EvoSequence]:
    out = []
    for info in bench.sequences(bench_dir):
        if info.split != sequence_split:
            continue
        if not cache_path(vectors_dir, encoder_id, info).exists():
            print(f"left out {info.repo}.{info.provenance}: its step embeddings are not cached yet", flush=True)
            continue
        steps = bench.steps(info, bench_dir)
        chosen = [t for s in steps for t in s.tasks if t["split"] in task_splits]
        if cap_per_sequence is not None:
            chosen = seeded_sample(chosen, cap_per_sequence, seed)
        keep = {str(t["id"]) for t in chosen}
        if not keep:
            continue
        by_step: dict[int, list[TaskRecord]] = {}
        for i, s in enumerate(steps):
            mine = [t for t in s.tasks if str(t["id"]) in keep]
            if mine:
                by_step[i] = mine
        emb = load(vectors_dir, encoder_id, info)
        ex = {i: examples(ts, tokens, prompt) for i, ts in by_step.items()}
        out.append(EvoSequence(info, emb, by_step, ex))
    return out


def state_inputs(seq: EvoSequence) -> tuple[torch.Tensor, torch.Tensor]:
    """(snapshot embedding [E], diff embeddings [n, E]) as tensors."""
    return torch.from_numpy(seq.emb.init), torch.from_numpy(seq.emb.steps)


def fit_standardisers(model: "torch.nn.Module", seqs: list[EvoSequence]) -> None:
    """Standardise the initialiser's and the step's inputs with the training sequences' statistics."""
    inits = np.stack([s.emb.init for s in seqs if s.emb.init.any()] or [np.zeros_like(seqs[0].emb.init)])
    diffs = np.concatenate([s.emb.steps[s.emb.has_diff] for s in seqs])
    model.init_input.fit(torch.from_numpy(inits))  # type: ignore[operator]
    model.step_input.fit(torch.from_numpy(diffs))  # type: ignore[operator]
