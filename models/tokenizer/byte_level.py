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


def split_words(text: str) -> list[str]:
    """The pre-tokens of `text`, before the byte mapping."""
    return PATTERN.findall(text)


def to_byte_chars(word: str) -> str:
    """A pre-token as ByteLevel characters (one character per UTF-8 byte)."""
    table = bytes_to_unicode()
    return "".join(table[b] for b in word.encode("utf-8"))


def from_byte_chars(chars: str) -> bytes:
    table = unicode_to_bytes()
    return bytes(table[c] for c in chars)
