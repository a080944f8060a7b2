"""Completions kept by what determines them, so a rescore decodes only what changed.

The key is everything a system's greedy output depends on: the system, the LM, the adapter file's bytes (none for
the untrained systems), the prompt and decoding settings, and the exact task ids. A run scoring the base can then
go ahead while an adapter is still training, and the final report reuses it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Optional

from models.atomic_write import write_atomic

from .predict import Predictions


def cache_key(system: str, lm_id: str, adapter_sha256: Optional[str], settings: dict[str, Any],
              task_ids: list[str]) -> str:
    material = {"system": system, "lm_id": lm_id, "adapter": adapter_sha256, "settings": settings,
                "tasks": sorted(task_ids)}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:24]


# Settings fields added after completions were first cached, with the value that means "as before": they enter a
# key only when set otherwise, so those completions stay valid.
ADDED_LATER = {"previous_line": False, "distinct_targets": False, "package": ""}


def key_settings(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in ADDED_LATER or v != ADDED_LATER[k]}


def cached(folder: Path, key: str, make: Callable[[], Predictions]) -> tuple[Predictions, bool]:
    """The stored predictions under key, else make() stored under it; the flag says whether they were stored."""
    path = folder / f"{key}.json"
    if path.exists():
        return Predictions(**json.loads(path.read_text())), True
    out = make()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda f: f.write(json.dumps(asdict(out)).encode()))
    return out, False
