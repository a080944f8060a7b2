"""Where a listed repository's clone is: a folder of clones given with --clones (`owner+name/repo`, bare or with
its `.git` inside, or `owner+name.git`), else a full bare clone made from GitHub into models/.cache/histories/clones/."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

from .gitread import has_commit
from .paths import CLONES_DIR


def folder_name(name: str) -> str:
    return name.replace("/", "+")


def find_clone(name: str, clones: Optional[Path]) -> Optional[Path]:
    for root in [r for r in (clones, CLONES_DIR) if r is not None]:
        for candidate in (root / folder_name(name) / "repo", root / folder_name(name) / "repo" / ".git",
                          root / f"{folder_name(name)}.git"):
            if (candidate / "HEAD").exists():
                return candidate
    return None


def clone_from_github(name: str) -> Path:
    target = CLONES_DIR / f"{folder_name(name)}.git"
    CLONES_DIR.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    subprocess.run(["rm", "-rf", str(partial)], check=True)
    subprocess.run(["git", "clone", "--bare", "--quiet", f"https://github.com/{name}.git", str(partial)],
                   check=True, capture_output=True, timeout=1800)
    partial.rename(target)
    return target


def clone_for(name: str, commit: str, clones: Optional[Path], fetch: bool) -> tuple[Optional[Path], str]:
    """The clone holding `commit`, or None and why not."""
    repo = find_clone(name, clones)
    if repo is None and fetch:
        try:
            repo = clone_from_github(name)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            return None, f"clone failed ({type(e).__name__})"
    if repo is None:
        return None, "no clone (give --clones, or --fetch where GitHub is reachable)"
    if not has_commit(repo, commit):
        return None, f"the clone lacks the pinned commit {commit[:12]}"
    return repo, ""
