"""Where the static track keeps its files: git-ignored caches under models/.cache/static and the served artifacts."""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = MODELS_DIR.parent
STATIC_CACHE = MODELS_DIR / ".cache" / "static"
FILE_VECTORS_DIR = STATIC_CACHE / "file_vectors"     # one .npz per (encoder, file content, chunks encoded)
FILES_CACHE_DIR = STATIC_CACHE / "files"             # production files of each repository, read once from its tarball
TOKENS_CACHE_DIR = STATIC_CACHE / "tokens"           # tokenised tasks and production files, per tokenizer
RUNS_DIR = STATIC_CACHE / "runs"                     # training runs: checkpoints and logs
PREDICTIONS_DIR = STATIC_CACHE / "predictions"       # per-system predictions of the scored tasks
CONFIGS_DIR = MODELS_DIR / "configs"
PUBLIC_MODELS = REPO_DIR / "public" / "models"
RESULTS_MD = MODELS_DIR / "RESULTS.md"
RESULTS_JSON = MODELS_DIR / "results.json"
WEIGHTS_DIR = MODELS_DIR / "weights"                 # committed trained weights (single, static, evo) that scoring reads
PARITY_DIR = MODELS_DIR / "static" / "parity"        # small committed PyTorch reference outputs of the export
