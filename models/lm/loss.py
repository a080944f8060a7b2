"""Next-token cross-entropy, shared by pretraining and the hypernetwork trainer (which masks all but the target)."""

from __future__ import annotations

from typing import Callable

import torch.nn.functional as F
from torch import Tensor

IGNORE = -100


def causal_lm_loss(logits: Tensor, labels: Tensor, reduction: str = "mean") -> Tensor:
    """Cross-entropy of labels[:, 1:] given logits[:, :-1]; label IGNORE (-100) positions do not count.

    logits [batch, seq, vocab], labels [batch, seq] (usually the input ids, with non-target positions set to IGNORE).
    With reduction="none" it returns the per-token loss [batch, seq - 1] (0 where ignored).
    """
    shifted_logits = logits[:, :-1].float()
    shifted_labels = labels[:, 1:]
    loss = F.cross_entropy(
        shifted_logits.reshape(-1, shifted_logits.shape[-1]), shifted_labels.reshape(-1),
        ignore_index=IGNORE, reduction=reduction,
    )
    return loss.view(shifted_labels.shape) if reduction == "none" else loss


def target_loss(head: Callable[[Tensor], Tensor], hidden: Tensor, labels: Tensor, reduction: str = "mean") -> Tensor:
    """causal_lm_loss from the final hidden states [batch, seq, d], with the output head applied at the target
    positions only: an adapter's targets are a few dozen of a prompt's hundreds of positions, and a 49k-vocabulary
    head over all of them cost as much as the body's matmuls and a gigabyte of logits per batch. The mean over
    target tokens, or with reduction "none" their sum."""
    mask = labels[:, 1:] != IGNORE
    logits = head(hidden[:, :-1][mask]).float()
    loss = F.cross_entropy(logits, labels[:, 1:][mask], reduction="sum")
    return loss if reduction == "none" else loss / mask.sum().clamp(min=1)
