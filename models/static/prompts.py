"""Prompt token ids inside the context budget, and padded training batches with loss only on the target."""

from __future__ import annotations

import torch
from torch import Tensor

from models.lm.loss import IGNORE


def quantized_cut(length: int, quantum: int) -> int:
    """How many leading tokens to drop so that a prompt longer than one quantum has a multiple of it as length.

    Prompts of equal length decode in one batch (the LM takes no attention mask); dropping at most quantum - 1 of
    the oldest context tokens (usually imports) makes most prompts share a handful of lengths. Training uses the
    same rule, so the models see what they are scored on."""
    return length % quantum if quantum > 1 and length > quantum else 0


def prefix_prompt(prefix: list[int], budget: int, eot: int, quantum: int = 1) -> list[int]:
    """The prefix's tail within the budget; a prefix that fits whole starts like a pretraining document (EOT)."""
    full = [eot] + prefix if len(prefix) + 1 <= budget else prefix[len(prefix) - budget:]
    return full[quantized_cut(len(full), quantum):]


def headed_prompt(prefix: list[int], header: list[int], budget: int, eot: int, quantum: int = 1) -> list[int]:
    """[eot] + header + the prefix's tail in the rest of the budget (shortened at its start to a quantized total
    length): a header (the file's path, say) survives however long the prefix is."""
    rest = budget - len(header) - 1
    tail = prefix[len(prefix) - rest:] if len(prefix) > rest else prefix
    cut = min(len(tail), quantized_cut(1 + len(header) + len(tail), quantum))
    return [eot] + header + tail[cut:]


def retrieval_prompt(prefix: list[int], chunks: list[list[int]], budget: int, max_share: float, eot: int,
                     quantum: int = 1) -> list[int]:
    """Retrieved code first (best first, at most max_share of the budget), then the prefix's tail with the whole
    budget the other methods get: the retrieved context comes on top of it, so RAG never loses prefix to it. The
    prefix is shortened at its start to a quantized total length."""
    room = int(budget * max_share)
    context: list[int] = []
    for chunk in chunks:
        take = chunk[:max(0, room - len(context))]
        context.extend(take)
        if len(context) >= room:
            break
    tail = prefix if len(prefix) + 1 <= budget else prefix[len(prefix) - budget:]
    cut = min(len(tail), quantized_cut(1 + len(context) + len(tail), quantum))
    return [eot] + context + tail[cut:]


def training_batch(examples: list[tuple[list[int], list[int]]], pad: int, max_target: int) -> tuple[Tensor, Tensor]:
    """input_ids [batch, width] (prompt + target, right-padded) and labels with IGNORE everywhere but the target."""
    rows = [(p, t[:max_target]) for p, t in examples]
    width = max(len(p) + len(t) for p, t in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for i, (p, t) in enumerate(rows):
        ids[i, :len(p) + len(t)] = torch.tensor(p + t)
        labels[i, len(p):len(p) + len(t)] = torch.tensor(t)
    return ids, labels
