"""What the encoder reads of one step's production-code change (DESIGN.md section 2, Evo).

A changed file is read as the new side of its unified diff with 3 lines of context (context and added lines, in
file order, hunk after hunk, exactly as they stand in the new file); removed lines are not read, because the
adapter should describe the code as it now is. An added file therefore reads as the whole file (the snapshot
encoder's cache then serves it), and a deleted file as one line naming it. The TypeScript side
(src/core/diff/diffText.ts) builds the same text from two blobs with the same difflib grouping.
"""

from __future__ import annotations

import difflib

CONTEXT_LINES = 3
NO_NEWLINE = "\\ No newline at end of file"


def deleted_file_text(path: str) -> str:
    return f"# deleted file: {path}\n"


def new_side_text(diff: str) -> str:
    """The new-side lines of a unified diff (as made by models.data.evolution.unified_diff), joined as in the file."""
    out: list[str] = []
    last_new = False  # whether the previous diff line was a new-side line (context or added)
    in_hunk = False
    for line in diff.splitlines(keepends=True):
        if line.startswith("@@"):
            in_hunk = True
            last_new = False
            continue
        if not in_hunk:
            continue  # the ---/+++ header
        if line.rstrip("\n") == NO_NEWLINE:
            if last_new and out and out[-1].endswith("\n"):
                out[-1] = out[-1][:-1]  # the file's last line has no newline: unified_diff added one
            continue
        kind = line[:1]
        last_new = kind in (" ", "+")
        if last_new:
            out.append(line[1:])
    return "".join(out)


def change_text(path: str, old: str, new: str) -> str:
    """The same text computed from the two versions of a file ("" for a file that did not exist)."""
    if not new:
        return deleted_file_text(path) if old else ""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    parts: list[str] = []
    for group in difflib.SequenceMatcher(None, old_lines, new_lines).get_grouped_opcodes(CONTEXT_LINES):
        parts.extend(new_lines[group[0][3]:group[-1][4]])
    return "".join(parts)


def step_text(path: str, change: str, diff: str) -> str:
    """The encoder text of a benchmark step (one production file) from its stored diff."""
    if change == "delete":
        return deleted_file_text(path)
    return new_side_text(diff)
