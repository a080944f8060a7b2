"""Token ids of tasks and production files, memoised on disk per tokenizer (the Python BPE is slow to repeat)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from models.data.bench import Repository, TaskRecord, production_files
from models.lm.paths import TOKENIZER_JSON
from models.tokenizer.bpe_encode import BpeTokenizer
from models.tokenizer.special_tokens import END_OF_TEXT, PAD

from .paths import FILES_CACHE_DIR, TOKENS_CACHE_DIR
from models.atomic_write import write_atomic
from models.hashing import sha256_of as file_sha256

# The target is followed by a newline in training, so the model learns where an assertion's value ends (decoding
# stops at the first newline).
TARGET_END = "\n"
# Version of the cached task tokenisation (bump when split_prompt changes).
TASKS_FORMAT = "v2"


def split_prompt(prefix: str, target: str) -> tuple[str, str]:
    """(prompt text, continuation text). Trailing spaces of the prefix move to the continuation: byte-level BPE
    glues a space to the next word (` expected` is one token), so a prompt ending in a space asks the LM for a
    token sequence it never saw in training. The metric ignores the leading space of a prediction."""
    prompt = prefix.rstrip(" ")
    return prompt, prefix[len(prompt):] + target + TARGET_END


def leading_ids(encode: Callable[[str], list[int]], text: str, count: int) -> list[int]:
    """The first `count` token ids of `text`, tokenising only as much of it as needed (big repositories would
    otherwise cost minutes of pure-Python tokenising for code the token cap drops anyway)."""
    chars = max(256, count * 6)
    while True:
        ids = encode(text[:chars])
        # A cut inside a word changes only the tokens of that last word: keep a margin before the cut.
        if chars >= len(text) or len(ids) > count + 16:
            return ids[:count]
        chars *= 2


class TokenCache:
    def __init__(self, tokenizer_path: Path = TOKENIZER_JSON, cache_dir: Path = TOKENS_CACHE_DIR) -> None:
        self.tokenizer = BpeTokenizer.load(tokenizer_path)
        self.tokenizer_id = file_sha256(tokenizer_path)[:16]
        self.dir = cache_dir / self.tokenizer_id
        self.eot = self.tokenizer.token_id(END_OF_TEXT)
        # A pretrained base's vocabulary may have no padding token; padded positions are never attended to
        # (right padding, causal attention) nor scored, so the end-of-text id serves.
        self.pad = self.tokenizer.token_id(PAD) if PAD in self.tokenizer.special else self.eot
        self._tasks: dict[str, dict[str, list[list[int]]]] = {}
        self._dirty: set[str] = set()

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special=True)

    def _tasks_path(self, repo: str) -> Path:
        # A GitHub repository's name (the histories track) holds a slash: one file per repository all the same.
        return self.dir / f"tasks-{TASKS_FORMAT}" / f"{repo.replace('/', '+')}.json"

    def _repo_tasks(self, repo: str) -> dict[str, list[list[int]]]:
        if repo not in self._tasks:
            path = self._tasks_path(repo)
            self._tasks[repo] = json.loads(path.read_text()) if path.exists() else {}
        return self._tasks[repo]

    def task(self, task: TaskRecord) -> tuple[list[int], list[int]]:
        """(prompt ids, continuation ids) of a task: split_prompt's two texts, tokenised."""
        repo, task_id = str(task["repo"]), str(task["id"])
        memo = self._repo_tasks(repo)
        if task_id not in memo:
            prompt, continuation = split_prompt(str(task["prefix"]), str(task["target"]))
            memo[task_id] = [self.encode(prompt), self.encode(continuation)]
            self._dirty.add(repo)
        prefix, target = memo[task_id]
        return prefix, target

    def flush(self) -> None:
        (self.dir / f"tasks-{TASKS_FORMAT}").mkdir(parents=True, exist_ok=True)
        for repo in sorted(self._dirty):
            text = json.dumps(self._tasks[repo])
            write_atomic(self._tasks_path(repo), lambda f: f.write(text.encode()))
        self._dirty.clear()

    def leading(self, text: str, count: int) -> list[int]:
        return leading_ids(self.encode, text, count)


def repository_files(repo: Repository, cache_dir: Path = FILES_CACHE_DIR) -> list[tuple[str, str]]:
    """(path, text) of the repository's production files, sorted by path; cached as JSON per tarball, because
    decompressing a big .tar.xz takes many seconds and every command needs the files again."""
    stat = repo.tarball.stat()
    path = cache_dir / f"{repo.tarball.name}.{stat.st_size}.json"
    if path.exists():
        return [(p, t) for p, t in json.loads(path.read_text())]
    files = production_files(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda f: f.write(json.dumps(files).encode()))
    return files


def main() -> None:
    """Fill the production-file cache of every benchmark repository (`python3 -m models.static.tokens`)."""
    import sys
    import time

    from models.data.bench import repositories

    start = time.time()
    repos = repositories()
    for i, repo in enumerate(repos):
        repository_files(repo)
        if (i + 1) % 20 == 0:
            print(f"{i + 1}/{len(repos)} repositories ({time.time() - start:.0f}s)", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
