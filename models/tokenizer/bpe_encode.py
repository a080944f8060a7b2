"""The Python encoder for a `tokenizer.json` we wrote: the same ids as the browser's `@huggingface/tokenizers`."""

from __future__ import annotations

import json
from pathlib import Path

import regex

from .byte_level import from_byte_chars, split_words, to_byte_chars, isolates_numerics


class BpeTokenizer:
    def __init__(self, spec: dict[str, object]) -> None:
        model = spec["model"]
        assert isinstance(model, dict) and model.get("type") == "BPE"
        self.vocab: dict[str, int] = dict(model["vocab"])
        # tokenizer.json writes a merge as a pair or (older files, SmolLM2's among them) as one "left right" string.
        pairs = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks: dict[tuple[str, str], int] = {(a, b): i for i, (a, b) in enumerate(pairs)}
        self.isolate_numerics = isolates_numerics(spec.get("pre_tokenizer"))
        added = spec.get("added_tokens") or []
        assert isinstance(added, list)
        self.special: dict[str, int] = {t["content"]: t["id"] for t in added}
        self.id_to_token: dict[int, str] = {i: t for t, i in self.vocab.items()}
        self.id_to_token.update({i: t for t, i in self.special.items()})
        # Longest first, like the library's dictionary splitter, so that overlapping specials split the same way.
        alternatives = sorted(self.special, key=len, reverse=True)
        self._special_split = regex.compile("(" + "|".join(regex.escape(t) for t in alternatives) + ")") if alternatives else None
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def load(cls, path: Path) -> "BpeTokenizer":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @property
    def vocab_size(self) -> int:
        return max(self.id_to_token) + 1

    def token_id(self, token: str) -> int:
        return self.special[token] if token in self.special else self.vocab[token]

    def _bpe(self, chars: str) -> list[int]:
        cached = self._cache.get(chars)
        if cached is not None:
            return cached
        parts = list(chars)
        ranks = self.ranks
        while len(parts) > 1:
            best_rank = None
            best_pair: tuple[str, str] | None = None
            for pair in zip(parts, parts[1:]):
                rank = ranks.get(pair)
                if rank is not None and (best_rank is None or rank < best_rank):
                    best_rank, best_pair = rank, pair
            if best_pair is None:
                break
            first, second = best_pair
            merged: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        # A symbol outside the vocabulary (SmolLM2's lacks 21 byte values, e.g. 0x1d) is dropped, as the Hugging Face
        # library and llama.cpp drop it when the model has no unknown token.
        ids = [self.vocab[p] for p in parts if p in self.vocab]
        if len(self._cache) < 500_000:
            self._cache[chars] = ids
        return ids

    def _encode_plain(self, text: str) -> list[int]:
        ids: list[int] = []
        for word in split_words(text, self.isolate_numerics):
            ids.extend(self._bpe(to_byte_chars(word)))
        return ids

    def encode(self, text: str) -> list[int]:
        """Ids of `text`; special-token strings inside it become their special ids (as in the JS library)."""
        if self._special_split is None:
            return self._encode_plain(text)
        ids: list[int] = []
        for i, section in enumerate(self._special_split.split(text)):
            if i % 2 == 1:
                ids.append(self.special[section])
            elif section:
                ids.extend(self._encode_plain(section))
        return ids

    def decode(self, ids: list[int], skip_special: bool = False) -> str:
        out = bytearray()
        for i in ids:
            token = self.id_to_token[i]
            if token in self.special:
                if not skip_special:
                    out.extend(token.encode("utf-8"))
            else:
                out.extend(from_byte_chars(token))
        return out.decode("utf-8", errors="replace")
