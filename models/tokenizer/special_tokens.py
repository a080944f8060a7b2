"""The special tokens of our vocabulary, in id order (they take ids 0..n-1)."""

from __future__ import annotations

END_OF_TEXT = "<|endoftext|>"
PAD = "<|pad|>"

SPECIAL_TOKENS: tuple[str, ...] = (END_OF_TEXT, PAD)
