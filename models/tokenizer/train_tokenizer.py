"""Train the byte-level BPE tokenizer: `python3 -m models.tokenizer.train_tokenizer --source DIR --out FILE`.

Reads every k-th document of the source (so the sample spans all packages) up to --max-mb of text.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import Counter
from pathlib import Path

from .bpe_train import count_words, train_bpe
from .corpus_text import iter_texts
from .hf_format import write_tokenizer_json
from .special_tokens import SPECIAL_TOKENS


def sample_texts(source: Path, max_bytes: int, every: int) -> list[str]:
    texts: list[str] = []
    total = 0
    for index, (_, _, text) in enumerate(iter_texts(source)):
        if index % every:
            continue
        texts.append(text)
        total += len(text.encode("utf-8"))
        if total >= max_bytes:
            break
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True, help="corpus folder of *.jsonl shards, or of .py files")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--max-mb", type=float, default=40.0)
    parser.add_argument("--every", type=int, default=1, help="use every k-th document")
    args = parser.parse_args()

    start = time.time()
    texts = sample_texts(args.source, int(args.max_mb * 1e6), args.every)
    counts: Counter[str] = count_words(texts)
    print(f"{len(texts)} documents, {sum(len(t) for t in texts) / 1e6:.1f}M chars, {len(counts)} distinct words, "
          f"{time.time() - start:.0f}s")
    num_merges = args.vocab_size - 256 - len(SPECIAL_TOKENS)
    result = train_bpe(counts, num_merges)
    write_tokenizer_json(result, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]
    print(f"{len(result.merges)} merges -> {args.out} (sha256 {digest}...), {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
