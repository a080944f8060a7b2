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

LoraWeightsT = dict[str, tuple[Tensor, Tensor]]


class SharedLora(nn.Module):
    """The single-shared-LoRA baseline (and, trained on one repository, the per-repository LoRA): the same (A, B)
    per projection type for every repository; A starts like a Linear weight, B at zero (the usual LoRA start).
    With zero=True both start at zero (the shared base of the hypernetwork heads)."""

    def __init__(self, lm_config: LMConfig, rank: int, zero: bool = False) -> None:
        super().__init__()
        self.shapes = lm_config.lora_shapes(rank)
        self.a = nn.ParameterDict()
        self.b = nn.ParameterDict()
        for m in LORA_TARGETS:
            a = torch.zeros(self.shapes[m][0])
            if not zero:
                nn.init.kaiming_uniform_(a, a=math.sqrt(5))
            self.a[m] = nn.Parameter(a)
            self.b[m] = nn.Parameter(torch.zeros(self.shapes[m][1]))

    def forward(self, embedding: Tensor) -> LoraWeightsT:
        del embedding  # the same adapter for every repository
        return {m: (self.a[m], self.b[m]) for m in LORA_TARGETS}


class LoraHeads(nn.Module):
    """The paper's heads on a hidden state h [hidden]: A_m = tanh(head_A_m(h)) * exp(s_A_m) (and B likewise), plus
    the learned shared base when config.shared_base. Static reads h from its trunk, Evo from LayerNorm(z_t)."""

    def __init__(self, lm_config: LMConfig, config: HypernetConfig) -> None:
        super().__init__()
        self.config = config
        self.shapes = lm_config.lora_shapes(config.rank)
        self.head_a = nn.ModuleDict({m: nn.Linear(config.hidden, math.prod(self.shapes[m][0])) for m in LORA_TARGETS})
        self.head_b = nn.ModuleDict({m: nn.Linear(config.hidden, math.prod(self.shapes[m][1])) for m in LORA_TARGETS})
        self.log_scale_a = nn.ParameterDict({m: nn.Parameter(torch.tensor(config.log_scale_init)) for m in LORA_TARGETS})
        self.log_scale_b = nn.ParameterDict({m: nn.Parameter(torch.tensor(config.log_scale_init)) for m in LORA_TARGETS})
        self.base = SharedLora(lm_config, config.rank, zero=True) if config.shared_base else None

    def _scale(self, s: Tensor) -> Tensor:
        return s.exp().clamp(self.config.scale_min, self.config.scale_max)

    def load_base(self, shared: LoraWeightsT) -> None:
        """Start the shared base at a trained single shared LoRA's (A, B)."""
        if self.base is None:
            raise ValueError("these heads have no shared base (config.shared_base is off)")
        with torch.no_grad():
            for m in LORA_TARGETS:
                self.base.a[m].copy_(shared[m][0])
                self.base.b[m].copy_(shared[m][1])

    def forward(self, h: Tensor) -> LoraWeightsT:
        out: LoraWeightsT = {}
        for m in LORA_TARGETS:
            a = (torch.tanh(self.head_a[m](h)) * self._scale(self.log_scale_a[m])).reshape(self.shapes[m][0])
            b = (torch.tanh(self.head_b[m](h)) * self._scale(self.log_scale_b[m])).reshape(self.shapes[m][1])
            if self.base is not None:
                a = a + self.base.a[m]
                b = b + self.base.b[m]
            out[m] = (a, b)
        return out


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
        self.heads = LoraHeads(lm_config, config)

    def set_input_statistics(self, embeddings: Tensor) -> None:
        """Standardise e with the statistics of the training repositories' embeddings [repos, embed_dim]."""
        self.input_mean.copy_(embeddings.mean(dim=0))
        self.input_std.copy_(embeddings.std(dim=0).clamp(min=1e-4) if len(embeddings) > 1 else torch.ones(self.embed_dim))

    def hidden(self, embedding: Tensor) -> Tensor:
        x = (embedding - self.input_mean) / self.input_std
        return math.sqrt(self.config.hidden) * F.normalize(self.trunk(x), dim=-1)

    def forward(self, embedding: Tensor) -> LoraWeightsT:
        """embedding [embed_dim] -> {m: (A [r, d_in], B [d_out, r])}."""
        return self.heads(self.hidden(embedding))
