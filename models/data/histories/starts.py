"""The production files a sequence starts from, for every provenance: a real history's (provenance `commits`) are
read from its clone at the history's first commit, since nothing of those repositories is kept in the benchmark;
the benchmark's own sequences read their starting tarball (models.data.bench.start_files)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .. import bench
from ..bench import SequenceInfo
from .clones import find_clone
from .snapshot_tasks import snapshot_files


class MissingClone(FileNotFoundError):
    pass


def start_files(seq: SequenceInfo, clones: Optional[Path]) -> list[tuple[str, str]]:
    if seq.provenance != "commits":
        return bench.start_files(seq)
    repo = find_clone(seq.repo, clones)
    if repo is None:
        raise MissingClone(f"no clone of {seq.repo} for its history's first commit: give --clones (a folder of the "
                           "histories' clones, models.data.histories)")
    production, _ = snapshot_files(repo, seq.start_version)
    return sorted(production.items())
