"""Download candidate source packages with `apt-get source --download-only`, verify, keep what arrives.

Resumable: every attempted package/version gets a folder under SOURCES_CACHE with a `status.json` once finished;
finished attempts are never repeated. Progress goes to SOURCES_CACHE/acquire.log. The pinned lock
(package, version, suites, tarball, sha256 of every usable download) is rewritten at the end of each run.

Run alone: /usr/bin/python3 -m models.data.acquire [--jobs 6] [--from-lock]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .apt_index import SUITES, checksums, ensure_deb_src, parse_deb822
from .candidates import Candidate, candidates_by_suite
from .paths import SOURCES_CACHE, SOURCES_LOCK
from models.hashing import sha256_of

SUITE_ORDER = {s: i for i, s in enumerate(SUITES)}


@dataclass(frozen=True)
class Attempt:
    package: str
    version: str
    suites: tuple[str, ...]
    tarball: str
    tarball_sha256: str
    pytest: bool

    @property
    def folder(self) -> Path:
        return SOURCES_CACHE / self.package / self.version.replace(":", "%3a")


def plan_attempts(by_suite: dict[str, list[Candidate]]) -> list[Attempt]:
    """One attempt per distinct (package, version), the versions most likely to be served first."""
    merged: dict[tuple[str, str], list[Candidate]] = {}
    for cands in by_suite.values():
        for c in cands:
            merged.setdefault((c.package, c.version), []).append(c)
    attempts = []
    for (package, version), cands in merged.items():
        tar = cands[0].main_tarball
        assert tar is not None
        suites = tuple(sorted({c.suite for c in cands}, key=SUITE_ORDER.__getitem__))
        attempts.append(Attempt(package, version, suites, tar.name, tar.sha256, any(c.pytest for c in cands)))
    # Measured here: the archive serves mostly tarballs of versions that are in bookworm (the machine's release),
    # some of bullseye's and trixie's, and almost none of sid-only versions; so try them in that order.
    rank = {"bookworm": 0, "bullseye": 1, "trixie": 2, "sid": 3}

    def priority(a: Attempt) -> tuple[int, int, str]:
        return (min(rank[s] for s in a.suites), 0 if a.pytest else 1, a.package)

    return sorted(attempts, key=priority)


def read_lock() -> list[Attempt]:
    attempts = []
    for line in SOURCES_LOCK.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        package, version, suites, tarball, sha, pytest = line.split("\t")
        attempts.append(Attempt(package, version, tuple(suites.split(",")), tarball, sha, pytest == "1"))
    return attempts


def _dsc_stanza(dsc: Path) -> dict[str, str]:
    text = dsc.read_text(errors="replace")
    # A signed .dsc wraps the stanza in an OpenPGP armour; the stanza itself parses as usual.
    body = text.split("\n\n", 1)[1] if text.startswith("-----BEGIN PGP SIGNED") else text
    return next(parse_deb822(body.split("-----BEGIN PGP SIGNATURE")[0]), {})


def verify_against_dsc(folder: Path) -> dict[str, str | None]:
    """sha256 of every file the .dsc lists: the hex digest if present and matching, None if absent or wrong."""
    dscs = list(folder.glob("*.dsc"))
    if not dscs:
        return {}
    stanza = _dsc_stanza(dscs[0])
    result: dict[str, str | None] = {}
    for f in checksums(stanza):
        path = folder / f.name
        if not path.exists():
            result[f.name] = None
            continue
        digest = sha256_of(path)
        if digest != f.sha256 or path.stat().st_size != f.size:
            path.unlink()
            result[f.name] = None
        else:
            result[f.name] = digest
    return result


BATCH = 16  # packages per apt-get call: one index load for many downloads (apt's CPU, not the network, limits)


def _finish(a: Attempt, errors: list[str]) -> dict[str, object]:
    folder = a.folder
    verified = verify_against_dsc(folder)
    tar_digest = verified.get(a.tarball)
    usable = tar_digest is not None and tar_digest == a.tarball_sha256
    status = {"package": a.package, "version": a.version, "suites": list(a.suites), "tarball": a.tarball,
              "sha256": a.tarball_sha256, "pytest": a.pytest, "usable": usable, "files": verified,
              "errors": errors[:5]}
    if not usable:
        # Keep the .dsc and status only: a partial download without the upstream tarball is of no use.
        for p in folder.iterdir():
            if not p.name.endswith(".dsc"):
                p.unlink()
    (folder / "status.json").write_text(json.dumps(status, indent=1))
    return status


def download_batch(batch: list[Attempt], work_dir: Path) -> list[dict[str, object]]:
    """One `apt-get source --download-only` for the batch in a scratch folder, then each package's files
    (its .dsc and what the .dsc lists) move into the package's own folder and are verified there."""
    todo = [a for a in batch if not (a.folder / "status.json").exists()]
    if todo:
        work_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            ["apt-get", "source", "--download-only", "--only-source", "-o", "Acquire::Retries=1",
             "-o", "Acquire::http::Timeout=60"] + [f"{a.package}={a.version}" for a in todo],
            cwd=work_dir, capture_output=True, text=True, timeout=3600)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("E:")]
        for a in todo:
            a.folder.mkdir(parents=True, exist_ok=True)
            dsc_name = f"{a.package}_{a.version.split(':', 1)[-1]}.dsc"
            names = {dsc_name}
            dsc = work_dir / dsc_name
            if dsc.exists():
                stanza = _dsc_stanza(dsc)
                names |= {f.name for f in checksums(stanza)}
            for name in names:
                # Link, not move: two versions in one batch may share an upstream tarball.
                if (work_dir / name).exists() and not (a.folder / name).exists():
                    os.link(work_dir / name, a.folder / name)
            _finish(a, [e for e in errors if f"/{a.package}_" in e or f" {a.package}" in e])
        for leftover in work_dir.iterdir():
            leftover.unlink()
        work_dir.rmdir()
    return [json.loads((a.folder / "status.json").read_text()) for a in batch]


