"""The production files of an evolution sequence after each step (what Code2LoRA-Static reads at that step).

Replay steps add whole files; release steps modify files through unified diffs with context, applied here to the
previous text (the diffs were made by difflib from the two versions, so they apply exactly).
"""

from __future__ import annotations

import re
from typing import Iterator

from models.data.bench import Step

from .diff_text import NO_NEWLINE

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_unified_diff(old: str, diff: str) -> str:
    """The new text of a file from its old text and a unified diff of the two."""
    old_lines = old.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    last_side = ""
    in_hunk = False
    for line in diff.splitlines(keepends=True):
        match = HUNK.match(line)
        if match:
            in_hunk = True
            start = int(match.group(1))
            count = 1 if match.group(2) is None else int(match.group(2))
            begin = start - 1 if count > 0 else start  # an empty old range names the line before it
            out.extend(old_lines[cursor:begin])
            cursor = begin
            continue
        if not in_hunk:
            continue  # the ---/+++ header
        if line.rstrip("\n") == NO_NEWLINE:
            if last_side in ("+", " ") and out and out[-1].endswith("\n"):
                out[-1] = out[-1][:-1]
            continue
        kind, body = line[:1], line[1:]
        last_side = kind
        if kind == " ":
            out.append(old_lines[cursor])
            cursor += 1
        elif kind == "-":
            cursor += 1
        elif kind == "+":
            out.append(body)
    out.extend(old_lines[cursor:])
    return "".join(out)


def snapshots(start: list[tuple[str, str]], steps: list[Step]) -> Iterator[tuple[int, dict[str, str]]]:
    """(step index, production files after it) for every step, sharing one dict that changes as it goes."""
    files = dict(start)
    for i, step in enumerate(steps):
        if step.change == "delete":
            files.pop(step.path, None)
        elif step.change in ("add", "modify"):
            files[step.path] = apply_unified_diff(files.get(step.path, ""), step.diff)
        yield i, files
