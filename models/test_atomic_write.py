"""write_atomic: the file appears whole, and a failed write leaves neither the file nor its temporary."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from models.atomic_write import write_atomic


def test_a_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "v.npy"
    path.write_text("old")
    write_atomic(path, lambda f: np.save(f, np.arange(3)))
    assert np.load(path).tolist() == [0, 1, 2] and [f.name for f in tmp_path.iterdir()] == ["v.npy"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    def fail(f: BinaryIO) -> None:
        f.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(tmp_path / "t.json", fail)
    assert list(tmp_path.iterdir()) == []
