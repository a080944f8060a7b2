"""The Python side of the tokenizer contract: the committed golden ids, and the trainer on a tiny corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from models.tokenizer.bpe_encode import BpeTokenizer
from models.tokenizer.bpe_train import count_words, train_bpe
from models.tokenizer.byte_level import split_words
from models.tokenizer.golden import read_golden
from models.tokenizer.hf_format import tokenizer_json

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "public" / "models" / "tokenizer.json"


def test_committed_tokenizer_gives_golden_ids() -> None:
    tokenizer = BpeTokenizer.load(COMMITTED)
    docs = read_golden()
    assert sum(len(d["text"].encode()) for d in docs) >= 1_000_000
    wrong = [d["name"] for d in docs if tokenizer.encode(d["text"]) != d["ids"]]
    assert wrong == []


def test_roundtrip_and_specials() -> None:
    tokenizer = BpeTokenizer.load(COMMITTED)
    text = "def f(x):\n\treturn x ** 2  # λ 😀\u00a0\r\n<|endoftext|>"
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text
    assert ids[-1] == tokenizer.token_id("<|endoftext|>")
    assert tokenizer.decode(ids, skip_special=True) == text.removesuffix("<|endoftext|>")


def test_pretokenizer_uses_javascript_whitespace() -> None:
    # U+0085 is whitespace to Python's \s but not to JavaScript's; U+FEFF the other way round.
    assert split_words("a\x85b") == ["a", "\x85", "b"]
    assert split_words("a\ufeff\ufeffb") == ["a", "\ufeff", "\ufeff", "b"]
    assert split_words("x  = 1") == ["x", " ", " =", " 1"]


def test_trainer_learns_frequent_pairs_first() -> None:
    counts: Counter[str] = count_words(["self.assertEqual(self.x, 1)\n" * 50, "return self\n" * 20])
    result = train_bpe(counts, num_merges=30)
    assert result.merges[0] in {("s", "e"), ("e", "l"), ("l", "f")}
    spec = tokenizer_json(result)
    tokenizer = BpeTokenizer(spec)
    ids = tokenizer.encode("self.assertEqual")
    assert len(ids) < len("self.assertEqual")
    assert tokenizer.decode(ids) == "self.assertEqual"
    assert len(spec["model"]["vocab"]) == 2 + 256 + len(result.merges)
