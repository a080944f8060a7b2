"""Near-duplicate detection for Python files: normalised-token shingles, MinHash signatures and LSH bands.

Normalised tokens are Python's own tokens without comments, blank lines and indentation, so a file reformatted or
recommented in another package still matches. Shingles are hashed with a fixed (unsalted) hash, so signatures are
the same in every process and run.
"""

from __future__ import annotations

import hashlib
import io
import re
import tokenize

import numpy as np

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16  # 4 rows a band: pairs at Jaccard 0.8 share a band with probability 1 - (1 - 0.8**4)**16 > 0.999
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
_FALLBACK = re.compile(r"\w+|[^\w\s]")
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_rng = np.random.default_rng(20261207)
# Odd multipliers for multiply-shift hashing of the 64-bit shingle hashes.
_MULTIPLIERS = (_rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1))
_OFFSETS = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)


def normalized_tokens(text: str) -> list[str]:
    """Python tokens without layout and comments; text that does not tokenise falls back to words and symbols."""
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in _SKIPPED]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return _FALLBACK.findall(text)


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """The sorted distinct 64-bit hashes of every run of SHINGLE consecutive tokens (one for a shorter file)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    cache: dict[str, int] = {}
    for t in tokens:
        if t not in cache:
            cache[t] = _token_hash(t)
    h = np.fromiter((cache[t] for t in tokens), dtype=np.uint64, count=len(tokens))
    width = min(SHINGLE, len(h))
    rows = len(h) - width + 1
    with np.errstate(over="ignore"):
        combined = np.zeros(rows, dtype=np.uint64)
        for j in range(width):
            # Position-dependent rotation, so that a permuted run of the same tokens is another shingle.
            part = h[j:j + rows]
            shift = np.uint64(7 * j + 1)
            combined ^= ((part << shift) | (part >> (np.uint64(64) - shift))) * np.uint64(0x9E3779B97F4A7C15)
    return np.unique(combined)


def signature(shingles: np.ndarray) -> np.ndarray:
    """MinHash signature: for each permutation, the least multiply-shift hash of the file's shingles."""
    if len(shingles) == 0:
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = (shingles[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]) & _MASK
    return mixed.min(axis=1)


def band_keys(sig: np.ndarray) -> list[bytes]:
    """One key per band (its index and its rows' values): files sharing any key are candidate pairs."""
    rows = PERMUTATIONS // BANDS
    return [bytes([b]) + sig[b * rows:(b + 1) * rows].tobytes() for b in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 and len(b) == 0:
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def containment(inner: np.ndarray, outer: np.ndarray) -> float:
    """The share of `inner`'s shingles that `outer` holds too (a file pasted into a larger one scores 1)."""
    if len(inner) == 0:
        return 1.0
    return len(np.intersect1d(inner, outer, assume_unique=True)) / len(inner)
