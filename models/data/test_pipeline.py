"""Fixture tests for the benchmark pipeline around task extraction: version order, Debian index parsing,
candidate selection, tarball reading, .dsc verification, import order, evolution steps and splits."""

from __future__ import annotations

import hashlib
import io
import tarfile
import textwrap
from pathlib import Path

from models.data.acquire import verify_against_dsc
from models.data.apt_index import checksums, parse_deb822
from models.data.candidates import is_candidate
from models.data.debversion import compare
from models.data.evolution import MAX_TASKS_PER_STEP, release_sequence, replay_sequence
from models.data.import_order import dependencies, growth_order
from models.data.snapshot import Snapshot
from models.data.source_tree import python_files
from models.data.splits import chronological, static_split
from models.data.tasks import extract_tasks


def test_debian_version_order() -> None:
    ordered = ["1.0~rc1-1", "1.0-1", "1.0-1+b1", "1.0-2", "1.0.1-1", "1.9-1", "1.10-1", "1:0.9-1"]
    for a, b in zip(ordered, ordered[1:]):
        assert compare(a, b) == -1 and compare(b, a) == 1
    assert compare("2.0-1", "2.0-1") == 0


SOURCES = """\
Package: foo
Version: 1.0-1
Architecture: all
Build-Depends: debhelper-compat (= 13), dh-python, python3-all,
 python3-pytest <!nocheck>
Checksums-Sha256:
 aa 10 foo_1.0-1.dsc
 bb 2000 foo_1.0.orig.tar.gz

Package: bar
Version: 2.0-1
Architecture: any
Build-Depends: dh-python, python3-pytest

Package: baz
Version: 3
Architecture: all
Build-Depends: dh-python, python3-setuptools
Testsuite: autopkgtest-pkg-python

Package: qux
Version: 4
Architecture: all
Build-Depends: dh-python
"""


def test_deb822_and_candidate_rule() -> None:
    stanzas = list(parse_deb822(SOURCES))
    assert [s["Package"] for s in stanzas] == ["foo", "bar", "baz", "qux"]
    assert [f.name for f in checksums(stanzas[0])] == ["foo_1.0-1.dsc", "foo_1.0.orig.tar.gz"]
    assert [is_candidate(s) for s in stanzas] == [True, False, True, False]


def _tarball(tmp: Path, name: str, files: dict[str, str]) -> Path:
    path = tmp / name
    with tarfile.open(path, "w:gz") as tar:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_tarball_paths_drop_the_single_top_folder(tmp_path: Path) -> None:
    with_top = _tarball(tmp_path, "a.tar.gz", {"pkg-1.0/pkg/m.py": "x = 1\n", "pkg-1.0/README": "r"})
    assert python_files(with_top) == [("pkg/m.py", "x = 1\n")]
    flat = _tarball(tmp_path, "b.tar.gz", {"setup.py": "s = 1\n", "pkg/m.py": "x = 1\n"})
    assert sorted(python_files(flat)) == [("pkg/m.py", "x = 1\n"), ("setup.py", "s = 1\n")]


def test_dsc_verification_keeps_matching_files_and_removes_corrupt_ones(tmp_path: Path) -> None:
    good, bad = b"upstream", b"debian"
    (tmp_path / "p_1.orig.tar.gz").write_bytes(good)
    (tmp_path / "p_1-1.debian.tar.xz").write_bytes(b"tampered")
    sha = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
    (tmp_path / "p_1-1.dsc").write_text(
        "Format: 3.0 (quilt)\nSource: p\nChecksums-Sha256:\n"
        f" {sha(good)} {len(good)} p_1.orig.tar.gz\n {sha(bad)} {len(bad)} p_1-1.debian.tar.xz\n"
        f" {sha(b'x')} 1 p_1.orig-extra.tar.gz\n")
    result = verify_against_dsc(tmp_path)
    assert result == {"p_1.orig.tar.gz": sha(good), "p_1-1.debian.tar.xz": None, "p_1.orig-extra.tar.gz": None}
    assert not (tmp_path / "p_1-1.debian.tar.xz").exists()


