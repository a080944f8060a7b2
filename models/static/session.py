"""What every static-track command opens first: the frozen LM, the tokenizer cache, the configs, the encoder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from models.lm.paths import REPO_DIR, TOKENIZER_JSON

from .config import EncoderConfig, HypernetConfig, StaticConfig
from .frozen_lm import load_frozen_lm
from .hypernet import SharedLora, StaticHypernet
from .paths import FILE_VECTORS_DIR, TOKENS_CACHE_DIR
from .repo_encoder import RepoEncoder
from .tokens import TokenCache
from models.lm.model import CodeLM

METHODS = ("static", "single")


@dataclass
class Session:
    lm: CodeLM
    lm_id: str
    tokens: TokenCache
    config: StaticConfig
    encoder: RepoEncoder
    tokens_dir: Path = TOKENS_CACHE_DIR
    vectors_dir: Path = FILE_VECTORS_DIR

    @property
    def embed_dim(self) -> int:
        """[weighted mean ; max] of the encoder's vectors: twice the encoder LM's width (not the base's)."""
        return 2 * self.encoder.lm.config.d_model


def tokenizer_for(lm_checkpoint: Path) -> Path:
    """A pretrained base keeps its tokenizer.json beside its checkpoint (models.base.setup); our own LM uses the
    served one."""
    beside = lm_checkpoint.parent / "tokenizer.json"
    return beside if beside.exists() else TOKENIZER_JSON


def open_session(lm_checkpoint: Path, config: StaticConfig, tokenizer: Path | None = None,
                 tokens_dir: Path = TOKENS_CACHE_DIR, vectors_dir: Path = FILE_VECTORS_DIR) -> Session:
    lm, lm_id = load_frozen_lm(lm_checkpoint)
    tokens = TokenCache(tokenizer or tokenizer_for(lm_checkpoint), tokens_dir)
    if tokens.tokenizer.vocab_size > lm.config.vocab_size:
        raise ValueError(f"tokenizer has {tokens.tokenizer.vocab_size} ids, the LM only {lm.config.vocab_size}")
    encoder = open_encoder(config.encoder, lm, lm_id, tokens, tokens_dir, vectors_dir)
    return Session(lm, lm_id, tokens, config, encoder, tokens_dir, vectors_dir)


def open_encoder(config: EncoderConfig, lm: CodeLM, lm_id: str, tokens: TokenCache, tokens_dir: Path,
                 vectors_dir: Path) -> RepoEncoder:
    """The session's own LM as the encoder, or the LM config.lm names (with its own tokenizer); the encoder id
    keys the vector cache, so it names the checkpoint and the layers pooled."""
    if config.package:
        from .text_encoder.load import open_text_encoder
        return open_text_encoder(config, vectors_dir)
    if config.lm:
        path = REPO_DIR / config.lm
        lm, lm_id = load_frozen_lm(path)
        tokens = TokenCache(tokenizer_for(path), tokens_dir)
    encoder_id = lm_id if config.layers <= 0 else f"{lm_id}-L{config.layers}"
    return RepoEncoder(lm, encoder_id, config, vectors_dir, tokens)


def trained_encoder(checkpoint: Path) -> EncoderConfig | None:
    """The frozen encoder a hypernetwork run was trained with (its config travels in the checkpoint); None for a
    single shared LoRA, which reads no embedding."""
    state = torch.load(checkpoint, map_location="cpu")
    if state.get("method") != "static" or "static_config" not in state:
        return None
    return StaticConfig.from_dict(state["static_config"]).encoder


def encoder_for(session: Session, config: EncoderConfig) -> RepoEncoder:
    """The session's encoder where the config is its own, else that encoder opened beside it (same caches)."""
    if config == session.config.encoder:
        return session.encoder
    return open_encoder(config, session.lm, session.lm_id, session.tokens, session.tokens_dir, session.vectors_dir)


def build_adapter(method: str, session: Session, hypernet: HypernetConfig | None = None,
                  embed_dim: int | None = None) -> nn.Module:
    """`embed_dim`: the width of the embeddings a trained hypernetwork reads (its encoder's), if not the session's."""
    if method == "static":
        return StaticHypernet(embed_dim or session.embed_dim, session.lm.config, hypernet or session.config.hypernet)
    if method == "single":
        return SharedLora(session.lm.config, session.config.hypernet.rank)
    raise ValueError(f"unknown method {method!r} (one of {METHODS})")


def load_shared_lora(checkpoint: Path, session: Session) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """The (A, B) pairs of a trained single-shared-LoRA run."""
    adapter = load_adapter(checkpoint, session)
    if not isinstance(adapter, SharedLora):
        raise ValueError(f"{checkpoint} is not a single shared LoRA run")
    return {m: (a.detach().clone(), b.detach().clone()) for m, (a, b) in adapter(torch.zeros(1)).items()}


def load_adapter(checkpoint: Path, session: Session) -> nn.Module:
    state = torch.load(checkpoint, map_location="cpu")
    if state["lm_id"] != session.lm_id:
        raise ValueError(f"{checkpoint} was trained on LM {state['lm_id']}, not on {session.lm_id}")
    # A run is rebuilt with the hypernetwork sizes it was trained with (its config travels in the checkpoint).
    trained = StaticConfig.from_dict(state["static_config"]).hypernet if "static_config" in state else None
    adapter = build_adapter(str(state["method"]), session, trained, state.get("embed_dim"))
    adapter.load_state_dict(state["state"])
    adapter.eval()
    for p in adapter.parameters():
        p.requires_grad_(False)
    return adapter
