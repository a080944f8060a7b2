"""Byte-level pre-tokenisation exactly as the Hugging Face `ByteLevel` pre-tokenizer does it.

The browser runs `@huggingface/tokenizers`, whose ByteLevel splitter is the GPT-2 pattern compiled as a JavaScript
`u`-mode RegExp. Python's `regex` module and JavaScript disagree on what `\\s` means (Python adds U+001C..U+001F and
U+0085, JavaScript adds U+FEFF), so the pattern here spells JavaScript's whitespace set out; everything else in the
pattern means the same in both engines.
"""

from __future__ import annotations

from functools import lru_cache

import regex

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator).
_JS_SPACE = "\\t\\n\\x0b\\x0c\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_S = f"[{_JS_SPACE}]"
_NOT_S = f"[^{_JS_SPACE}]"

PATTERN = regex.compile(
    "'s|'t|'re|'ve|'m|'ll|'d"
    r"| ?\p{L}+| ?\p{N}+"
    f"| ?[^{_JS_SPACE}\\p{{L}}\\p{{N}}]+"
    f"|{_S}+(?!{_NOT_S})|{_S}+"
)


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from the 256 byte values to printable characters (the ByteLevel alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {byte: chr(code) for byte, code in zip(printable, codes)}


@lru_cache(maxsize=1)
def unicode_to_bytes() -> dict[str, int]:
    return {char: byte for byte, char in bytes_to_unicode().items()}


# Every numeric character as a piece of its own: SmolLM2's `Digits(individual_digits=True)` in the Rust library (which
# tests `char::is_numeric`, i.e. \p{N}), written as a `Split` on \p{N} because the JavaScript library's `Digits`
# matches only ASCII \d; `Split` with a \p{N} regex means the same in both (models/base/gguf_tokenizer.py).
NUMERIC = regex.compile(r"(\p{N})")
NUMERIC_SPLIT = {"type": "Split", "pattern": {"Regex": "\\p{N}"}, "behavior": "Isolated", "invert": False}


def split_words(text: str, isolate_numerics: bool = False) -> list[str]:
    """The pre-tokens of `text`, before the byte mapping. With isolate_numerics, NUMERIC_SPLIT runs first: every
    numeric character is a piece of its own, and the ByteLevel pattern then splits each piece."""
    if not isolate_numerics:
        return PATTERN.findall(text)
    return [word for piece in NUMERIC.split(text) if piece for word in PATTERN.findall(piece)]


def isolates_numerics(pre_tokenizer: object) -> bool:
    """Whether a tokenizer.json `pre_tokenizer` is ByteLevel preceded by NUMERIC_SPLIT; any other pre-tokenizer is
    refused, since this encoder would silently split differently."""
    steps = pre_tokenizer.get("pretokenizers", []) if isinstance(pre_tokenizer, dict) and \
        pre_tokenizer.get("type") == "Sequence" else [pre_tokenizer]
    if [s.get("type") if isinstance(s, dict) else None for s in steps] == ["ByteLevel"]:
        return False
    if len(steps) == 2 and steps[0] == NUMERIC_SPLIT and isinstance(steps[1], dict) and steps[1].get("type") == "ByteLevel":
        return True
    raise ValueError(f"unsupported pre-tokenizer {pre_tokenizer}: expected ByteLevel, optionally after {NUMERIC_SPLIT}")


def to_byte_chars(word: str) -> str:
    """A pre-token as ByteLevel characters (one character per UTF-8 byte)."""
    table = bytes_to_unicode()
    return "".join(table[b] for b in word.encode("utf-8"))


def from_byte_chars(chars: str) -> bytes:
    table = unicode_to_bytes()
    return bytes(table[c] for c in chars)
