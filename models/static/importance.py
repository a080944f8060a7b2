"""File importance for the repository embedding (DESIGN.md section 2) and the importance-ordered token cap.

score_i = distinctiveness (1 - cos(f_i, mean f)) + size (log tokens / max log tokens) + path prior, and
w = softmax(score / tau). The size and path terms are known before any file is encoded; they order the files for
the per-repository token cap, so the cap drops the least promising code first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Path prior: code under a src/ tree is the library itself; package __init__ files, tiny files, build scripts,
# docs and examples say little about how the library is used in its tests.
SRC_BONUS = 0.5
INIT_PENALTY = -1.0
TINY_PENALTY = -1.0
PERIPHERAL_PENALTY = -0.5
PERIPHERAL_NAMES = frozenset({"setup.py", "conf.py", "noxfile.py", "fabfile.py", "tasks.py", "manage.py"})
PERIPHERAL_DIRS = frozenset({"docs", "doc", "examples", "example", "benchmarks", "bench", "scripts", "tools"})


def path_prior(path: str, tokens: int, tiny_file_tokens: int) -> float:
    parts = path.split("/")
    score = 0.0
    if "src" in parts[:-1]:
        score += SRC_BONUS
    if parts[-1] == "__init__.py":
        score += INIT_PENALTY
    if tokens < tiny_file_tokens:
        score += TINY_PENALTY
    if parts[-1] in PERIPHERAL_NAMES or any(p in PERIPHERAL_DIRS for p in parts[:-1]):
        score += PERIPHERAL_PENALTY
    return score


def size_terms(token_counts: list[int]) -> np.ndarray:
    logs = np.log1p(np.asarray(token_counts, dtype=np.float64))
    top = logs.max() if len(logs) else 1.0
    return logs / max(top, 1e-9)


# Token counts before tokenising are estimated from characters (the pretraining corpus averages 3.5 characters per
# token); only the planning uses the estimate, the encoder then takes the real leading tokens.
CHARS_PER_TOKEN = 3.5


def estimated_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN))


def prior_scores(paths: list[str], token_counts: list[int], tiny_file_tokens: int) -> np.ndarray:
    sizes = size_terms(token_counts)
    return np.asarray([s + path_prior(p, n, tiny_file_tokens) for p, n, s in zip(paths, token_counts, sizes)])


def distinctiveness(vectors: np.ndarray) -> np.ndarray:
    """1 - cos(f_i, mean f) for each row of vectors [files, d]."""
    mean = vectors.mean(axis=0)
    norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(mean)), 1e-9)
    return 1.0 - (vectors @ mean) / np.maximum(norms, 1e-9)


def importance_weights(priors: np.ndarray, vectors: np.ndarray, tau: float) -> np.ndarray:
    scores = priors + distinctiveness(vectors)
    z = scores / tau
    z = z - z.max()
    w = np.exp(z)
    return w / w.sum()


@dataclass(frozen=True)
class ChunkPlan:
    """How many leading chunks of each file get encoded (0 = the file is left out by the cap)."""

    chunks_per_file: list[int]
    tokens: int


def plan_chunks(token_counts: list[int], priors: np.ndarray, chunk_tokens: int, max_chunks_per_file: int,
                token_cap: int) -> ChunkPlan:
    """Breadth-first by importance: every file's first chunk (best prior first), then every second chunk, ...

    until the repository's token cap would be exceeded. Coverage of many files beats depth in a few, and files
    with the lowest prior are the ones dropped when the cap binds.
    """
    order = sorted(range(len(token_counts)), key=lambda i: (-priors[i], i))
    chunks = [0] * len(token_counts)
    used = 0
    for depth in range(max_chunks_per_file):
        for i in order:
            start = depth * chunk_tokens
            if start >= token_counts[i] or chunks[i] != depth:
                continue
            size = min(chunk_tokens, token_counts[i] - start)
            if used + size > token_cap:
                return ChunkPlan(chunks, used)
            chunks[i] += 1
            used += size
    return ChunkPlan(chunks, used)


def chunk_windows(ids: list[int], chunks: int, chunk_tokens: int) -> list[list[int]]:
    return [ids[c * chunk_tokens:(c + 1) * chunk_tokens] for c in range(chunks)]


def total_chunks(token_count: int, chunk_tokens: int) -> int:
    return math.ceil(token_count / chunk_tokens)
