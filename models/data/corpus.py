"""The LM's pretraining corpus: Python text from Debian binary python3-* packages, CPython's stdlib and test suite,
and the production files of training-split source packages.

Leakage rules (DESIGN.md section 3): nothing from a package whose Source is held out (holdout_of != "train"); no
test file (file_roles.is_test_file) from any package except CPython's own test suite. Files are deduplicated by
content. Output: CORPUS_DIR/corpus-NNNNN.jsonl shards of {"path","package","text"} in a seeded shuffled order, plus
corpus_manifest.json; READY is touched last, only when everything is written.

Run alone: /usr/bin/python3 -m models.data.corpus [--jobs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import sysconfig
import tarfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .apt_index import index_files, read_index
from .holdout import holdout_of
from .paths import BINARIES_CACHE, BINARIES_LOCK, CORPUS_DIR
from .source_tree import MAX_FILE_BYTES, downloaded_sources, newest_versions, python_files
from .file_roles import is_test_file

CPYTHON_TESTSUITE = "libpython3.11-testsuite"
MAX_DEB_BYTES = 20_000_000
SHARD_BYTES = 50_000_000
SEED = 20261125
DOWNLOAD_BATCH = 40
LEAKAGE_RULES = ("no package whose Source is held out (models/data/holdout.py); no test files "
                 "(models/data/file_roles.py) except CPython's own test suite; no file whose content equals a "
                 "test file of a downloaded source package or a production file of a held-out one; "
                 "deduplicated by content")


@dataclass(frozen=True)
class BinaryPackage:
    package: str
    version: str
    source: str
    filename: str  # the .deb's file name as apt-get download names it
    size: int
    sha256: str


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} corpus: {msg}", flush=True)


def binary_candidates() -> list[BinaryPackage]:
    """python3-* packages of bookworm (plus CPython's test suite) whose source package is in the training split."""
    found: dict[str, BinaryPackage] = {}
    for stanza in read_index(index_files("Packages")["bookworm"]):
        name = stanza["Package"]
        if not (name.startswith("python3-") or name == CPYTHON_TESTSUITE):
            continue
        if name.endswith(("-dbg", "-doc", "-dbgsym")):
            continue
        source = stanza.get("Source", name).split()[0]
        if holdout_of(source) != "train" or int(stanza["Size"]) > MAX_DEB_BYTES:
            continue
        version = stanza["Version"]
        arch = stanza.get("Architecture", "all")
        filename = f"{name}_{version.replace(':', '%3a')}_{arch}.deb"  # apt-get download's naming
        found[name] = BinaryPackage(name, version, source, filename, int(stanza["Size"]), stanza["SHA256"])
    return sorted(found.values(), key=lambda b: b.package)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def download_binaries(packages: list[BinaryPackage]) -> list[tuple[BinaryPackage, Path]]:
    """`apt-get download` in batches (resumable: present, verified .debs are kept); returns what arrived."""
    BINARIES_CACHE.mkdir(parents=True, exist_ok=True)
    todo = [b for b in packages if not (BINARIES_CACHE / b.filename).exists()]
    log(f"{len(packages)} binary packages, {len(todo)} to download")
    batches = [todo[i:i + DOWNLOAD_BATCH] for i in range(0, len(todo), DOWNLOAD_BATCH)]

    def fetch(batch: list[BinaryPackage]) -> None:
        # One missing package makes apt-get report an error but the rest of the batch still arrives.
        subprocess.run(["apt-get", "download", "-o", "Acquire::Retries=1"]
                       + [f"{b.package}={b.version}" for b in batch],
                       cwd=BINARIES_CACHE, capture_output=True, text=True)

    with ThreadPoolExecutor(max_workers=3) as pool:
        for i, _ in enumerate(pool.map(fetch, batches)):
            if i % 10 == 0:
                log(f"downloaded batch {i + 1}/{len(batches)}")
    arrived = []
    for b in packages:
        path = BINARIES_CACHE / b.filename
        if not path.exists():
            continue
        if _sha256(path) != b.sha256:
            path.unlink()
            continue
        arrived.append((b, path))
    return arrived


def deb_python_files(deb: Path, keep_tests: bool) -> list[tuple[str, str]]:
    """(path, text) of the .py files inside a .deb (read from its data tarball via dpkg-deb)."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    files = []
    assert proc.stdout is not None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not member.name.endswith(".py") or member.size > MAX_FILE_BYTES:
                    continue
                path = member.name.lstrip("./")
                if not keep_tests and is_test_file(path):
                    continue
                f = tar.extractfile(member)
                if f is None:
                    continue
                try:
                    files.append((path, f.read().decode("utf-8")))
                except UnicodeDecodeError:
                    continue
    finally:
        proc.stdout.close()
        proc.wait()
    return files


def _deb_job(args: tuple[str, str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    package, source, deb = args
    return package, source, deb_python_files(Path(deb), keep_tests=package == CPYTHON_TESTSUITE)


def _source_job(args: tuple[str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    package, tarball = args
    files = [(p, t) for p, t in python_files(Path(tarball)) if not is_test_file(p)]
    return package, package, files


def stdlib_files() -> list[tuple[str, str]]:
    """CPython's installed standard library (its own tests included; site/dist-packages excluded)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("site-packages/", "dist-packages/")) or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            files.append((f"{root.name}/{rel}", path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return files


def _forbidden_job(args: tuple[str, str]) -> list[bytes]:
    package, tarball = args
    held = holdout_of(package) != "train"
    return [hashlib.sha256(text.encode()).digest() for path, text in python_files(Path(tarball))
            if text.strip() and (is_test_file(path) or held)]


def forbidden_digests(pool: ProcessPoolExecutor) -> set[bytes]:
    """Content hashes no corpus file may have: every test file of every downloaded source package, and every
    production file of a held-out one (vendored copies inside other packages would otherwise slip through)."""
    jobs = [(s.package, str(s.tarball)) for s in downloaded_sources()]
    return {d for digests in pool.map(_forbidden_job, jobs, chunksize=4) for d in digests}


def write_binaries_lock(arrived: list[tuple[BinaryPackage, Path]]) -> None:
    rows = ["# package\tversion\tsource\tsha256  (binary packages of the pretraining corpus)"]
    rows += [f"{b.package}\t{b.version}\t{b.source}\t{b.sha256}" for b, _ in arrived]
    BINARIES_LOCK.write_text("\n".join(rows) + "\n")


def build(jobs: int) -> dict[str, object]:
    ready = CORPUS_DIR / "READY"
    if ready.exists():
        log("READY exists; nothing to do (delete the folder to rebuild)")
        return json.loads((CORPUS_DIR / "corpus_manifest.json").read_text())
    arrived = download_binaries(binary_candidates())
    write_binaries_lock(arrived)
    train_sources = [s for s in downloaded_sources() if holdout_of(s.package) == "train"]
    newest = {s.package: str(s.tarball) for s in newest_versions(train_sources)}
    log(f"{len(arrived)} binary packages, {len(newest)} training source packages, stdlib")

    seen: set[bytes] = set()
    records: list[dict[str, str]] = []
    by_kind = {"binary": 0, "source": 0, "stdlib": 0}
    packages: set[str] = set()
    sources: set[str] = set()

    def add(kind: str, package: str, source: str, files: list[tuple[str, str]]) -> None:
        added = 0
        for path, text in files:
            if not text.strip():
                continue
            digest = hashlib.sha256(text.encode()).digest()
            if digest in seen:
                continue
            seen.add(digest)
            records.append({"path": path, "package": package, "text": text})
            added += 1
        if added:
            by_kind[kind] += added
            packages.add(package)
            sources.add(source)

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        seen |= forbidden_digests(pool)  # marking them seen drops them like duplicates
        log(f"{len(seen)} benchmark test / held-out production file contents excluded")
        add("stdlib", "libpython3.11-stdlib", "python3.11", stdlib_files())
        deb_jobs = [(b.package, b.source, str(p)) for b, p in arrived]
        for i, (package, source, files) in enumerate(pool.map(_deb_job, deb_jobs, chunksize=8)):
            add("binary", package, source, files)
            if i % 250 == 0:
                log(f"debs {i}/{len(deb_jobs)}: {len(records)} files")
        src_jobs = sorted(newest.items())
        for i, (package, source, files) in enumerate(pool.map(_source_job, src_jobs, chunksize=4)):
            add("source", package, source, files)
            if i % 100 == 0:
                log(f"sources {i}/{len(src_jobs)}: {len(records)} files")

    random.Random(SEED).shuffle(records)
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    for old in CORPUS_DIR.glob("corpus-*.jsonl"):
        old.unlink()
    shard, shard_bytes, shards, total_bytes = 0, 0, [], 0
    out = None
    for rec in records:
        if out is None or shard_bytes >= SHARD_BYTES:
            if out is not None:
                out.close()
            name = f"corpus-{shard:05d}.jsonl"
            shards.append(name)
            out = (CORPUS_DIR / name).open("w", encoding="utf-8")
            shard, shard_bytes = shard + 1, 0
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        out.write(line)
        n = len(rec["text"].encode("utf-8"))
        shard_bytes += n
        total_bytes += n
    if out is not None:
        out.close()
    manifest: dict[str, object] = {
        "files": len(records), "bytes": total_bytes, "packages": len(packages), "sources": len(sources),
        "files_by_origin": by_kind, "shards": shards, "seed": SEED,
        "leakage_rules": LEAKAGE_RULES,
        "source_packages": sorted(sources),
    }
    (CORPUS_DIR / "corpus_manifest.json").write_text(json.dumps(manifest, indent=1))
    ready.touch()
    log(f"READY: {len(records)} files, {total_bytes / 1e6:.1f} MB, {len(packages)} packages")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    build(args.jobs)


if __name__ == "__main__":
    main(sys.argv[1:])