def usable_statuses() -> list[dict[str, object]]:
    out = []
    for status_path in sorted(SOURCES_CACHE.glob("*/*/status.json")):
        status = json.loads(status_path.read_text())
        if status.get("usable"):
            out.append(status)
    return out


def write_lock() -> int:
    rows = ["# package\tversion\tsuites\ttarball\tsha256\tpytest  (usable source downloads; rebuilt by "
            "models.data.acquire)"]
    statuses = sorted(usable_statuses(), key=lambda s: (str(s["package"]), str(s["version"])))
    for s in statuses:
        rows.append("\t".join([str(s["package"]), str(s["version"]), ",".join(s["suites"]),  # type: ignore[arg-type]
                               str(s["tarball"]), str(s["sha256"]), "1" if s["pytest"] else "0"]))
    SOURCES_LOCK.write_text("\n".join(rows) + "\n")
    return len(statuses)


def run(jobs: int, from_lock: bool) -> None:
    SOURCES_CACHE.mkdir(parents=True, exist_ok=True)
    log_path = SOURCES_CACHE / "acquire.log"
    log_lock = threading.Lock()
    with log_path.open("a") as log:
        def say(msg: str) -> None:
            with log_lock:
                line = f"{time.strftime('%H:%M:%S')} {msg}"
                log.write(line + "\n")
                log.flush()
                print(line, flush=True)

        ensure_deb_src(say)
        attempts = read_lock() if from_lock and SOURCES_LOCK.exists() else plan_attempts(candidates_by_suite())
        say(f"planned {len(attempts)} attempts ({len({a.package for a in attempts})} packages), jobs={jobs}")
        counts = {"done": 0, "usable": 0}
        batches = [attempts[i:i + BATCH] for i in range(0, len(attempts), BATCH)]

        def work(job: tuple[int, list[Attempt]]) -> None:
            index, batch = job
            try:
                statuses = download_batch(batch, SOURCES_CACHE / ".work" / str(index))
                ok = sum(bool(s["usable"]) for s in statuses)
            except Exception as exc:  # one broken batch must not stop the run
                say(f"error in batch {batch[0].package}..{batch[-1].package}: {exc!r}")
                ok = 0
            with log_lock:
                counts["done"] += len(batch)
                counts["usable"] += ok
                done, usable = counts["done"], counts["usable"]
            say(f"[{done}/{len(attempts)}] {batch[0].package}..{batch[-1].package}: {ok}/{len(batch)} usable"
                f" (usable {usable})")
            if index % 20 == 0:
                write_lock()

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(work, enumerate(batches)))
        n = write_lock()
        say(f"finished: {counts['done']} attempted, {counts['usable']} usable; lock has {n} entries")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--from-lock", action="store_true", help="download exactly the pinned lock's entries")
    args = parser.parse_args(argv)
    run(args.jobs, args.from_lock)


if __name__ == "__main__":
    main(sys.argv[1:])
