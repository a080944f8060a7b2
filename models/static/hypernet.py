"""Code2LoRA-Static hypernetwork: repository embedding e -> one (A, B) LoRA pair per projection type.

h = sqrt(H) * L2normalise(Linear -> GELU -> Linear (standardised e));  A_m = tanh(head_A_m(h)) * exp(s_A_m),
B_m = tanh(head_B_m(h)) * exp(s_B_m), with learnable log-scales s initialised to log_scale_init and exp(s) clamped
to [scale_min, scale_max]. e is standardised with the training repositories' mean and std (buffers, exported with
the graph), because the pooled hidden states of a small LM have very uneven scales across dimensions.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from models.lm.config import LORA_TARGETS, LMConfig

from .config import HypernetConfig


class StaticHypernet(nn.Module):
    def __init__(self, embed_dim: int, lm_config: LMConfig, config: HypernetConfig) -> None:
        super().__init__()
        self.config = config
        self.embed_dim = embed_dim
        self.shapes = lm_config.lora_shapes(config.rank)
        self.register_buffer("input_mean", torch.zeros(embed_dim))
        self.register_buffer("input_std", torch.ones(embed_dim))
        self.trunk = nn.Sequential(nn.Linear(embed_dim, config.trunk_hidden), nn.GELU(),
                                   nn.Linear(config.trunk_hidden, config.hidden))
        self.head_a = nn.ModuleDict({m: nn.Linear(config.hidden, math.prod(self.shapes[m][0])) for m in LORA_TARGETS})
        self.head_b = nn.ModuleDict({m: nn.Linear(config.hidden, math.prod(self.shapes[m][1])) for m in LORA_TARGETS})
        self.log_scale_a = nn.ParameterDict({m: nn.Parameter(torch.tensor(config.log_scale_init)) for m in LORA_TARGETS})
        self.log_scale_b = nn.ParameterDict({m: nn.Parameter(torch.tensor(config.log_scale_init)) for m in LORA_TARGETS})

    def set_input_statistics(self, embeddings: Tensor) -> None:
        """Standardise e with the statistics of the training repositories' embeddings [repos, embed_dim]."""
        self.input_mean.copy_(embeddings.mean(dim=0))
        self.input_std.copy_(embeddings.std(dim=0).clamp(min=1e-4) if len(embeddings) > 1 else torch.ones(self.embed_dim))

    def hidden(self, embedding: Tensor) -> Tensor:
        x = (embedding - self.input_mean) / self.input_std
        return math.sqrt(self.config.hidden) * F.normalize(self.trunk(x), dim=-1)

    def _scale(self, s: Tensor) -> Tensor:
        return s.exp().clamp(self.config.scale_min, self.config.scale_max)

    def forward(self, embedding: Tensor) -> dict[str, tuple[Tensor, Tensor]]:
        """embedding [embed_dim] -> {m: (A [r, d_in], B [d_out, r])}."""
        h = self.hidden(embedding)
        out: dict[str, tuple[Tensor, Tensor]] = {}
        for m in LORA_TARGETS:
            a = torch.tanh(self.head_a[m](h)) * self._scale(self.log_scale_a[m])
            b = torch.tanh(self.head_b[m](h)) * self._scale(self.log_scale_b[m])
            out[m] = (a.reshape(self.shapes[m][0]), b.reshape(self.shapes[m][1]))
        return out


class SharedLora(nn.Module):
    """The single-shared-LoRA baseline (and, trained on one repository, the per-repository LoRA): the same (A, B)
    per projection type for every repository; A starts like a Linear weight, B at zero (the usual LoRA start)."""

    def __init__(self, lm_config: LMConfig, rank: int) -> None:
        super().__init__()
        self.shapes = lm_config.lora_shapes(rank)
        self.a = nn.ParameterDict()
        self.b = nn.ParameterDict()
        for m in LORA_TARGETS:
            a = torch.empty(self.shapes[m][0])
            nn.init.kaiming_uniform_(a, a=math.sqrt(5))
            self.a[m] = nn.Parameter(a)
            self.b[m] = nn.Parameter(torch.zeros(self.shapes[m][1]))

    def forward(self, embedding: Tensor) -> dict[str, tuple[Tensor, Tensor]]:
        del embedding  # the same adapter for every repository
        return {m: (self.a[m], self.b[m]) for m in LORA_TARGETS}
