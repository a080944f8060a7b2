"""Where the base-model setup keeps what it downloads and makes (git-ignored; rebuilt by models.base.setup)."""

from __future__ import annotations

from models.lm.paths import MODELS_DIR

BASE_CACHE = MODELS_DIR / ".cache" / "base"
DOWNLOADS = BASE_CACHE / "downloads"
READER_DIR = BASE_CACHE / "pydeps"
# models/.cache/base/<pin name>/: model.gguf, lm.pt (the PyTorch checkpoint), tokenizer.json, base.json
