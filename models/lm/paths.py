"""Where the LM stage keeps its files: git-ignored caches under models/.cache and the served artifacts."""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = MODELS_DIR.parent
LM_CACHE = MODELS_DIR / ".cache" / "lm"
TOKENS_DIR = LM_CACHE / "tokens"
RUNS_DIR = LM_CACHE / "runs"
CORPUS_DIR = MODELS_DIR / ".cache" / "corpus"
BENCH_DIR = MODELS_DIR / ".cache" / "bench"
PUBLIC_MODELS = REPO_DIR / "public" / "models"
TOKENIZER_JSON = PUBLIC_MODELS / "tokenizer.json"
DEFAULT_CONFIG = MODELS_DIR / "configs" / "lm.json"
DEFAULT_TRAIN_CONFIG = MODELS_DIR / "configs" / "lm_train.json"
