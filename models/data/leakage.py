"""Check the pretraining corpus against the benchmark: count corpus files whose exact text is a test file of any
benchmark repository, or a production file of a cross-repo val/test repository (the leakage rules forbid both).
Exact-content matching after the corpus's own deduplication; written into STATS.md by the build."""

from __future__ import annotations

import hashlib
import json

from .paths import BENCH_DIR, CORPUS_DIR
from .source_tree import python_files
from .file_roles import is_test_file


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def leakage_counts() -> dict[str, int]:
    test_texts: set[bytes] = set()
    held_production: set[bytes] = set()
    with (BENCH_DIR / "repos.jsonl").open() as f:
        repos = [json.loads(line) for line in f]
    for r in repos:
        for path, text in python_files(BENCH_DIR.parent / r["tarball"]):
            if is_test_file(path):
                test_texts.add(_digest(text))
            elif r["split"] != "train" and text.strip():
                held_production.add(_digest(text))
    counts = {"corpus_files": 0, "benchmark_test_files_in_corpus": 0, "cr_production_files_in_corpus": 0}
    for shard in sorted(CORPUS_DIR.glob("corpus-*.jsonl")):
        with shard.open(encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                d = _digest(rec["text"])
                counts["corpus_files"] += 1
                counts["benchmark_test_files_in_corpus"] += d in test_texts
                counts["cr_production_files_in_corpus"] += d in held_production
    return counts


def write_leakage() -> dict[str, int]:
    counts = leakage_counts()
    (BENCH_DIR / "leakage.json").write_text(json.dumps(counts, indent=1))
    return counts


if __name__ == "__main__":
    print(json.dumps(write_leakage(), indent=1))
