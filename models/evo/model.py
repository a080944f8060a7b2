"""Code2LoRA-Evo: a GRU state that follows a repository's history and drives the Static head design.

z_0 = LayerNorm(Linear -> GELU -> Linear (standardised e_snapshot)); z_t = GRU(LayerNorm(Linear(standardised e_t)),
z_{t-1}) for each step that changes production code; the adapter after step t is heads(LayerNorm(z_t)), with the
heads of models.static.hypernet (tanh, learnable log-scales, optional shared base). The GRU cell is written out
with MatMul/Sigmoid/Tanh/Mul so that the exported step graph uses only ops onnxruntime-web runs on WebGPU.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from models.lm.config import LMConfig
from models.static.config import HypernetConfig
from models.static.hypernet import LoraHeads, LoraWeightsT

from .config import EvoConfig


class GruCell(nn.Module):
    """torch.nn.GRUCell's equations (r, u gates; n = tanh(W_n x + b_n + r * (U_n z + c_n))), spelled out."""

    def __init__(self, inputs: int, state: int) -> None:
        super().__init__()
        self.x = nn.Linear(inputs, 3 * state)
        self.z = nn.Linear(state, 3 * state)
        self.state = state

    def forward(self, x: Tensor, z: Tensor) -> Tensor:
        xr, xu, xn = self.x(x).split(self.state, dim=-1)
        zr, zu, zn = self.z(z).split(self.state, dim=-1)
        r = torch.sigmoid(xr + zr)
        u = torch.sigmoid(xu + zu)
        n = torch.tanh(xn + r * zn)
        return (1 - u) * n + u * z


class Standardise(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    def fit(self, rows: Tensor) -> None:
        self.mean.copy_(rows.mean(dim=0))
        self.std.copy_(rows.std(dim=0).clamp(min=1e-4) if len(rows) > 1 else torch.ones_like(self.std))

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.std


class EvoHypernet(nn.Module):
    def __init__(self, embed_dim: int, lm_config: LMConfig, heads: HypernetConfig, config: EvoConfig) -> None:
        super().__init__()
        if heads.hidden != config.state:
            raise ValueError(f"the heads read LayerNorm(z): hidden {heads.hidden} must equal the state {config.state}")
        self.config = config
        self.embed_dim = embed_dim
        self.init_input = Standardise(embed_dim)
        self.step_input = Standardise(embed_dim)
        self.init = nn.Sequential(nn.Linear(embed_dim, config.init_hidden), nn.GELU(),
                                  nn.Linear(config.init_hidden, config.state), nn.LayerNorm(config.state))
        self.project = nn.Sequential(nn.Linear(embed_dim, config.step_input), nn.LayerNorm(config.step_input))
        self.cell = GruCell(config.step_input, config.state)
        if config.update_gate_bias:
            with torch.no_grad():
                self.cell.x.bias[config.state:2 * config.state] += config.update_gate_bias
        self.read = nn.LayerNorm(config.state)
        self.heads = LoraHeads(lm_config, heads)

    def start(self, snapshot: Tensor) -> Tensor:
        """z_0 [state] from the starting snapshot's embedding [E]."""
        return self.init(self.init_input(snapshot))

    def step(self, z: Tensor, diff: Tensor) -> Tensor:
        """z_t from z_{t-1} [state] and a step's diff embedding [E]."""
        return self.cell(self.project(self.step_input(diff)), z)

    def adapter(self, z: Tensor) -> LoraWeightsT:
        return self.heads(self.read(z))
