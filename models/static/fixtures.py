"""Test fixtures: a tiny benchmark (tarballs + task JSONL), a tiny tokenizer and a tiny random LM, on disk."""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import torch

from models.lm.config import LMConfig
from models.lm.model import CodeLM
from models.tokenizer.bpe_train import count_words, train_bpe
from models.tokenizer.hf_format import tokenizer_json

from .frozen_lm import save_lm_checkpoint

LIBRARY = '''"""A tiny {name} library."""


def add(a, b):
    return a + b


def scale(values, factor):
    return [v * factor for v in values]


class Counter:
    def __init__(self):
        self.count = 0

    def bump(self, by=1):
        self.count += by
        return self.count
'''

TEST_PREFIX = '''import pytest
from {name} import add, scale, Counter


def test_{i}():
    counter = Counter()
    assert counter.bump({i}) == '''


@dataclass(frozen=True)
class TinyWorld:
    bench_dir: Path
    tokenizer: Path
    lm_checkpoint: Path
    repos: dict[str, str]          # repo name -> split (train | cr_val | cr_test)


def _tarball(path: Path, files: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def make_world(root: Path, tasks_per_repo: int = 12) -> TinyWorld:
    """Four repositories (two train, one cr_val, one cr_test); train repositories' tasks split train/ir_val/ir_test."""
    repos = {"alpha": "train", "beta": "train", "gamma": "cr_val", "delta": "cr_test"}
    bench_dir = root / "bench"
    bench_dir.mkdir(parents=True)
    repo_lines, task_lines, texts = [], [], []
    for r, (name, split) in enumerate(repos.items()):
        tarball = root / "sources" / f"{name}_1.0.orig.tar.gz"
        files = {f"{name}-1.0/src/{name}/__init__.py": "from .core import add\n",
                 f"{name}-1.0/src/{name}/core.py": LIBRARY.format(name=name) * (r + 1),
                 f"{name}-1.0/setup.py": "from setuptools import setup\nsetup()\n",
                 f"{name}-1.0/tests/test_core.py": "def test(): pass\n"}
        _tarball(tarball, files)
        texts.extend(files.values())
        repo_lines.append({"repo": name, "version": "1.0-1", "split": split,
                           "tarball": str(tarball.relative_to(root)), "production_files": 3,
                           "production_lines": 40, "tasks": tasks_per_repo})
        for i in range(tasks_per_repo):
            in_repo = "ir_test" if i % 4 == 3 else "ir_val" if i % 8 == 1 else "train"
            task_split = split if split != "train" else in_repo
            prefix = TEST_PREFIX.format(name=name, i=i)
            texts.append(prefix)
            task_lines.append({"id": f"{name}@1.0-1:tests/test_core.py:{i}:0", "repo": name, "commit": "1.0-1",
                               "path": "tests/test_core.py", "line": 10 + i,
                               "kind": "assert", "prefix": prefix, "target": str(i), "split": task_split})
    (bench_dir / "repos.jsonl").write_text("".join(json.dumps(x) + "\n" for x in repo_lines))
    (bench_dir / "static.jsonl").write_text("".join(json.dumps(x) + "\n" for x in task_lines))
    tokenizer = root / "tokenizer.json"
    result = train_bpe(count_words(texts), num_merges=120)
    tokenizer.write_text(json.dumps(tokenizer_json(result)))
    vocab = 2 + 256 + len(result.merges)
    torch.manual_seed(0)
    lm = CodeLM(LMConfig(vocab_size=vocab, d_model=32, n_layers=1, n_heads=2, d_ff=64, max_seq_len=256))
    checkpoint = root / "lm.pt"
    save_lm_checkpoint(lm, checkpoint)
    return TinyWorld(bench_dir, tokenizer, checkpoint, repos)
