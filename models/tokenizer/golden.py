"""The tokenizer parity golden set: >= 1 MB of varied Python with the ids our Python encoder gives.

`python3 -m models.tokenizer.golden --stdlib DIR --tokenizer public/models/tokenizer.json` rebuilds it from a
Python standard library folder plus synthetic variants that stress the pre-tokenizer (unicode identifiers and
strings, astral characters, tabs, CRLF, very long lines, every whitespace character on which JavaScript and Python
disagree). The TypeScript test (src/core/tokenizer/parity.test.ts) encodes the same texts with
`@huggingface/tokenizers` and must get the same ids; test_tokenizer.py checks the Python side.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path
from typing import TypedDict

from .bpe_encode import BpeTokenizer

GOLDEN_PATH = Path(__file__).resolve().parent / "golden" / "golden.json.gz"
MIN_BYTES = 1_000_000


class GoldenDoc(TypedDict):
    name: str
    text: str
    ids: list[int]


# Characters that split differently under \s, \p{L}, \p{N} in naive ports, and text from many scripts.
ODD_SPACES = ["\u00a0", "\u1680", "\u2003", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\x0b", "\x0c",
              "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\r", "\t"]
SCRIPTS = ["λx", "ñandú", "Straße", "привет_мир", "日本語の文字列", "한국어", "مرحبا", "שלום", "ελληνικά", "देवनागरी",
           "e\u0301cole", "😀🎉", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "١٢٣٤", "１２３", "Ⅻ", "½", "²³", "ǅ", "ﬁ", "\u200d", "\u200b", "🇩🇪", "👩‍💻"]


def _variants(rng: random.Random, name: str, text: str) -> list[tuple[str, str]]:
    lines = text.split("\n")
    out = [(f"{name}#tabs", "\n".join(line.replace("    ", "\t") for line in lines[:300]))]
    out.append((f"{name}#crlf", "\r\n".join(lines[:200])))
    out.append((f"{name}#longline", " ".join(line.strip() for line in lines[:400])))
    spaced = []
    for line in lines[:200]:
        spaced.append(line.replace(" ", rng.choice(ODD_SPACES), 1) + rng.choice(["", " ", "\t", "  \t ", "\x0c"]))
    out.append((f"{name}#oddspace", "\n".join(spaced)))
    unicode_lines = []
    for line in lines[:200]:
        word = rng.choice(SCRIPTS)
        unicode_lines.append(line.replace("self", f"self_{word}", 1) + f"  # {rng.choice(SCRIPTS)} {rng.choice(SCRIPTS)}")
    out.append((f"{name}#unicode", "\n".join(unicode_lines)))
    return out


def _special_cases() -> list[tuple[str, str]]:
    return [
        ("empty-ish", " "),
        ("only-newlines", "\n\n\n\r\n\r\n"),
        ("contractions", "x = \"it's they're we've I'm you'll he'd 'S 'T\"\nassert f('s') == 'll'\n"),
        ("specials", "a = 1<|endoftext|>b = 2<|pad|><|pad|>\n<|endoftext|>"),
        ("numbers", "n = 1234567890123456789 + 0x1F_FF + 1e-10 + 3.14j + 1_000_000\n"),
        ("operators", "a //= b ** -c; d @= e; f := g; h >>= 1; i != j <= k >= l; m -> None ... :::\n"),
        ("deep-indent", "\n".join(" " * (4 * i) + f"if x{i}:" for i in range(40)) + "\n" + " " * 160 + "pass\n"),
        ("mixed-trailing", "x = 1   \n\t\ty = 2\t \n   \n\t\n"),
        ("scripts", " ".join(SCRIPTS) + "\n" + "".join(SCRIPTS) + "\n"),
    ]


def build_docs(stdlib: Path, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts and "dist-packages" not in p.parts)
    rng.shuffle(files)
    docs = _special_cases()
    total = sum(len(t.encode()) for _, t in docs)
    for path in files:
        if total >= MIN_BYTES * 1.1:
            break
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if not 2_000 <= len(text) <= 60_000:
            continue
        name = str(path.relative_to(stdlib))
        for doc_name, doc_text in [(name, text), *_variants(rng, name, text)]:
            docs.append((doc_name, doc_text))
            total += len(doc_text.encode())
    return docs


def write_golden(docs: list[tuple[str, str]], tokenizer: BpeTokenizer, path: Path = GOLDEN_PATH) -> int:
    golden: list[GoldenDoc] = [{"name": n, "text": t, "ids": tokenizer.encode(t)} for n, t in docs]
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"docs": golden}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    return sum(len(d["text"].encode()) for d in golden)


def read_golden(path: Path = GOLDEN_PATH) -> list[GoldenDoc]:
    docs: list[GoldenDoc] = json.loads(gzip.decompress(path.read_bytes()))["docs"]
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stdlib", type=Path, help="Python standard library folder (not needed with --from-golden)")
    parser.add_argument("--tokenizer", type=Path, required=True)
    parser.add_argument("--from-golden", action="store_true", help="re-encode the committed texts (new tokenizer)")
    parser.add_argument("--out", type=Path, default=GOLDEN_PATH,
                        help="where to write (the pretrained base's golden set lives in models/base/reference/)")
    args = parser.parse_args()
    tokenizer = BpeTokenizer.load(args.tokenizer)
    docs = [(d["name"], d["text"]) for d in read_golden()] if args.from_golden else build_docs(args.stdlib)
    size = write_golden(docs, tokenizer, args.out)
    print(f"{len(docs)} documents, {size / 1e6:.2f} MB of text -> {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
