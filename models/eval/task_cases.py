"""Task-extraction cases for the TypeScript parity checks: test files with the Python extractor's tasks.

`write_cases(files, out)` writes one JSON object per file: {"repo", "path", "text", "tasks": [Task fields]}.
The command dumps every test file of the benchmark's repositories (models/.cache/bench/repos.jsonl), or with
--all-sources of every downloaded source package (newest version each), for the by-hand comparison over real
code (`node --import tsx scripts/task-parity.ts FILE`):

    /usr/bin/python3 -m models.eval.task_cases --out models/.cache/bench/task_cases.jsonl [--limit N] [--all-sources]
    /usr/bin/python3 -m models.eval.task_cases --out FILE --deb models/.cache/debs/libpython3.11-testsuite_*.deb
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Iterable, Iterator

from models.data.file_roles import is_test_file
from models.data.paths import CACHE_DIR, BENCH_DIR
from models.data.source_tree import downloaded_sources, newest_versions, python_files
from models.data.tasks import extract_tasks


def case(repo: str, path: str, text: str) -> dict[str, object]:
    tasks = [dataclasses.asdict(t) for t in extract_tasks(path, text)]
    return {"repo": repo, "path": path, "text": text, "tasks": tasks}


def write_cases(cases: Iterable[dict[str, object]], out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
            count += 1
    return count


def bench_cases(limit: int | None) -> Iterator[dict[str, object]]:
    repos = [json.loads(line) for line in (BENCH_DIR / "repos.jsonl").read_text().splitlines() if line]
    for repo in repos[:limit]:
        for path, text in python_files(CACHE_DIR / repo["tarball"]):
            if is_test_file(path):
                yield case(repo["repo"], path, text)


def source_cases(limit: int | None) -> Iterator[dict[str, object]]:
    for download in newest_versions(downloaded_sources())[:limit]:
        for path, text in python_files(download.tarball):
            if is_test_file(path):
                yield case(download.package, path, text)


def deb_cases(deb: Path) -> Iterator[dict[str, object]]:
    """Test files inside a binary package (e.g. libpython3.11-testsuite: CPython's own tests)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar:
            path = member.name.lstrip("./")
            f = tar.extractfile(member) if member.isfile() and is_test_file(path) else None
            if f is None:
                continue
            try:
                text = f.read().decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield case(deb.name.split("_")[0], path, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="only the first N repositories")
    parser.add_argument("--all-sources", action="store_true", help="every downloaded source package")
    parser.add_argument("--deb", type=Path, default=None, help="the test files of one binary package instead")
    args = parser.parse_args()
    cases = (deb_cases(args.deb) if args.deb else source_cases(args.limit) if args.all_sources
             else bench_cases(args.limit))
    print(f"wrote {write_cases(cases, args.out)} files to {args.out}")


if __name__ == "__main__":
    main()
