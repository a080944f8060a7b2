"""The packaged text encoder as a RepoEncoder: its BERT and WordPiece tokenizer, keyed in the vector cache by the
pinned weights' sha256 and the layers pooled."""

from __future__ import annotations

from pathlib import Path

from models.base.pins import CONFIGS_DIR

from ..config import EncoderConfig
from ..repo_encoder import RepoEncoder
from .bert import MiniBert
from .setup import EncoderPin, require
from .wordpiece import WordPiece, WordPieceTokens


def open_text_encoder(config: EncoderConfig, vectors_dir: Path) -> RepoEncoder:
    pin_path = CONFIGS_DIR / config.package
    folder = require(pin_path)
    pin = EncoderPin.load(pin_path)
    model = MiniBert.load(folder)
    tokens = WordPieceTokens(WordPiece.load(folder / "vocab.txt"))
    encoder_id = f"{pin.name}-{pin.sha256['model.safetensors'][:12]}"
    if config.layers > 0:
        encoder_id += f"-L{config.layers}"
    return RepoEncoder(model, encoder_id, config, vectors_dir, tokens)
