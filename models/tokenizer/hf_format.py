"""Reads and writes the Hugging Face `tokenizer.json` format (BPE model, ByteLevel pre-tokenizer and decoder)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .bpe_train import BpeResult
from .special_tokens import SPECIAL_TOKENS


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
    added = [
        {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in special_tokens
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": None,
        "decoder": byte_level,
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
            "merges": [[left, right] for left, right in result.merges],
        },
    }


def write_tokenizer_json(result: BpeResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokenizer_json(result), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
