"""Repository encoder: production files -> capped 512-token chunks -> frozen LM vectors -> e = [weighted mean; max].

File vectors are cached on disk by (encoder id, file content, chunks encoded), so training and scoring never
re-encode a file, and a repository that shares files with another reuses them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import Tensor

from models.atomic_write import write_atomic
from models.lm.runtime import autocast, cpu_has_native_bf16

from .config import EncoderConfig
from .importance import chunk_windows, estimated_tokens, importance_weights, plan_chunks, prior_scores


class Width(Protocol):
    @property
    def d_model(self) -> int: ...


class PoolingModel(Protocol):
    """A frozen model that turns right-padded chunks into vectors: a CodeLM, or a packaged text encoder."""

    @property
    def config(self) -> Width: ...

    def pooled(self, input_ids: Tensor, attention_mask: Tensor, layers: int = 0) -> Tensor: ...


class ChunkTokens(Protocol):
    """The model's tokenizer as the encoder uses it: a file's leading ids, and the padding id."""

    @property
    def pad(self) -> int: ...

    def leading(self, text: str, count: int) -> list[int]: ...


@dataclass(frozen=True)
class RepoEmbedding:
    vector: np.ndarray          # [2 * d_model] = [weighted mean ; max] of the file vectors
    files: int                  # production files in the repository
    files_encoded: int          # files with at least one chunk under the cap
    tokens_total: int           # estimated tokens in all production files (characters / 3.5)
    tokens_planned: int         # estimated tokens the cap lets in (<= the cap)
    chunks_encoded: int         # chunks actually run through the encoder (cache misses only)


def _key(encoder_id: str, chunk_tokens: int, chunks: int, text: str) -> str:
    return hashlib.sha256(f"{encoder_id}\0{chunk_tokens}\0{chunks}\0".encode() + text.encode()).hexdigest()


class RepoEncoder:
    def __init__(self, lm: PoolingModel, encoder_id: str, config: EncoderConfig, cache_dir: Path, tokens: ChunkTokens,
                 use_bf16: bool = True) -> None:
        self.lm = lm
        self.tokens = tokens
        self.config = config
        self.encoder_id = encoder_id
        self.use_bf16 = use_bf16 and cpu_has_native_bf16()
        # Vectors computed in float32 differ from bf16 ones in the last digits: they are kept apart.
        self.cache_dir = cache_dir / (encoder_id if self.use_bf16 else f"{encoder_id}-f32")

    def _cache_path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.npy"

    @torch.no_grad()
    def _encode_chunks(self, chunks: list[list[int]]) -> np.ndarray:
        """Pooled vectors [len(chunks), d] (batched by similar length; right padding, which causal attention hides)."""
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        out = np.zeros((len(chunks), self.lm.config.d_model), dtype=np.float32)
        step = self.config.batch_chunks
        for start in range(0, len(order), step):
            batch = [chunks[i] for i in order[start:start + step]]
            width = max(len(c) for c in batch)
            ids = torch.full((len(batch), width), self.tokens.pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, c in enumerate(batch):
                ids[row, :len(c)] = torch.tensor(c)
                mask[row, :len(c)] = 1
            if self.use_bf16:
                with autocast():
                    pooled = self.lm.pooled(ids, mask, self.config.layers)
            else:
                pooled = self.lm.pooled(ids, mask, self.config.layers)
            out[order[start:start + step]] = pooled.float().numpy()
        return out

    def _priors(self, files: list[tuple[str, str]]) -> tuple[list[int], np.ndarray]:
        counts = [estimated_tokens(text) for _, text in files]
        return counts, prior_scores([p for p, _ in files], counts, self.config.tiny_file_tokens)

    def file_vectors(self, files: list[tuple[str, str]]) -> tuple[list[int], np.ndarray, int, int]:
        """(indices of encoded files, their vectors, planned tokens, chunks run) under the importance-ordered cap."""
        cfg = self.config
        counts, priors = self._priors(files)
        plan = plan_chunks(counts, priors, cfg.chunk_tokens, cfg.max_chunks_per_file, cfg.repo_token_cap)
        chosen = [i for i, c in enumerate(plan.chunks_per_file) if c > 0]
        vectors = np.zeros((len(chosen), self.lm.config.d_model), dtype=np.float32)
        missing: list[tuple[int, str]] = []
        for row, i in enumerate(chosen):
            key = _key(self.encoder_id, cfg.chunk_tokens, plan.chunks_per_file[i], files[i][1])
            path = self._cache_path(key)
            if path.exists():
                vectors[row] = np.load(path)
            else:
                missing.append((row, key))
        run = 0
        if missing:
            windows: list[list[int]] = []
            owner: list[int] = []
            for row, _ in missing:
                i = chosen[row]
                ids = self.tokens.leading(files[i][1], plan.chunks_per_file[i] * cfg.chunk_tokens)
                for w in chunk_windows(ids, plan.chunks_per_file[i], cfg.chunk_tokens):
                    if w:
                        windows.append(w)
                        owner.append(row)
            chunk_vectors = self._encode_chunks(windows)
            run = len(windows)
            owners = np.asarray(owner)
            for row, key in missing:
                mine = chunk_vectors[owners == row]
                vectors[row] = mine.mean(axis=0) if len(mine) else 0.0
                path = self._cache_path(key)
                path.parent.mkdir(parents=True, exist_ok=True)
                vector = vectors[row]
                write_atomic(path, lambda f: np.save(f, vector))
        return chosen, vectors, plan.tokens, run

    def embed(self, files: list[tuple[str, str]]) -> RepoEmbedding:
        d = self.lm.config.d_model
        counts, priors = self._priors(files)
        chosen, vectors, tokens, run = self.file_vectors(files) if files else ([], np.zeros((0, d), np.float32), 0, 0)
        if not chosen:
            return RepoEmbedding(np.zeros(2 * d, dtype=np.float32), len(files), 0, sum(counts), 0, 0)
        w = importance_weights(priors[chosen], vectors.astype(np.float64), self.config.tau)
        mean = (w[:, None] * vectors).sum(axis=0)
        vector = np.concatenate([mean, vectors.max(axis=0)]).astype(np.float32)
        return RepoEmbedding(vector, len(files), len(chosen), sum(counts), tokens, run)
