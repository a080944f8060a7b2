"""A TF-IDF token histogram of a repository's production code: the ablation DESIGN.md section 10 suggests when the
small LM's pooled hidden states say too little about a repository.

Counts of the token ids of the files' leading tokens under an importance-ordered token cap (the encoder's planning
with a larger cap and deeper files), so the same files come first as for the encoder. The hypernetwork graph takes
the raw counts and applies the IDF of the training repositories itself, so the browser only has to count ids.
"""

from __future__ import annotations

import numpy as np

from .config import EncoderConfig
from .importance import estimated_tokens, plan_chunks, prior_scores
from .tokens import TokenCache


def token_histogram(files: list[tuple[str, str]], tokens: TokenCache, encoder: EncoderConfig, cap: int,
                    vocab: int) -> np.ndarray:
    """Counts [vocab] of the token ids of the production files' leading tokens, at most `cap` tokens in all."""
    counts = np.zeros(vocab, dtype=np.float32)
    if not files or cap <= 0:
        return counts
    estimated = [estimated_tokens(text) for _, text in files]
    priors = prior_scores([p for p, _ in files], estimated, encoder.tiny_file_tokens)
    depth = max(1, cap // encoder.chunk_tokens)
    plan = plan_chunks(estimated, priors, encoder.chunk_tokens, depth, cap)
    for (_, text), chunks in zip(files, plan.chunks_per_file):
        if chunks:
            ids = tokens.leading(text, chunks * encoder.chunk_tokens)
            counts += np.bincount(np.asarray(ids, dtype=np.int64), minlength=vocab)[:vocab].astype(np.float32)
    return counts


def inverse_document_frequency(histograms: np.ndarray) -> np.ndarray:
    """Smoothed IDF [vocab] over repositories' count rows [repos, vocab] (scikit-learn's smooth_idf formula)."""
    documents = histograms.shape[0]
    df = (histograms > 0).sum(axis=0)
    return (np.log((1 + documents) / (1 + df)) + 1).astype(np.float32)
