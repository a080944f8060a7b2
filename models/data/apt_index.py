"""Read Debian's apt indexes (Sources, Packages) through apt's own tools, and enable deb-src lines when missing.

apt keeps its index files compressed and under names derived from the mirror; `apt-get indextargets` says which
file holds which suite and `apt-helper cat-file` decompresses it, so nothing here hard-codes a mirror or a path.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SUITES: tuple[str, ...] = ("bullseye", "bookworm", "trixie", "sid")
DEB_SRC_FILE_NAME = "code2lora-deb-src.sources"
APT_HELPER = "/usr/lib/apt/apt-helper"


def parse_deb822(text: str) -> Iterator[dict[str, str]]:
    """Yield one dict per stanza; continuation lines are joined with newlines (field names keep their case)."""
    stanza: dict[str, str] = {}
    last_key = ""
    for line in text.splitlines():
        if not line.strip():
            if stanza:
                yield stanza
            stanza, last_key = {}, ""
            continue
        if line[0] in " \t":
            if last_key:
                stanza[last_key] += "\n" + line.strip()
            continue
        key, _, value = line.partition(":")
        last_key = key.strip()
        stanza[last_key] = value.strip()
    if stanza:
        yield stanza


def index_files(created_by: str) -> dict[str, Path]:
    """Map suite codename -> index file of the given kind ("Sources" or "Packages") of component main."""
    out = subprocess.run(
        ["apt-get", "indextargets", "--format", "$(FILENAME)\t$(CODENAME)\t$(SUITE)\t$(COMPONENT)",
         f"Created-By: {created_by}"],
        check=True, capture_output=True, text=True).stdout
    found: dict[str, Path] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or parts[3] != "main":
            continue
        filename, codename, suite = parts[0], parts[1], parts[2]
        name = codename or suite
        # bookworm-updates / -security also report codename bookworm; keep the main suite's file.
        if suite.endswith(("-updates", "-security", "-backports")):
            continue
        if Path(filename).exists():
            found[name] = Path(filename)
    return found


def read_index(path: Path) -> Iterator[dict[str, str]]:
    text = subprocess.run([APT_HELPER, "cat-file", str(path)], check=True, capture_output=True, text=True).stdout
    return parse_deb822(text)


def _debian_archive_uri() -> str:
    """The URI of the configured Debian archive (taken from the machine's own `deb` lines, never hard-coded)."""
    # Match the codename too: the archive renames suites (bookworm became "oldstable") but not codenames.
    out = subprocess.run(["apt-get", "indextargets", "--format", "$(REPO_URI)\t$(SUITE)\t$(CODENAME)",
                          "Created-By: Packages"], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        uri, suite, codename = (line.split("\t") + ["", ""])[:3]
        if (suite in SUITES or codename in SUITES) and "security" not in uri:
            return uri.rstrip("/")
    raise RuntimeError("no Debian archive among apt's sources; cannot enable deb-src")


def _sources_parts_dir() -> Path:
    out = subprocess.run(["apt-config", "dump"], check=True, capture_output=True, text=True).stdout
    values = dict(re.findall(r'^(Dir(?:::Etc)?(?:::sourceparts)?) "([^"]*)";', out, re.M))
    root = values.get("Dir", "/")
    etc = values.get("Dir::Etc", "etc/apt")
    parts = values.get("Dir::Etc::sourceparts", "sources.list.d")
    return Path(root) / etc / parts


def ensure_deb_src(log: "callable[[str], None]" = print) -> None:
    """Idempotently make sure Sources indexes of every suite in SUITES are present (adds deb-src, runs update)."""
    have = index_files("Sources")
    missing = [s for s in SUITES if s not in have]
    if not missing:
        return
    uri = _debian_archive_uri()
    target = _sources_parts_dir() / DEB_SRC_FILE_NAME
    log(f"enabling deb-src for {' '.join(SUITES)} in {target}")
    target.write_text(
        "Types: deb-src\n"
        f"URIs: {uri}/\n"
        f"Suites: {' '.join(SUITES)}\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
    subprocess.run(["apt-get", "update"], check=True)
    still = [s for s in SUITES if s not in index_files("Sources")]
    if still:
        raise RuntimeError(f"Sources indexes still missing after apt-get update: {still}")


@dataclass(frozen=True)
class SourceFile:
    name: str
    size: int
    sha256: str


def checksums(stanza: dict[str, str]) -> list[SourceFile]:
    files = []
    for line in stanza.get("Checksums-Sha256", "").splitlines():
        parts = line.split()
        if len(parts) == 3:
            files.append(SourceFile(name=parts[2], size=int(parts[1]), sha256=parts[0]))
    return files
