"""The report of Code2LoRA-Evo and its baselines on real commit histories (issue 16): models/base/histories/EVO.md
and evo.json, written by `models.eval.evo_eval --track histories`. It stands apart from RESULTS.md, whose
evolution section is the benchmark's replayed growth and release chains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .report import evolution_lines

INTRO = ("Written by `/usr/bin/python3 -m models.eval.evo_eval --track histories`. Sequences: the real first-parent "
         "histories of models/data/histories (their newest 200 commits up to the pinned one); CR test = the held-out "
         "repositories' tasks, each an assertion that a commit adds or modifies, scored with the adapter that has "
         "consumed the production diffs of that commit and every earlier one. Static reads the production files "
         "at that commit (the history's first commit, read from its clone, with the diffs applied); the floor copies "
         "the most similar other assertion that the history has brought up to that commit, that commit's own "
         "included (models.eval.histories_eval's floor copies from earlier commits only).")
SPLIT_LABELS = (("cr_test", "CR test (real commits)"),)


def render(evolution: dict[str, Any]) -> str:
    return "\n".join(evolution_lines(evolution, INTRO, SPLIT_LABELS, "# Code2LoRA-Evo on real commit histories"))


def write(evolution: dict[str, Any], md_path: Path, json_path: Path) -> None:
    for folder in {md_path.parent, json_path.parent}:
        folder.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(evolution, indent=1) + "\n")
    md_path.write_text(render(evolution))
