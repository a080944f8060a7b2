r"""The tokenizer of a GGUF file (`tokenizer.ggml.*`) written as a Hugging Face tokenizer.json.

The browser loads that file with `@huggingface/tokenizers`, Python with models.tokenizer.bpe_encode; both must give
the ids llama.cpp gives for the same file. Only the GPT-2-style byte-level BPE is supported, with the pre-tokenizer
the file names (`tokenizer.ggml.pre`): "smollm" isolates every numeric character before the ByteLevel pattern
(llama.cpp: \p{N}; SmolLM2's own tokenizer.json: Digits, which the Rust library implements as \p{N} too).
"""

from __future__ import annotations

from typing import Any

from models.tokenizer.byte_level import NUMERIC_SPLIT
from models.tokenizer.hf_format import bpe_tokenizer_json

# llama.cpp's token types: 1 normal, 3 control (special), 4 user-defined.
SPECIAL_TYPES = {3, 4}
PRE_TOKENIZERS: dict[str, list[dict[str, Any]]] = {
    "smollm": [NUMERIC_SPLIT],
    "gpt-2": [],
}


def tokenizer_json(metadata: dict[str, Any]) -> dict[str, Any]:
    """metadata: the `tokenizer.ggml.*` fields (tokens, token_type, merges, model, pre, *_token_id)."""
    if metadata["tokenizer.ggml.model"] != "gpt2":
        raise ValueError(f"unsupported GGUF tokenizer model {metadata['tokenizer.ggml.model']!r} (byte-level BPE only)")
    pre = metadata.get("tokenizer.ggml.pre", "gpt-2")
    if pre not in PRE_TOKENIZERS:
        raise ValueError(f"unsupported GGUF pre-tokenizer {pre!r} (known: {sorted(PRE_TOKENIZERS)})")
    tokens: list[str] = list(metadata["tokenizer.ggml.tokens"])
    types: list[int] = [int(t) for t in metadata["tokenizer.ggml.token_type"]]
    special = {tok: i for i, (tok, kind) in enumerate(zip(tokens, types)) if kind in SPECIAL_TYPES}
    merges = [m.split(" ", 1) for m in metadata["tokenizer.ggml.merges"]]
    return bpe_tokenizer_json({tok: i for i, tok in enumerate(tokens)}, merges, special, PRE_TOKENIZERS[pre])


def special_ids(metadata: dict[str, Any]) -> dict[str, int]:
    """The ids the pipeline needs by role: end of text (document separator) and padding."""
    tokens: list[str] = list(metadata["tokenizer.ggml.tokens"])
    eot = tokens.index("<|endoftext|>") if "<|endoftext|>" in tokens else int(metadata["tokenizer.ggml.eos_token_id"])
    pad = int(metadata.get("tokenizer.ggml.padding_token_id", eot))
    return {"eot": eot, "pad": pad}
