"""Reference outputs of the exported graphs, computed with PyTorch, for the TypeScript parity test.

Written to models/export/fixtures/lm_parity.json.gz: float32 arrays as base64 with their shapes. Cases:
- prefill_lora: 5 tokens at positions 0..4, empty cache, the pattern LoRA -> logits (the first PREFILL_VOCAB
  columns, to keep the file small), last layer's present key;
- step_lora: the 6th token at position 5 on top of prefill_lora's cache -> logits, which must equal the last row of
  a full (cache-free) PyTorch forward over all 6 tokens;
- prefill_base: the same 5 tokens with all-zero LoRA -> logits of the base model (first PREFILL_VOCAB columns);
- encoder: a batch of two chunks, the second right-padded -> pooled vectors.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.lm.lora import zero_lora
from models.lm.model import CodeLM

from .lora_pattern import pattern_lora

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lm_parity.json.gz"
TOKENS = [17, 300, 4242, 8000, 1, 515]
PREFILL_VOCAB = 2048
ENCODER_TOKENS = [[5, 77, 912, 3001, 64, 7], [260, 1999, 42, 0, 0, 0]]
ENCODER_MASK = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]]


def _array(t: torch.Tensor) -> dict[str, Any]:
    values = t.detach().to(torch.float32).contiguous().numpy()
    return {"dims": list(values.shape), "base64": base64.b64encode(values.astype("<f4").tobytes()).decode()}


@torch.no_grad()
def reference_cases(model: CodeLM) -> dict[str, Any]:
    vocab = model.config.vocab_size
    tokens = torch.tensor([[t % vocab for t in TOKENS]])
    lora = pattern_lora(model.config)
    prefill, past = model(tokens[:, :5], torch.arange(5).unsqueeze(0), None, lora)
    full, _ = model(tokens, torch.arange(6).unsqueeze(0), None, lora)
    step, _ = model(tokens[:, 5:], torch.tensor([[5]]), past, lora)
    assert torch.allclose(step[0, 0], full[0, 5], atol=1e-4), "KV-cache step disagrees with the full forward"
    base, _ = model(tokens[:, :5], torch.arange(5).unsqueeze(0), None, zero_lora(model.config))
    enc_ids = torch.tensor(ENCODER_TOKENS) % vocab
    pooled = model.pooled(enc_ids, torch.tensor(ENCODER_MASK))
    return {
        "tokens": tokens[0].tolist(),
        "n_layers": model.config.n_layers,
        "lora_rank": model.config.lora_rank,
        "prefill_vocab": PREFILL_VOCAB,
        "prefill_lora": {"logits": _array(prefill[..., :PREFILL_VOCAB]), "present_key_last": _array(past[-1][0])},
        "step_lora": {"logits": _array(full[:, 5:6])},
        "prefill_base": {"logits": _array(base[..., :PREFILL_VOCAB])},
        "encoder": {"input_ids": ENCODER_TOKENS, "attention_mask": ENCODER_MASK, "pooled": _array(pooled)},
    }


def write_fixtures(model: CodeLM, path: Path = FIXTURES) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(reference_cases(model)).encode()
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    return path
