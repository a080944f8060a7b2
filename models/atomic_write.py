"""Write a file whole or not at all. Caches are shared by processes running side by side (Evo and its control,
two decoding processes), so each writer uses a temporary name of its own and renames it into place: a reader never
sees half a file, and two writers never rename each other's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Callable


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """`write(f)` writes the content to the open binary file it is given (numpy would add its own suffix to a
    bare temporary name)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as f:
            write(f)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
