"""The exported graphs as modules: the LM step (KV cache + LoRA inputs) and the chunk encoder.

Both keep the tied embedding as ONE initializer, stored transposed [d_model, vocab]: the output head multiplies by it
directly and the embedding lookup gathers its columns. (Exporting `embed.weight` for the lookup and its transpose
for the head makes constant folding store the matrix twice.)
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from models.lm.config import LORA_TARGETS
from models.lm.model import CodeLM


class TiedEmbedding(nn.Module):
    def __init__(self, model: CodeLM) -> None:
        super().__init__()
        self.weight_t = nn.Parameter(model.embed.weight.detach().t().contiguous())

    def lookup(self, input_ids: Tensor) -> Tensor:
        b, t = input_ids.shape
        columns = torch.index_select(self.weight_t, 1, input_ids.reshape(-1))  # [d, b*t]
        return columns.t().reshape(b, t, -1)

    def head(self, hidden: Tensor) -> Tensor:
        return hidden @ self.weight_t


class LMStep(nn.Module):
    """(input_ids, position_ids, past_key_0, past_value_0, ..., lora_A_q, lora_B_q, ...) -> (logits, presents...).

    With `last_logits_only` the logits are the last position's alone, [batch, 1, vocab]: greedy decoding reads no
    other row, and for a 256-token prefill of the base the skipped rows are about a sixth of its multiply-adds and a
    50 MB output copied out of the runtime.
    """

    def __init__(self, model: CodeLM, last_logits_only: bool = False) -> None:
        super().__init__()
        self.model = model
        self.embedding = TiedEmbedding(model)
        self.last_logits_only = last_logits_only

    def forward(self, input_ids: Tensor, position_ids: Tensor, *rest: Tensor) -> tuple[Tensor, ...]:
        n = self.model.config.n_layers
        flat_past, flat_lora = rest[: 2 * n], rest[2 * n :]
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(n)]
        lora = {m: (flat_lora[2 * j], flat_lora[2 * j + 1]) for j, m in enumerate(LORA_TARGETS)}
        hidden, presents = self.model.run_blocks(self.embedding.lookup(input_ids), position_ids, past, lora)
        outputs: list[Tensor] = [self.embedding.head(hidden[:, -1:, :] if self.last_logits_only else hidden)]
        for key, value in presents:
            outputs.extend([key, value])
        return tuple(outputs)


class ChunkEncoder(nn.Module):
    """(input_ids, attention_mask) -> mean of the final hidden states over real tokens [batch, d_model].

    Padding goes on the right; causal attention keeps it out of the real tokens' states.
    """

    def __init__(self, model: CodeLM) -> None:
        super().__init__()
        self.model = model
        self.embedding = TiedEmbedding(model)

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0).expand(b, t)
        hidden, _ = self.model.run_blocks(self.embedding.lookup(input_ids), positions, None, None)
        mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def lm_input_names(n_layers: int) -> list[str]:
    names = ["input_ids", "position_ids"]
    for i in range(n_layers):
        names += [f"past_key_{i}", f"past_value_{i}"]
    for m in LORA_TARGETS:
        names += [f"lora_A_{m}", f"lora_B_{m}"]
    return names


def lm_output_names(n_layers: int) -> list[str]:
    names = ["logits"]
    for i in range(n_layers):
        names += [f"present_key_{i}", f"present_value_{i}"]
    return names
