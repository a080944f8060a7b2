"""Greedy decoding with the KV cache: at most `max_new_tokens`, stopping at the first newline (or end of text).
The scorer then cuts each decode where its expression ends (models/static/expression_end.py, models.eval.predict),
which gives the text that stopping there would give.

Prompts of equal length decode together in one batch (the LM has no attention mask, so rows of different lengths
cannot share a batch without changing what they attend to); the batch ends when every row has stopped.
"""

from __future__ import annotations

from typing import Optional

import torch

from models.lm.lora import LoraWeights
from models.lm.model import CodeLM

from .tokens import TokenCache


def stop_token_ids(tokens: TokenCache) -> set[int]:
    """Ids whose text contains a newline, and the special tokens."""
    stops = {tokens.eot, tokens.pad}
    for i in range(tokens.tokenizer.vocab_size):
        if i not in stops and "\n" in tokens.tokenizer.decode([i]):
            stops.add(i)
    return stops


@torch.no_grad()
def greedy_batch(lm: CodeLM, prompts: list[list[int]], lora: Optional[LoraWeights], max_new_tokens: int,
                 stops: set[int]) -> list[list[int]]:
    """Generated ids per prompt (all prompts the same length), each ending at and including its stop token."""
    if len({len(p) for p in prompts}) != 1:
        raise ValueError("greedy_batch needs prompts of one length")
    outs: list[list[int]] = [[] for _ in prompts]
    done = [False] * len(prompts)
    ids = torch.tensor(prompts, dtype=torch.long)
    past = None
    # Decoding runs in float32, as the browser does: bf16 autocast flips about 4% of greedy completions, which
    # alone would move exact match by about a point between the two sides (benchmarks/cr-parity.json).
    for _ in range(max_new_tokens):
        # Only the last position's logits are needed: the output head over a 49k vocabulary for every prompt
        # position would be a fifth of a 135M model's prefill and gigabytes of memory.
        hidden, past = lm.hidden_states(ids, past=past, lora=lora)
        nxt = lm.logits(hidden[:, -1:]).float()[:, -1].argmax(dim=-1).tolist()
        for row, token in enumerate(nxt):
            if not done[row]:
                outs[row].append(token)
                done[row] = token in stops
        if all(done):
            break
        ids = torch.tensor(nxt, dtype=torch.long).unsqueeze(1)
    return outs


def greedy_completion(lm: CodeLM, prompt: list[int], lora: Optional[LoraWeights], max_new_tokens: int,
                      stops: set[int]) -> list[int]:
    return greedy_batch(lm, [prompt], lora, max_new_tokens, stops)[0]


def greedy_many(lm: CodeLM, prompts: list[list[int]], lora: Optional[LoraWeights], max_new_tokens: int,
                stops: set[int], batch_size: int) -> list[list[int]]:
    """greedy_batch over groups of equal-length prompts, results in the order of `prompts`."""
    by_length: dict[int, list[int]] = {}
    for i, p in enumerate(prompts):
        by_length.setdefault(len(p), []).append(i)
    results: list[list[int]] = [[] for _ in prompts]
    for indices in by_length.values():
        for start in range(0, len(indices), batch_size):
            group = indices[start:start + batch_size]
            for i, out in zip(group, greedy_batch(lm, [prompts[i] for i in group], lora, max_new_tokens, stops)):
                results[i] = out
    return results
