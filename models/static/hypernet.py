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

    def zero_(self) -> None:
        """Heads that output exactly zero, so the adapter starts at the shared base, yet still learn: a head
        weight's gradient is the upstream gradient times h, which is not zero."""
        with torch.no_grad():
            for linear in [*self.head_a.values(), *self.head_b.values()]:
                linear.weight.zero_()
                linear.bias.zero_()

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


class MixtureHeads(nn.Module):
    """A_m = sum_k w_k A_m,k and B_m = sum_k w_k B_m,k with w = softmax(Linear(h)): every repository's adapter is
    a convex mixture of `config.mixture` learned adapters, which every training repository helps to learn."""

    def __init__(self, lm_config: LMConfig, config: HypernetConfig) -> None:
        super().__init__()
        self.config = config
        self.shapes = lm_config.lora_shapes(config.rank)
        self.gate = nn.Linear(config.hidden, config.mixture)
        self.a = nn.ParameterDict({m: nn.Parameter(torch.zeros(config.mixture, *self.shapes[m][0])) for m in LORA_TARGETS})
        self.b = nn.ParameterDict({m: nn.Parameter(torch.zeros(config.mixture, *self.shapes[m][1])) for m in LORA_TARGETS})

    def zero_(self) -> None:
        with torch.no_grad():
            self.gate.weight.zero_()
            self.gate.bias.zero_()

    def load_base(self, shared: LoraWeightsT, noise: float = 0.01) -> None:
        """Every mixture member starts at the shared LoRA, perturbed a little so that they can drift apart."""
        with torch.no_grad():
            for m in LORA_TARGETS:
                for side, value in ((self.a, shared[m][0]), (self.b, shared[m][1])):
                    scale = noise * float(value.abs().mean().clamp(min=1e-4))
                    side[m].copy_(value.expand_as(side[m]) + scale * torch.randn_like(side[m]))

    def forward(self, h: Tensor) -> LoraWeightsT:
        w = torch.softmax(self.gate(h), dim=-1)[None]  # [1, K]: a MatMul in the exported graph, not an Einsum

        def mix(stack: Tensor) -> Tensor:
            return (w @ stack.reshape(stack.shape[0], -1)).reshape(stack.shape[1:])
        return {m: (mix(self.a[m]), mix(self.b[m])) for m in LORA_TARGETS}


class StaticHypernet(nn.Module):
    def __init__(self, embed_dim: int, lm_config: LMConfig, config: HypernetConfig) -> None:
        super().__init__()
        self.config = config
        self.vector_dim = embed_dim
        self.vocab = lm_config.vocab_size if config.histogram_tokens > 0 else 0
        self.embed_dim = embed_dim + self.vocab  # the graph's input: [e ; token counts] with the histogram
        self.shapes = lm_config.lora_shapes(config.rank)
        self.register_buffer("input_mean", torch.zeros(embed_dim))
        self.register_buffer("input_std", torch.ones(embed_dim))
        if self.vocab:
            self.register_buffer("idf", torch.ones(self.vocab))
        self.trunk = nn.Sequential(nn.Linear(self.embed_dim, config.trunk_hidden), nn.GELU(),
                                   nn.Linear(config.trunk_hidden, config.hidden))
        self.heads: LoraHeads | MixtureHeads = MixtureHeads(lm_config, config) if config.mixture else LoraHeads(lm_config, config)
        self.dropout = nn.Dropout(config.input_dropout)
        if isinstance(self.heads, LoraHeads) and self.heads.base is not None and config.freeze_base:
            self.heads.base.requires_grad_(False)

    def set_input_statistics(self, embeddings: Tensor) -> None:
        """Standardise e with the statistics of the training repositories' inputs [repos, embed_dim] (and, with the
        histogram, take the IDF of their token counts)."""
        vectors = embeddings[:, :self.vector_dim]
        self.input_mean.copy_(vectors.mean(dim=0))
        self.input_std.copy_(vectors.std(dim=0).clamp(min=1e-4) if len(vectors) > 1 else torch.ones(self.vector_dim))
        if self.vocab:
            from .histogram import inverse_document_frequency
            self.idf.copy_(torch.from_numpy(inverse_document_frequency(embeddings[:, self.vector_dim:].numpy())))

    def features(self, embedding: Tensor) -> Tensor:
        if not self.vocab:
            return (embedding - self.input_mean) / self.input_std
        x = (embedding[..., :self.vector_dim] - self.input_mean) / self.input_std
        # The TF-IDF vector at the norm a standardised e has (sqrt of its width), so neither part drowns the other.
        tfidf = F.normalize(embedding[..., self.vector_dim:] * self.idf, dim=-1) * math.sqrt(self.vector_dim)
        return torch.cat([x, tfidf], dim=-1)

    def hidden(self, embedding: Tensor) -> Tensor:
        return math.sqrt(self.config.hidden) * F.normalize(self.trunk(self.dropout(self.features(embedding))), dim=-1)

    def forward(self, embedding: Tensor) -> LoraWeightsT:
        """embedding [embed_dim] -> {m: (A [r, d_in], B [d_out, r])}."""
        return self.heads(self.hidden(embedding))


def histogram_tokens(adapter: nn.Module) -> int:
    """The token-histogram cap a trained adapter reads (0: it reads e only, or it is not a hypernetwork)."""
    return int(adapter.config.histogram_tokens) if isinstance(adapter, StaticHypernet) else 0
