"""Where the evolution track keeps its files (git-ignored caches) and what it ships."""

from __future__ import annotations

from models.static.paths import CONFIGS_DIR, MODELS_DIR, PUBLIC_MODELS

EVO_CACHE = MODELS_DIR / ".cache" / "evo"
STEP_EMBEDDINGS_DIR = EVO_CACHE / "steps"            # per sequence: initial snapshot and per-step diff embeddings
RUNS_DIR = EVO_CACHE / "runs"
PREDICTIONS_DIR = EVO_CACHE / "predictions"
PARITY_DIR = MODELS_DIR / "evo" / "parity"

__all__ = ["CONFIGS_DIR", "EVO_CACHE", "PARITY_DIR", "PREDICTIONS_DIR", "PUBLIC_MODELS", "RUNS_DIR",
           "STEP_EMBEDDINGS_DIR"]