PROD = {
    "pkg/__init__.py": "from .core import run\n",
    "pkg/core.py": "from pkg.util import helper\n\ndef run():\n    return helper()\n",
    "pkg/util.py": "def helper():\n    return 42\n",
}
TEST_CORE = textwrap.dedent("""\
    from pkg.core import run

    def test_run():
        assert run() == 42
        assert run() + 1 == 43
    """)
TEST_UTIL = "from pkg.util import helper\n\ndef test_helper():\n    assert helper() == 42\n"
TEST_OTHER = "import os\n\ndef test_os():\n    assert os.sep == '/'\n"


def _snapshot(version: str, production: dict[str, str], tests: dict[str, str]) -> Snapshot:
    tasks = [t for p in sorted(tests) for t in extract_tasks(p, tests[p])]
    return Snapshot("pkg", version, production, tests, tasks)


def test_import_order_puts_modules_before_importers_and_tests_after_their_modules() -> None:
    assert dependencies(PROD, PROD)["pkg/core.py"] == ["pkg/util.py"]
    assert dependencies(PROD, PROD)["pkg/__init__.py"] == ["pkg/core.py"]
    tests = {"tests/test_core.py": TEST_CORE, "tests/test_util.py": TEST_UTIL, "tests/test_os.py": TEST_OTHER}
    assert growth_order(PROD, tests) == [
        "pkg/util.py", "tests/test_util.py", "pkg/core.py", "tests/test_core.py", "pkg/__init__.py",
        "tests/test_os.py"]


def test_replay_sequence_steps_and_tasks() -> None:
    snap = _snapshot("1.0-1", PROD, {"tests/test_core.py": TEST_CORE, "tests/test_util.py": TEST_UTIL})
    seq = replay_sequence(snap)
    assert seq.provenance == "replay" and seq.start_version == ""
    assert [(s.path, s.change, len(s.tasks)) for s in seq.steps] == [
        ("pkg/util.py", "add", 0), ("tests/test_util.py", "tests", 1), ("pkg/core.py", "add", 0),
        ("tests/test_core.py", "tests", 2), ("pkg/__init__.py", "add", 0)]
    assert seq.steps[0].diff.startswith("--- /dev/null\n+++ b/pkg/util.py\n@@ -0,0 +1,2 @@\n+def helper():")
    assert all(s.diff == "" for s in seq.steps if s.change == "tests")


def test_release_sequence_brings_only_new_or_changed_assertions_in_steps_of_eight() -> None:
    old = _snapshot("1.0-1", PROD, {"tests/test_core.py": TEST_CORE})
    many = "".join(f"    assert run({i}) == {i * 10}\n" for i in range(10))
    new_core = TEST_CORE.replace("== 43", "== 44") + "\ndef test_many():\n" + many
    new_prod = dict(PROD, **{"pkg/util.py": "def helper():\n    return 43\n"})
    new = _snapshot("1.1-1", new_prod, {"tests/test_core.py": new_core})
    seq = release_sequence([old, new])
    assert seq.start_version == "1.0-1" and seq.end_version == "1.1-1"
    assert [(s.path, s.change) for s in seq.steps] == [
        ("pkg/util.py", "modify"), ("tests/test_core.py", "tests"), ("tests/test_core.py", "tests")]
    assert "-    return 42\n+    return 43\n" in seq.steps[0].diff
    brought = [t.target for s in seq.steps for t in s.tasks]
    assert brought == ["44"] + [str(i * 10) for i in range(10) if len(str(i * 10)) > 1]
    assert max(len(s.tasks) for s in seq.steps) <= MAX_TASKS_PER_STEP
    assert seq.steps[1].commit == "release:1.0-1..1.1-1:00001"


def test_splits_are_deterministic_and_respect_the_holdout() -> None:
    from models.data.holdout import holdout_of
    held = next(name for name in (f"pkg{i}" for i in range(1000)) if holdout_of(name) == "cr_test")
    assert static_split(held, "x") == "cr_test" and chronological("cr_test", 0, 10) == "cr_test"
    train = next(name for name in (f"pkg{i}" for i in range(1000)) if holdout_of(name) == "train")
    splits = [static_split(train, f"tests/test_{i}.py") for i in range(2000)]
    assert splits == [static_split(train, f"tests/test_{i}.py") for i in range(2000)]
    assert 0.05 < splits.count("ir_val") / 2000 < 0.15 and 0.05 < splits.count("ir_test") / 2000 < 0.15
    # the draw is the file's within its repository: another repository draws the same path anew
    other = next(name for name in (f"lib{i}" for i in range(1000)) if holdout_of(name) == "train")
    assert splits != [static_split(other, f"tests/test_{i}.py") for i in range(2000)]
    assert [chronological("train", i, 10) for i in range(10)] == ["train"] * 8 + ["ir_val", "ir_test"]


