"""A fixture history made with git, for the builder's tests and the real-history scorer's: five commits of a small
package with tests (a change, an added test file, a production file added then deleted), cloned bare where
`--clones` would look for it (`<root>/fix+ture/repo`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@b",
       "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@b", "PATH": os.environ["PATH"]}

TEST_V1 = "from pkg.a import f\n\n\ndef test_f():\n    assert f(1) == 12\n    assert f(2) == 13\n"
# Modifies the second assertion and adds one (targets of one character are no tasks: tasks.py): two tasks (the unchanged first one is not a task of this commit).
TEST_V2 = "from pkg.a import f\n\n\ndef test_f():\n    assert f(1) == 12\n    assert f(2) == 14\n    assert f(0) == 11\n"
MANY = "from pkg.a import f\n\n\ndef test_many():\n" + "".join(f"    assert f({i}) == {i + 1}\n" for i in range(10, 22))


def make_repo(tmp: Path) -> tuple[Path, list[str]]:
    work = tmp / "work"
    work.mkdir()
    run = lambda *a: subprocess.run(["git", *a], cwd=work, env=ENV, check=True, capture_output=True, text=True).stdout.strip()  # noqa: E731
    run("init", "-q", "-b", "main")
    commits = []

    def commit(files: dict[str, str | None], message: str, stamp: int) -> None:
        for path, text in files.items():
            p = work / path
            if text is None:
                p.unlink()
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
        run("add", "-A")
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=work, check=True,
                       env=ENV | {"GIT_AUTHOR_DATE": f"{stamp} +0000", "GIT_COMMITTER_DATE": f"{stamp} +0000"})
        commits.append(run("rev-parse", "HEAD"))

    commit({"pkg/__init__.py": "", "pkg/a.py": "def f(x):\n    return x + 1\n", "tests/test_a.py": TEST_V1}, "start", 1_700_000_000)
    commit({"pkg/a.py": "def f(x):\n    return x + 2\n", "tests/test_a.py": TEST_V2}, "change f", 1_700_086_400)
    commit({"tests/test_many.py": MANY}, "many tests", 1_700_172_800)
    commit({"pkg/b.py": "B = 1\n"}, "add b", 1_700_259_200)
    commit({"pkg/b.py": None}, "drop b", 1_700_345_600)
    bare = tmp / "clones" / "fix+ture" / "repo"
    bare.parent.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True, env=ENV)
    return bare, commits
