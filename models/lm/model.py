"""A small decoder-only Llama-style LM (RMSNorm, RoPE, SwiGLU, tied embeddings) with LoRA tensors as inputs.

`forward` takes the adapter as plain tensors, so a hypernetwork can produce them and receive gradients through
them, and the same graph exports to ONNX with the adapter as graph inputs (zeros give the base model). The KV cache
is a list of (key, value) tensors [batch, kv_heads, past, head_dim] (grouped-query attention shares them).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import LMConfig
from .lora import LoraWeights, PreparedLora, as_dtype, lora_delta, prepare_lora

KVCache = list[tuple[Tensor, Tensor]]


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: Tensor) -> Tensor:
        x32 = as_dtype(x, torch.float32)
        normed = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return as_dtype(normed * self.weight, x.dtype)


def rope_cos_sin(position_ids: Tensor, head_dim: int, theta: float) -> tuple[Tensor, Tensor]:
    """cos and sin [batch, 1, seq, head_dim] for the given positions (computed, not cached, so any length works)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=position_ids.device) / head_dim))
    angles = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq
    angles = torch.cat([angles, angles], dim=-1).unsqueeze(1)
    return angles.cos(), angles.sin()


def apply_rope(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    # chunk, not slices at x.shape[-1] // 2: an exported graph then splits at a constant instead of computing it.
    first, second = x.chunk(2, dim=-1)
    rotated = torch.cat([-second, first], dim=-1)
    return as_dtype(as_dtype(x, torch.float32) * cos + as_dtype(rotated, torch.float32) * sin, x.dtype)


class AdaptedLinear(nn.Linear):
    """A bias-free linear layer that adds the shared LoRA delta of its projection type when one is given."""

    def __init__(self, d_in: int, d_out: int, target: str) -> None:
        super().__init__(d_in, d_out, bias=False)
        self.target = target

    def adapted(self, x: Tensor, lora: Optional[PreparedLora]) -> Tensor:
        y = super().forward(x)
        delta = lora_delta(x, lora.get(self.target) if lora is not None else None)
        return y if delta is None else y + delta


class Attention(nn.Module):
    def __init__(self, config: LMConfig) -> None:
        super().__init__()
        d = config.d_model
        self.n_heads = config.n_heads
        self.kv_heads = config.kv_heads
        self.head_dim = config.head_dim
        self.q = AdaptedLinear(d, d, "q")
        self.k = AdaptedLinear(d, config.kv_dim, "k")
        self.v = AdaptedLinear(d, config.kv_dim, "v")
        self.o = AdaptedLinear(d, d, "o")

    def _heads(self, x: Tensor, heads: int) -> Tensor:
        return x.view(x.shape[0], -1, heads, self.head_dim).transpose(1, 2)


    def forward(
        self, x: Tensor, cos: Tensor, sin: Tensor, past: Optional[tuple[Tensor, Tensor]],
        lora: Optional[PreparedLora], blocked: Tensor,
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        q = apply_rope(self._heads(self.q.adapted(x, lora), self.n_heads), cos, sin)
        k = apply_rope(self._heads(self.k.adapted(x, lora), self.kv_heads), cos, sin)
        v = self._heads(self.v.adapted(x, lora), self.kv_heads)
        if past is not None:
            k = torch.cat([as_dtype(past[0], k.dtype), k], dim=2)
            v = torch.cat([as_dtype(past[1], v.dtype), v], dim=2)
        # Grouped-query attention without copying keys and values: query head h reads KV head h // group, so the
        # group's queries are stacked along the sequence axis, [batch, kv_heads, group * t, head_dim], and multiply
        # the KV head's keys in one plain batched product (a broadcast product over a group axis ran three times
        # slower than all the linear layers together on CPU).
        group = self.n_heads // self.kv_heads
        qg = q.reshape(q.shape[0], self.kv_heads, -1, self.head_dim)
        scores = as_dtype(qg @ k.transpose(-1, -2), torch.float32) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(blocked, torch.finfo(torch.float32).min)
        weights = as_dtype(scores.softmax(dim=-1), v.dtype)
        out = (weights @ v).reshape(x.shape[0], self.n_heads, -1, self.head_dim).transpose(1, 2)
        out = out.reshape(x.shape[0], -1, self.n_heads * self.head_dim)
        return self.o.adapted(out, lora), (k, v)


def causal_blocked(t: int, total: int, group: int, device: torch.device) -> Tensor:
    """[group * t, total], True where a query may not look: the queries of a KV head's group are stacked along the
    sequence axis (Attention), and query i (absolute index total - t + i) sees keys 0..total - t + i. Made once per
    forward, not per layer, so an exported graph computes it once."""
    key_index = torch.arange(total, device=device)
    query_index = (torch.arange(t, device=device) + (total - t)).repeat(group)
    return key_index.unsqueeze(0) > query_index.unsqueeze(1)


class SwiGLU(nn.Module):
    def __init__(self, config: LMConfig) -> None:
        super().__init__()
        self.gate = AdaptedLinear(config.d_model, config.d_ff, "gate")
        self.up = AdaptedLinear(config.d_model, config.d_ff, "up")
        self.down = AdaptedLinear(config.d_ff, config.d_model, "down")

    def forward(self, x: Tensor, lora: Optional[PreparedLora]) -> Tensor:
        hidden = F.silu(self.gate.adapted(x, lora)) * self.up.adapted(x, lora)
        return self.down.adapted(hidden, lora)


class Block(nn.Module):
    def __init__(self, config: LMConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(config.d_model, config.norm_eps)
        self.attn = Attention(config)
        self.mlp_norm = RMSNorm(config.d_model, config.norm_eps)
        self.mlp = SwiGLU(config)

    def forward(
        self, x: Tensor, cos: Tensor, sin: Tensor, past: Optional[tuple[Tensor, Tensor]],
        lora: Optional[PreparedLora], blocked: Tensor,
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        attn_out, present = self.attn(self.attn_norm(x), cos, sin, past, lora, blocked)
        x = x + attn_out
        x = x + self.mlp(self.mlp_norm(x), lora)
        return x, present


class CodeLM(nn.Module):
    def __init__(self, config: LMConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layers)])
        self.norm = RMSNorm(config.d_model, config.norm_eps)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        std = 0.02
        residual_std = std / math.sqrt(2 * self.config.n_layers)
        for name, p in self.named_parameters():
            if p.dim() < 2:
                continue
            out_projection = name.endswith("o.weight") or name.endswith("down.weight")
            nn.init.normal_(p, mean=0.0, std=residual_std if out_projection else std)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def hidden_states(
        self, input_ids: Tensor, position_ids: Optional[Tensor] = None, past: Optional[KVCache] = None,
        lora: Optional[LoraWeights] = None,
    ) -> tuple[Tensor, KVCache]:
        """Final-norm hidden states [batch, seq, d_model] and the present KV cache."""
        b, t = input_ids.shape
        if position_ids is None:
            offset = past[0][0].shape[2] if past else 0
            position_ids = (torch.arange(t, device=input_ids.device) + offset).unsqueeze(0).expand(b, t)
        return self.run_blocks(self.embed(input_ids), position_ids, past, lora)

    def run_blocks(
        self, x: Tensor, position_ids: Tensor, past: Optional[KVCache], lora: Optional[LoraWeights],
        layers: int = 0,
    ) -> tuple[Tensor, KVCache]:
        """The transformer body on input embeddings x [batch, seq, d_model]: final-norm hidden states and presents
        (after the first `layers` blocks only, when > 0)."""
        cos, sin = rope_cos_sin(position_ids, self.config.head_dim, self.config.rope_theta)
        t = x.shape[1]
        blocked = causal_blocked(t, t + (past[0][0].shape[2] if past else 0),
                                 self.config.n_heads // self.config.kv_heads, x.device)
        prepared = prepare_lora(lora, self.config.lora_alpha)
        presents: KVCache = []
        for i, block in enumerate(self.blocks[:layers] if layers > 0 else self.blocks):
            x, present = block(x, cos, sin, past[i] if past else None, prepared, blocked)
            presents.append(present)
        return self.norm(x), presents

    def logits(self, hidden: Tensor) -> Tensor:
        """The tied output head: hidden states times the embedding matrix."""
        return hidden @ as_dtype(self.embed.weight.transpose(0, 1), hidden.dtype)

    def forward(
        self, input_ids: Tensor, position_ids: Optional[Tensor] = None, past: Optional[KVCache] = None,
        lora: Optional[LoraWeights] = None,
    ) -> tuple[Tensor, KVCache]:
        hidden, presents = self.hidden_states(input_ids, position_ids, past, lora)
        return self.logits(hidden), presents

    def pooled(self, input_ids: Tensor, attention_mask: Tensor, layers: int = 0) -> Tensor:
        """Mean of the final-norm hidden states over the real (mask = 1) tokens: the repository encoder's chunk
        vector; with `layers` > 0, of the states after that many blocks (a cheaper encoder from the lower layers).

        Padding must be on the right: with causal attention real tokens never see it.
        """
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0).expand(b, t)
        hidden, _ = self.run_blocks(self.embed(input_ids), positions, None, None, layers)
        mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
