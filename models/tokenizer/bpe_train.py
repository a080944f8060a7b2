"""Byte-level BPE training: word counts in, merge list out.

The classic algorithm with incremental pair counts: every word is a list of symbol ids with a count, `pair_count`
holds the weighted count of each adjacent pair, `pair_words` the words a pair (may) occur in, and a lazy max-heap
picks the next merge. A merge only revisits the words that contain the pair, so training costs about the number of
pair occurrences touched, not (merges x corpus).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .byte_level import bytes_to_unicode, split_words, to_byte_chars

Pair = tuple[int, int]


@dataclass(frozen=True)
class BpeResult:
    """The learned alphabet (256 ByteLevel characters) and merges, in rank order, as symbol strings."""

    alphabet: list[str]
    merges: list[tuple[str, str]]


def count_words(texts: Iterable[str]) -> Counter[str]:
    """Pre-token counts, in ByteLevel characters."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(split_words(text))
    return Counter({to_byte_chars(word): n for word, n in counts.items()})


def _pairs(symbols: list[int]) -> Iterable[Pair]:
    return zip(symbols, symbols[1:])


def _merge_word(symbols: list[int], pair: Pair, new_id: int) -> list[int]:
    out: list[int] = []
    i = 0
    first, second = pair
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == first and symbols[i + 1] == second:
            out.append(new_id)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def train_bpe(word_counts: Counter[str], num_merges: int, min_count: int = 2) -> BpeResult:
    alphabet = [bytes_to_unicode()[b] for b in range(256)]
    symbol_of = {char: i for i, char in enumerate(alphabet)}
    names: list[str] = alphabet[:]

    words: list[list[int]] = []
    weights: list[int] = []
    for word, count in word_counts.items():
        words.append([symbol_of[c] for c in word])
        weights.append(count)

    pair_count: dict[Pair, int] = defaultdict(int)
    pair_words: dict[Pair, set[int]] = defaultdict(set)
    for index, symbols in enumerate(words):
        for pair in _pairs(symbols):
            pair_count[pair] += weights[index]
            pair_words[pair].add(index)

    # Ties break on the symbol strings so that training is deterministic and independent of dict order.
    def key(pair: Pair) -> tuple[str, str]:
        return names[pair[0]], names[pair[1]]

    heap = [(-count, key(pair), pair) for pair, count in pair_count.items()]
    heapq.heapify(heap)
    merges: list[tuple[str, str]] = []

    while len(merges) < num_merges and heap:
        negative, _, pair = heapq.heappop(heap)
        current = pair_count.get(pair, 0)
        if current != -negative:
            # Stale entry: a higher one is already queued if the count grew; re-queue if it shrank.
            if 0 < current < -negative:
                heapq.heappush(heap, (-current, key(pair), pair))
            continue
        if current < min_count:
            break
        new_id = len(names)
        names.append(names[pair[0]] + names[pair[1]])
        merges.append((names[pair[0]], names[pair[1]]))

        grown: set[Pair] = set()
        for index in pair_words.pop(pair, set()):
            symbols = words[index]
            weight = weights[index]
            merged = _merge_word(symbols, pair, new_id)
            if len(merged) == len(symbols):
                continue  # the index was stale: the pair left this word in an earlier merge
            for old in _pairs(symbols):
                pair_count[old] -= weight
            for new in _pairs(merged):
                pair_count[new] += weight
                pair_words[new].add(index)
                grown.add(new)
            words[index] = merged
        pair_count.pop(pair, None)
        for new in grown:
            count = pair_count.get(new, 0)
            if count > 0 and new != pair:
                heapq.heappush(heap, (-count, key(new), new))

    return BpeResult(alphabet=alphabet, merges=merges)
