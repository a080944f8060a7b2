"""Text sources for tokenizer and LM training: the corpus JSONL shards, or a folder of .py files (for local runs)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def iter_jsonl_texts(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(package, path, text) of every record in the folder's *.jsonl shards, in shard order."""
    for shard in sorted(folder.glob("*.jsonl")):
        with shard.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    record = json.loads(line)
                    yield str(record.get("package", "")), str(record["path"]), str(record["text"])


def iter_py_files(folder: Path) -> Iterator[tuple[str, str, str]]:
    for path in sorted(folder.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        yield folder.name, str(path.relative_to(folder)), text


def iter_texts(source: Path) -> Iterator[tuple[str, str, str]]:
    return iter_jsonl_texts(source) if any(source.glob("*.jsonl")) else iter_py_files(source)
