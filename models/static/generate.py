"""Greedy decoding with the KV cache: at most `max_new_tokens`, stopping at the first newline (or end of text)."""

from __future__ import annotations

from typing import Optional

import torch

from models.lm.lora import LoraWeights
from models.lm.model import CodeLM
from models.lm.runtime import autocast

from .tokens import TokenCache


def stop_token_ids(tokens: TokenCache) -> set[int]:
    """Ids whose text contains a newline, and the special tokens."""
    stops = {tokens.eot, tokens.pad}
    for i in range(tokens.tokenizer.vocab_size):
        if i not in stops and "\n" in tokens.tokenizer.decode([i]):
            stops.add(i)
    return stops


@torch.no_grad()
def greedy_completion(lm: CodeLM, prompt: list[int], lora: Optional[LoraWeights], max_new_tokens: int,
                      stops: set[int], use_bf16: bool = True) -> list[int]:
    """The generated ids, including the stopping token when there was one."""
    out: list[int] = []
    ids = torch.tensor([prompt], dtype=torch.long)
    past = None
    with autocast() if use_bf16 else torch.autocast("cpu", enabled=False):
        for _ in range(max_new_tokens):
            logits, past = lm(ids, past=past, lora=lora)
            nxt = int(logits[0, -1].float().argmax())
            out.append(nxt)
            if nxt in stops:
                break
            ids = torch.tensor([[nxt]], dtype=torch.long)
    return out
