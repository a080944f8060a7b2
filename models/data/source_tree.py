"""Read the Python files of a downloaded source package straight from its upstream tarball(s).

Paths are made relative to the repository root by dropping the tarball's single top-level folder. The upstream
tarball is what upstream released, before Debian's patches: that is the repository snapshot we use.
"""

from __future__ import annotations

import json
import tarfile

from .debversion import compare, sort_key
from dataclasses import dataclass
from pathlib import Path

from .paths import SOURCES_CACHE

MAX_FILE_BYTES = 512_000  # larger .py files are generated tables or vendored bundles, not code people write


@dataclass(frozen=True)
class SourceDownload:
    package: str
    version: str
    suites: tuple[str, ...]
    tarball: Path
    pytest: bool


def downloaded_sources(cache: Path = SOURCES_CACHE) -> list[SourceDownload]:
    found = []
    for status_path in sorted(cache.glob("*/*/status.json")):
        status = json.loads(status_path.read_text())
        if not status.get("usable"):
            continue
        tarball = status_path.parent / str(status["tarball"])
        if tarball.exists():
            found.append(SourceDownload(str(status["package"]), str(status["version"]),
                                        tuple(status["suites"]), tarball, bool(status["pytest"])))
    return found


def _common_top(names: list[str]) -> str:
    """The single top-level folder every member sits in ('' when there is none)."""
    stripped = [n.lstrip("./").rstrip("/") for n in names]
    tops = {n.split("/", 1)[0] for n in stripped if n}
    if len(tops) != 1:
        return ""
    top = tops.pop()
    # A lone file at the root (no folder) means there is no common folder to drop.
    if any(n == top for n in stripped) and not any(n.startswith(top + "/") for n in stripped):
        return ""
    return top + "/"


def python_files(tarball: Path) -> list[tuple[str, str]]:
    """(path, text) of every UTF-8 .py file of the tarball, in archive order, paths relative to the root."""
    files: list[tuple[str, str]] = []
    names: list[str] = []
    try:
        with tarfile.open(tarball, mode="r:*") as tar:
            for member in tar:
                names.append(member.name)
                if not member.isfile() or not member.name.endswith(".py") or member.size > MAX_FILE_BYTES:
                    continue
                f = tar.extractfile(member)
                if f is None:
                    continue
                try:
                    text = f.read().decode("utf-8")
                except UnicodeDecodeError:
                    continue
                files.append((member.name, text))
    except (tarfile.TarError, EOFError, OSError, ValueError):
        return []
    top = _common_top(names)
    return [(name.lstrip("./")[len(top):], text) for name, text in files]


def newest_versions(downloads: list[SourceDownload]) -> list[SourceDownload]:
    """One download per package: the one with the highest Debian version (the static track's snapshot)."""
    best: dict[str, SourceDownload] = {}
    for d in downloads:
        cur = best.get(d.package)
        if cur is None or compare(d.version, cur.version) > 0:
            best[d.package] = d
    return [best[k] for k in sorted(best)]


def versions_in_order(downloads: list[SourceDownload]) -> dict[str, list[SourceDownload]]:
    """Every package's downloads sorted from oldest to newest Debian version."""
    chains: dict[str, list[SourceDownload]] = {}
    for d in downloads:
        chains.setdefault(d.package, []).append(d)
    return {k: sorted(v, key=lambda d: sort_key(d.version)) for k, v in sorted(chains.items())}
