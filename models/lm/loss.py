"""Next-token cross-entropy, shared by pretraining and the hypernetwork trainer (which masks all but the target)."""

from __future__ import annotations

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