def test_cap_keeps_a_deterministic_subset_and_drops_emptied_test_steps() -> None:
    from models.data.evolution import cap_sequence, capped
    assert capped(["a", "b"], 5) == {0, 1}
    chosen = capped([f"k{i}" for i in range(100)], 10)
    assert len(chosen) == 10 and chosen == capped([f"k{i}" for i in range(100)], 10)
    many = "".join(f"    assert run({i}) == {i * 10 + 10}\n" for i in range(40))
    snap = _snapshot("1.0-1", PROD, {"tests/test_many.py": "from pkg.core import run\n\ndef test_m():\n" + many})
    seq = cap_sequence(replay_sequence(snap), limit=5)
    assert sum(len(s.tasks) for s in seq.steps) == 5
    assert all(s.tasks for s in seq.steps if s.change == "tests")
    assert [s.path for s in seq.steps if s.change == "add"] == ["pkg/util.py", "pkg/core.py", "pkg/__init__.py"]


def test_build_and_read_back_a_small_benchmark(tmp_path: Path) -> None:
    from models.data import bench
    from models.data.bench_build import build
    from models.data.source_tree import SourceDownload

    cache = tmp_path / "cache"
    (cache / "sources").mkdir(parents=True)
    many = "".join(f"    assert run({i}) == {i * 10 + 10}\n" for i in range(12))
    files = {f"pkg-1.0/{p}": t for p, t in PROD.items()}
    files["pkg-1.0/tests/test_core.py"] = "from pkg.core import run\n\ndef test_m():\n" + many
    tarball = _tarball(cache / "sources", "pkg_1.0.orig.tar.gz", files)
    old_files = dict(files)
    old_files["pkg-1.0/tests/test_core.py"] = "from pkg.core import run\n\ndef test_m():\n" + many[:60]
    old_tarball = _tarball(cache / "sources", "pkg_0.9.orig.tar.gz", old_files)
    downloads = [SourceDownload("pkg", "1.0-1", ("bookworm",), tarball, True),
                 SourceDownload("pkg", "0.9-1", ("bullseye",), old_tarball, True)]
    bench_dir = cache / "bench"
    build(jobs=1, bench_dir=bench_dir, downloads=downloads)

    [repo] = bench.repositories(bench_dir)
    assert (repo.name, repo.version, repo.tasks) == ("pkg", "1.0-1", 12)
    assert [p for p, _ in bench.production_files(repo)] == sorted(PROD)
    tasks = bench.static_tasks("pkg", bench_dir)
    assert len(tasks) == 12 and set(tasks[0]) == {"id", "repo", "commit", "path", "line", "kind", "prefix",
                                                  "target", "split"}
    seqs = {s.provenance: s for s in bench.sequences(bench_dir)}
    assert set(seqs) == {"release", "replay"}
    release = bench.steps(seqs["release"], bench_dir)
    assert seqs["release"].start_version == "0.9-1"
    assert [s.change for s in release] == ["tests", "tests"]  # only tests changed; 10 new sites, 8 + 2
    assert sum(len(s.tasks) for s in release) == 10
    replay = bench.steps(seqs["replay"], bench_dir)
    assert sum(len(s.tasks) for s in replay) == 12
    # one test file, so one split for all its tasks in both tracks: the replayed twins share the static tasks'
    [split] = {t["split"] for t in tasks}
    assert split == static_split("pkg", "tests/test_core.py")
    assert {t["split"] for s in replay + release for t in s.tasks} == {split}
    assert bench.start_files(seqs["replay"]) == []
    assert [p for p, _ in bench.start_files(seqs["release"])] == sorted(PROD)
