"""Reads and writes the Hugging Face `tokenizer.json` format (BPE model, ByteLevel pre-tokenizer and decoder)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .bpe_train import BpeResult
from .special_tokens import SPECIAL_TOKENS


BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}


def bpe_tokenizer_json(vocab: dict[str, int], merges: list[list[str]], special: dict[str, int],
                       pre_tokenizers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A byte-level BPE tokenizer.json: `pre_tokenizers` run before the ByteLevel split (none for ours)."""
    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
         "special": True}
        for t, i in special.items()
    ]
    steps = [*(pre_tokenizers or []), BYTE_LEVEL]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": steps[0] if len(steps) == 1 else {"type": "Sequence", "pretokenizers": steps},
        "post_processor": None,
        "decoder": BYTE_LEVEL,
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": merges,
        },
    }


def tokenizer_json(result: BpeResult, special_tokens: tuple[str, ...] = SPECIAL_TOKENS) -> dict[str, Any]:
    """Special tokens take ids 0..k-1, then the 256 byte symbols, then one id per merge in rank order."""
    vocab: dict[str, int] = {}
    for token in special_tokens:
        vocab[token] = len(vocab)
    for symbol in result.alphabet:
        vocab[symbol] = len(vocab)
    for left, right in result.merges:
        merged = left + right
        if merged not in vocab:
            vocab[merged] = len(vocab)
    return bpe_tokenizer_json(vocab, [[left, right] for left, right in result.merges],
                              {t: vocab[t] for t in special_tokens})


def write_tokenizer_json(result: BpeResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokenizer_json(result), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
