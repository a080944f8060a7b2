"""Tokenise the pretraining corpus into flat uint16 token streams (documents joined by <|endoftext|>).

`python3 -m models.lm.tokenize_corpus [--corpus DIR] [--out DIR]` writes train.u16, val.u16 and tokens.json.
The validation stream is the production code of the benchmark's cross-repo validation repositories (cr_val; the
corpus never contains them), read through models.data.bench. Without a benchmark it falls back to a held-out slice
of the corpus: every document of the packages whose seeded hash falls in the first `--val-percent` percent.
Only a seeded `--sample-percent` of the corpus documents is tokenised: a CPU run sees far fewer tokens than the
corpus holds, and a random document sample keeps every package represented.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from models.tokenizer.bpe_encode import BpeTokenizer
from models.tokenizer.corpus_text import iter_texts
from models.tokenizer.special_tokens import END_OF_TEXT

from .paths import CORPUS_DIR, TOKENIZER_JSON, TOKENS_DIR
from models.hashing import sha256_of as sha256_file

VAL_SEED = "code2lora-lm-val-v1"


def is_val_package(package: str, val_percent: float) -> bool:
    digest = hashlib.sha256(f"{VAL_SEED}:{package}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100 < val_percent


def in_sample(key: str, percent: float) -> bool:
    digest = hashlib.sha256(f"{VAL_SEED}:sample:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100 < percent


def cr_val_documents() -> list[tuple[str, str]] | None:
    """(repo, text) of every production file of the cr_val repositories, or None without a benchmark."""
    from models.data import bench

    if not (bench.BENCH_DIR / "repos.jsonl").exists():
        return None
    docs: list[tuple[str, str]] = []
    for repo in bench.repositories(split="cr_val"):
        docs.extend((repo.name, text) for _, text in bench.production_files(repo))
    return docs


class TokenWriter:
    def __init__(self, path: Path) -> None:
        self.file = path.open("wb")
        self.tokens = 0
        self.documents = 0
        self.packages: set[str] = set()

    def add(self, package: str, ids: list[int]) -> None:
        self.file.write(np.asarray(ids, dtype=np.uint16).tobytes())
        self.tokens += len(ids)
        self.documents += 1
        self.packages.add(package)

    def close(self) -> dict[str, int]:
        self.file.close()
        return {"tokens": self.tokens, "documents": self.documents, "packages": len(self.packages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--tokenizer", type=Path, default=TOKENIZER_JSON)
    parser.add_argument("--out", type=Path, default=TOKENS_DIR)
    parser.add_argument("--val-percent", type=float, default=2.0)
    parser.add_argument("--sample-percent", type=float, default=100.0, help="tokenise this share of the documents")
    parser.add_argument("--max-doc-chars", type=int, default=200_000, help="skip larger documents (generated data)")
    args = parser.parse_args()

    tokenizer = BpeTokenizer.load(args.tokenizer)
    assert tokenizer.vocab_size <= 65536
    eot = tokenizer.token_id(END_OF_TEXT)
    args.out.mkdir(parents=True, exist_ok=True)
    writers = {"train": TokenWriter(args.out / "train.u16"), "val": TokenWriter(args.out / "val.u16")}
    start = time.time()
    chars = 0
    skipped = 0
    cr_val = cr_val_documents()
    if cr_val is not None:
        for repo, text in cr_val:
            if text.strip() and len(text) <= args.max_doc_chars:
                writers["val"].add(repo, tokenizer.encode(text) + [eot])
    for package, path, text in iter_texts(args.corpus):
        if len(text) > args.max_doc_chars or not text.strip() or not in_sample(f"{package}/{path}", args.sample_percent):
            skipped += 1
            continue
        split = "val" if cr_val is None and is_val_package(package, args.val_percent) else "train"
        writers[split].add(package, tokenizer.encode(text) + [eot])
        chars += len(text)
    stats = {name: w.close() for name, w in writers.items()}
    manifest_path = args.corpus / "corpus_manifest.json"
    summary = {
        "corpus": str(args.corpus.name),
        "corpus_manifest_sha256": sha256_file(manifest_path) if manifest_path.exists() else None,
        "tokenizer_sha256": sha256_file(args.tokenizer),
        "val_rule": "production files of the benchmark's cr_val repositories" if cr_val is not None
        else f"corpus packages with sha256('{VAL_SEED}:' + package) in the first {args.val_percent}%",
        "sample_percent": args.sample_percent,
        "chars": chars,
        "skipped_documents": skipped,
        "chars_per_token": chars / max(1, stats["train"]["tokens"] + stats["val"]["tokens"]),
        "splits": stats,
        "seconds": round(time.time() - start, 1),
    }
    (args.out / "tokens.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
