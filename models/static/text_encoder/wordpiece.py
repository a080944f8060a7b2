"""BERT's uncased WordPiece tokenizer (BertNormalizer, BertPreTokenizer, WordPiece with `##` continuations), as the
Hugging Face `tokenizers` library runs the model's tokenizer.json; checked against that library's JavaScript build on
models/static/text_encoder/golden.json."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..tokens import leading_ids

MAX_CHARS_PER_WORD = 100


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_chinese(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text: str) -> str:
    """clean_text, handle_chinese_chars, accents stripped (strip_accents unset follows lowercase), lowercase."""
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_chinese(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", "".join(out)) if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def pre_tokenize(text: str) -> list[str]:
    """Split on whitespace, and every punctuation character on its own."""
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


class WordPiece:
    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.unk = vocab["[UNK]"]
        self.cls, self.sep, self.pad = vocab["[CLS]"], vocab["[SEP]"], vocab["[PAD]"]

    @classmethod
    def load(cls, vocab_txt: Path) -> "WordPiece":
        lines = vocab_txt.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls({token: i for i, token in enumerate(lines)})

    def word(self, word: str) -> list[int]:
        """Greedy longest match first; a word with no full cover is one [UNK]."""
        if len(word) > MAX_CHARS_PER_WORD:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str) -> list[int]:
        """Ids without [CLS] and [SEP] (the encoder adds them around each chunk)."""
        return [i for w in pre_tokenize(normalize(text)) for i in self.word(w)]


class WordPieceTokens:
    """What the repository encoder asks of a tokenizer: the leading ids of a file, and the padding id."""

    def __init__(self, tokenizer: WordPiece) -> None:
        self.tokenizer = tokenizer
        self.pad = tokenizer.pad

    def leading(self, text: str, count: int) -> list[int]:
        return leading_ids(self.tokenizer.encode, text, count)
