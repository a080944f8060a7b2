"""Reading a bare clone with the git command line: first-parent history, changed .py files, blob texts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# A commit git cannot read in a reasonable time is a broken clone, not a slow one.
TIMEOUT_S = 300


def git(repo: Path, *args: str, data: Optional[bytes] = None) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], input=data, capture_output=True, check=True,
                          timeout=TIMEOUT_S).stdout


@dataclass(frozen=True)
class Commit:
    oid: str
    parent: Optional[str]   # the first parent; None for a root commit
    timestamp: int


@dataclass(frozen=True)
class PyChange:
    path: str
    old_oid: Optional[str]  # None: the file is added
    new_oid: Optional[str]  # None: the file is deleted


def has_commit(repo: Path, oid: str) -> bool:
    try:
        return git(repo, "cat-file", "-t", oid).strip() == b"commit"
    except subprocess.CalledProcessError:
        return False


def first_parent_count(repo: Path, commit: str) -> int:
    return int(git(repo, "rev-list", "--first-parent", "--count", commit))


def first_parent_history(repo: Path, commit: str, limit: int) -> list[Commit]:
    """The newest `limit` first-parent commits ending at `commit`, oldest first."""
    out = git(repo, "log", "--first-parent", f"--max-count={limit}", "--format=%H %P|%ct", commit).decode()
    commits = []
    for line in out.splitlines():
        ids, stamp = line.split("|")
        oid, *parents = ids.split()
        commits.append(Commit(oid, parents[0] if parents else None, int(stamp)))
    return commits[::-1]


_EMPTY = "0" * 40


def py_changes(repo: Path, parent: Optional[str], commit: str) -> list[PyChange]:
    """The .py files a commit changes against its first parent (renames as delete + add), sorted by path."""
    args = ["diff-tree", "-r", "--no-commit-id", "--no-renames", "-z"]
    args += [parent, commit] if parent else ["--root", commit]
    fields = git(repo, *args).decode("utf-8", "surrogateescape").split("\0")
    changes = []
    for meta, path in zip(fields[0::2], fields[1::2]):
        if not meta.startswith(":") or not path.endswith(".py"):
            continue
        old_mode, new_mode, old_oid, new_oid, _status = meta[1:].split()
        if "120000" in (old_mode, new_mode) or "160000" in (old_mode, new_mode):
            continue  # symbolic links and submodules carry no Python text
        changes.append(PyChange(path, None if old_oid == _EMPTY else old_oid, None if new_oid == _EMPTY else new_oid))
    return sorted(changes, key=lambda c: c.path)


def py_files_at(repo: Path, commit: str) -> dict[str, str]:
    """path -> blob id of every .py file (no links, no submodules) in a commit's tree."""
    out = git(repo, "ls-tree", "-r", "-z", commit).decode("utf-8", "surrogateescape")
    files = {}
    for entry in out.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, oid = meta.split()
        if kind == "blob" and mode in ("100644", "100755") and path.endswith(".py"):
            files[path] = oid
    return files


# Files larger than this are generated or vendored, not written by the project (the benchmark's rule).
MAX_FILE_BYTES = 512_000


def read_blobs(repo: Path, oids: list[str]) -> dict[str, Optional[str]]:
    """Blob id -> UTF-8 text (None for binary, undecodable or oversized content), in one `git cat-file --batch`."""
    unique = sorted(set(oids))
    if not unique:
        return {}
    out = git(repo, "cat-file", "--batch", data=("\n".join(unique) + "\n").encode())
    texts: dict[str, Optional[str]] = {}
    pos = 0
    for oid in unique:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3:  # "<oid> missing"
            texts[oid] = None
            continue
        size = int(header[2])
        body = out[pos:pos + size]
        pos += size + 1
        try:
            texts[oid] = None if size > MAX_FILE_BYTES or b"\0" in body else body.decode("utf-8")
        except UnicodeDecodeError:
            texts[oid] = None
    return texts
