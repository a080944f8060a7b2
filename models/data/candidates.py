"""Candidate source packages for the benchmark: Python, `Architecture: all`, with a test suite.

A package is a candidate in a suite when its Sources stanza is Architecture: all, it builds with Python 3
(dh-python / python3 build-dependencies), and it has a test suite: it build-depends on one of TEST_RUNNERS or
declares an autopkgtest. Upstream tarballs larger than MAX_TARBALL_BYTES are skipped (they are data, not code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .apt_index import SUITES, SourceFile, checksums, index_files, read_index

TEST_RUNNERS = ("python3-pytest", "python3-nose", "python3-nose2", "python3-stestr", "python3-hypothesis")
PYTHON_MARKERS = ("dh-python", "python3-all", "python3-setuptools", "python3-dev", "python3-all-dev",
                  "pybuild-plugin-pyproject", "python3-poetry-core", "python3-flit-core", "python3-hatchling")
MAX_TARBALL_BYTES = 40_000_000
_DEP_NAME = re.compile(r"[a-z0-9][a-z0-9+.\-]+")


@dataclass(frozen=True)
class Candidate:
    package: str
    version: str
    suite: str
    files: tuple[SourceFile, ...]
    pytest: bool  # build-depends on python3-pytest (the narrower, better-tested set)

    @property
    def upstream_tarballs(self) -> tuple[SourceFile, ...]:
        """The tarballs holding upstream code: orig (and orig-component) tarballs, or a native package's tarball."""
        orig = tuple(f for f in self.files if ".orig" in f.name and ".tar." in f.name and not f.name.endswith(".asc"))
        if orig:
            return orig
        return tuple(f for f in self.files if ".tar." in f.name and ".debian.tar." not in f.name
                     and not f.name.endswith(".asc"))

    @property
    def main_tarball(self) -> SourceFile | None:
        tars = self.upstream_tarballs
        if not tars:
            return None
        plain = [f for f in tars if re.search(r"\.orig\.tar\.", f.name)]
        return (plain or list(tars))[0]


def dependency_names(stanza: dict[str, str]) -> set[str]:
    deps = ", ".join(stanza.get(k, "") for k in ("Build-Depends", "Build-Depends-Indep", "Build-Depends-Arch"))
    names = set()
    for alternative in re.split(r"[,|]", deps):
        m = _DEP_NAME.match(alternative.strip())
        if m:
            names.add(m.group(0).split(":")[0])
    return names


def is_candidate(stanza: dict[str, str]) -> bool:
    if stanza.get("Architecture", "").split() != ["all"]:
        return False
    deps = dependency_names(stanza)
    if not (deps & set(PYTHON_MARKERS) or any(d.startswith("python3") for d in deps)):
        return False
    has_tests = bool(deps & set(TEST_RUNNERS)) or "autopkgtest" in stanza.get("Testsuite", "")
    return has_tests


def candidates_by_suite() -> dict[str, list[Candidate]]:
    indexes = index_files("Sources")
    result: dict[str, list[Candidate]] = {}
    for suite in SUITES:
        if suite not in indexes:
            continue
        found: dict[str, Candidate] = {}
        for stanza in read_index(indexes[suite]):
            if not is_candidate(stanza):
                continue
            cand = Candidate(package=stanza["Package"], version=stanza["Version"], suite=suite,
                             files=tuple(checksums(stanza)), pytest="python3-pytest" in dependency_names(stanza))
            tar = cand.main_tarball
            if tar is None or tar.size > MAX_TARBALL_BYTES:
                continue
            # Keep the highest version when a suite lists a package twice (rare); plain string order suffices
            # for a tie-break, the order only decides which one is tried first.
            found.setdefault(cand.package, cand)
        result[suite] = sorted(found.values(), key=lambda c: c.package)
    return result
