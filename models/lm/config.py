"""The code LM's architecture, read from a JSON file under models/configs/ (sizes live in config, not in code)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CONFIGS_DIR = Path(__file__).resolve().parents[1] / "configs"

# The projection types that carry a LoRA adapter, in the order every file (ONNX inputs, hypernetwork heads) uses.
LORA_TARGETS: tuple[str, ...] = ("q", "k", "v", "o", "gate", "up", "down")


@dataclass(frozen=True)
class LMConfig:
    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    d_ff: int
    max_seq_len: int
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    lora_alpha: float = 16.0
    lora_rank: int = 8  # the default rank; the model itself reads the rank from the A/B tensors it is given
    # Grouped-query attention: key/value heads shared by n_heads // n_kv_heads query heads each (0 = n_heads).
    n_kv_heads: int = 0

    def __post_init__(self) -> None:
        if self.d_model % self.n_heads or self.n_heads % self.kv_heads:
            raise ValueError(f"{self.n_heads} heads do not divide d_model {self.d_model} or into {self.kv_heads} KV heads")

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def kv_heads(self) -> int:
        return self.n_kv_heads or self.n_heads

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.head_dim

    def lora_shapes(self, rank: int | None = None) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
        """For each target m: (shape of A_m [r, d_in], shape of B_m [d_out, r])."""
        r = self.lora_rank if rank is None else rank
        d, f, kv = self.d_model, self.d_ff, self.kv_dim
        dims = {"q": (d, d), "k": (d, kv), "v": (d, kv), "o": (d, d), "gate": (d, f), "up": (d, f), "down": (f, d)}
        return {m: ((r, d_in), (d_out, r)) for m, (d_in, d_out) in dims.items()}

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        # Without grouped-query attention the config is written as it was before the field existed: an LM's id is
        # its checkpoint file's sha256, so an extra key gives the same weights another id, and the adapters and
        # caches made for them no longer load (the 5.3M LM rebuilt from lm.onnx did exactly that).
        if values["n_kv_heads"] == 0:
            del values["n_kv_heads"]
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "LMConfig":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})

    @classmethod
    def load(cls, path: Path) -> "LMConfig":
        return cls.from_dict(json.loads(path.read_text()))
