"""Sizes and schedules of the static track, read from models/configs/static*.json (never hard-coded in code)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .paths import CONFIGS_DIR


@dataclass(frozen=True)
class EncoderConfig:
    chunk_tokens: int = 512
    repo_token_cap: int = 16384       # tokens encoded per repository at most, given to files by importance
    max_chunks_per_file: int = 4
    tau: float = 0.5                  # softmax temperature of the importance weights
    tiny_file_tokens: int = 64        # files shorter than this get the "tiny" path penalty
    batch_chunks: int = 8
    # The frozen encoder: "" is the session's own LM; otherwise another LM checkpoint (a path from the repository
    # root, e.g. our 5.3M LM under a 135M base), read with the tokenizer beside it (session.tokenizer_for).
    lm: str = ""
    # > 0: pool the hidden states after this many blocks (the lower layers of the encoder LM) instead of all.
    layers: int = 0
    # A packaged text encoder in place of an LM: its pin under models/configs (e.g. "encoder_minilm.json"), read
    # with its own tokenizer (models/static/text_encoder).
    package: str = ""


@dataclass(frozen=True)
class HypernetConfig:
    trunk_hidden: int = 512
    hidden: int = 64
    rank: int = 8
    log_scale_init: float = -3.5
    scale_min: float = 1e-5
    scale_max: float = 0.3
    # A learned shared (A, B) that the generated matrices are added to: the hypernetwork then only has to learn what
    # is particular to a repository, and it can start from a trained single shared LoRA (train --init-base).
    shared_base: bool = False
    # > 0: the hypernetwork also reads a TF-IDF histogram of this many leading production tokens (histogram.py);
    # its input is then [e ; raw token counts [vocab]].
    histogram_tokens: int = 0
    # Training only: keep the shared base fixed (the heads learn what is particular to a repository), and drop
    # input features at this rate, so the trunk cannot just memorise which training repository it sees.
    freeze_base: bool = False
    # > 0: instead of the tanh heads, a softmax mixture (weights from h) of this many learned (A, B) pairs, all
    # starting at the shared base: the repository chooses among a few shared adapters rather than getting its own.
    mixture: int = 0
    input_dropout: float = 0.0


@dataclass(frozen=True)
class PromptConfig:
    prompt_budget: int = 384          # tokens of context the LM sees (prefix tail, or retrieved chunks + prefix tail)
    max_target_tokens: int = 48       # longer targets are cut in training (the metric keeps the first line anyway)
    length_quantum: int = 32          # prompts are cut to a multiple of this length so that they batch (prompts.py)


@dataclass(frozen=True)
class StaticConfig:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    hypernet: HypernetConfig = field(default_factory=HypernetConfig)
    prompt: PromptConfig = field(default_factory=PromptConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "StaticConfig":
        return cls(encoder=EncoderConfig(**values.get("encoder", {})),
                   hypernet=HypernetConfig(**values.get("hypernet", {})),
                   prompt=PromptConfig(**values.get("prompt", {})))

    @classmethod
    def load(cls, path: Path = CONFIGS_DIR / "static.json") -> "StaticConfig":
        return cls.from_dict(json.loads(path.read_text()))


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1200
    tasks_per_step: int = 8
    warmup_steps: int = 40
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    eval_every: int = 100
    train_tasks_per_repo: int = 400   # cap (seeded sample) so a few huge suites do not dominate
    val_tasks_per_repo: int = 24
    seed: int = 0
    # The order training draws repositories and tasks in (default: `seed`). A run that continues another run's
    # weights sets a new one, so that it does not see the same batches again; the task samples stay the same.
    stream_seed: int | None = None
    lr: dict[str, float] = field(default_factory=lambda: {"static": 1e-3, "single": 2e-3})

    @classmethod
    def load(cls, path: Path = CONFIGS_DIR / "static_train.json") -> "TrainConfig":
        return cls(**json.loads(path.read_text()))


@dataclass(frozen=True)
class RagConfig:
    k: int = 3
    window_lines: int = 16            # retrieval unit: this many consecutive lines of a production file
    chunk_tokens: int = 96            # a retrieved window is cut to this many tokens
    max_share_of_budget: float = 0.5  # retrieved code gets at most this share of the prompt budget


@dataclass(frozen=True)
class PerRepoLoraConfig:
    """The per-repository LoRA (models/eval/static_eval.py): scored on the IR test tasks of a seeded sample of the
    IR test repositories."""
    repos: int = 6
    extra_repos: int = 0              # a second seeded draw from the eligible repositories the first left
    steps: int = 60
    tasks_per_step: int = 8
    lr: float = 3e-3
    min_train_tasks: int = 40         # a repository needs this many train tasks to get its own LoRA
    min_val_tasks: int = 8            # and this many IR val tasks to stop on
    val_tasks: int = 16               # IR val tasks per repository (a seeded sample) for early stopping
    eval_every: int = 5
    init: str = "single"              # "single": start from the single shared LoRA; "fresh": a new adapter


@dataclass(frozen=True)
class MemoryConfig:
    """The repository's own assertions in the prompt (models/memory)."""
    k: int = 3
    max_block_tokens: int = 160
    # The retriever's similarity adds the Jaccard overlap of the words of the line above the cut (the test's setup
    # or previous assertion) to that of the cut line and test name.
    previous_line: bool = False
    # The k recalled assertions have k different targets (a repeated target takes no second place).
    distinct_targets: bool = False


@dataclass(frozen=True)
class EvalConfig:
    cr_test_tasks_per_repo: int = 40
    ir_test_tasks_per_repo: int = 3
    ir_test_repos: int = 40           # a seeded sample of train repositories (adapters batch per repository)
    ir_test_extra_repos: int = 0      # a second seeded draw from the rest (models/eval/ir_sample.py)
    ir_test_exclude: str = ""         # a file naming repositories IR test is not drawn from (models/eval/ir_unseen.py)
    max_new_tokens: int = 64
    bootstrap_samples: int = 2000
    seed: int = 0
    rag: RagConfig = field(default_factory=RagConfig)
    per_repo_lora: PerRepoLoraConfig = field(default_factory=PerRepoLoraConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)

    @classmethod
    def load(cls, path: Path = CONFIGS_DIR / "static_eval.json") -> "EvalConfig":
        values = json.loads(path.read_text())
        rag = RagConfig(**values.pop("rag", {}))
        per_repo = PerRepoLoraConfig(**values.pop("per_repo_lora", {}))
        memory = MemoryConfig(**values.pop("memory", {}))
        return cls(rag=rag, per_repo_lora=per_repo, memory=memory, **values)
