"""The encoder's forward pass: BERT (post-layer-norm, GELU, absolute positions), the sentence-transformers pipeline
after it (mean over the chunk's tokens, [CLS] and [SEP] included, then unit length). Weights read from the
package's model.safetensors with numpy."""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).copy()
    return out


@dataclass(frozen=True)
class BertConfig:
    d_model: int
    layers: int
    heads: int
    d_ff: int
    vocab_size: int
    max_positions: int
    eps: float

    @classmethod
    def load(cls, path: Path) -> "BertConfig":
        v = json.loads(path.read_text())
        return cls(v["hidden_size"], v["num_hidden_layers"], v["num_attention_heads"], v["intermediate_size"],
                   v["vocab_size"], v["max_position_embeddings"], float(v["layer_norm_eps"]))


class BertLayer(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.heads = c.heads
        self.qkv = nn.Linear(c.d_model, 3 * c.d_model)
        self.out = nn.Linear(c.d_model, c.d_model)
        self.norm1 = nn.LayerNorm(c.d_model, eps=c.eps)
        self.up = nn.Linear(c.d_model, c.d_ff)
        self.down = nn.Linear(c.d_ff, c.d_model)
        self.norm2 = nn.LayerNorm(c.d_model, eps=c.eps)

    def forward(self, x: Tensor, key_mask: Tensor) -> Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads)
        scores = scores.masked_fill(~key_mask[:, None, None, :], float("-inf"))
        attended = scores.softmax(dim=-1) @ v
        x = self.norm1(x + self.out(attended.transpose(1, 2).reshape(b, t, d)))
        return self.norm2(x + self.down(F.gelu(self.up(x))))


class MiniBert(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.words = nn.Embedding(config.vocab_size, config.d_model)
        self.positions = nn.Embedding(config.max_positions, config.d_model)
        self.token_type = nn.Parameter(torch.zeros(config.d_model))   # every token is of type 0
        self.norm = nn.LayerNorm(config.d_model, eps=config.eps)
        self.blocks = nn.ModuleList(BertLayer(config) for _ in range(config.layers))

    @classmethod
    def load(cls, folder: Path) -> "MiniBert":
        model = cls(BertConfig.load(folder / "config.json"))
        w = {k: torch.from_numpy(v) for k, v in read_safetensors(folder / "model.safetensors").items()}
        state = {"words.weight": w["embeddings.word_embeddings.weight"],
                 "positions.weight": w["embeddings.position_embeddings.weight"],
                 "token_type": w["embeddings.token_type_embeddings.weight"][0],
                 "norm.weight": w["embeddings.LayerNorm.weight"], "norm.bias": w["embeddings.LayerNorm.bias"]}
        for i in range(model.config.layers):
            p = f"encoder.layer.{i}."
            qkv = [p + f"attention.self.{n}" for n in ("query", "key", "value")]
            state |= {f"blocks.{i}.qkv.weight": torch.cat([w[n + ".weight"] for n in qkv]),
                      f"blocks.{i}.qkv.bias": torch.cat([w[n + ".bias"] for n in qkv]),
                      f"blocks.{i}.out.weight": w[p + "attention.output.dense.weight"],
                      f"blocks.{i}.out.bias": w[p + "attention.output.dense.bias"],
                      f"blocks.{i}.norm1.weight": w[p + "attention.output.LayerNorm.weight"],
                      f"blocks.{i}.norm1.bias": w[p + "attention.output.LayerNorm.bias"],
                      f"blocks.{i}.up.weight": w[p + "intermediate.dense.weight"],
                      f"blocks.{i}.up.bias": w[p + "intermediate.dense.bias"],
                      f"blocks.{i}.down.weight": w[p + "output.dense.weight"],
                      f"blocks.{i}.down.bias": w[p + "output.dense.bias"],
                      f"blocks.{i}.norm2.weight": w[p + "output.LayerNorm.weight"],
                      f"blocks.{i}.norm2.bias": w[p + "output.LayerNorm.bias"]}
        model.load_state_dict(state)
        model.eval()
        for param in model.parameters():
            param.requires_grad_(False)
        return model

    def pooled(self, input_ids: Tensor, attention_mask: Tensor, layers: int = 0, cls: int = 101,
               sep: int = 102) -> Tensor:
        """Unit-length mean vectors of right-padded chunks, each run as [CLS] chunk [SEP] (`layers` > 0: the
        states after that many layers)."""
        b, t = input_ids.shape
        lengths = attention_mask.sum(dim=1)
        ids = torch.zeros((b, t + 2), dtype=torch.long)
        ids[:, 0] = cls
        ids[:, 1:t + 1] = input_ids * attention_mask
        ids[torch.arange(b), lengths + 1] = sep
        mask = torch.arange(t + 2)[None, :] < (lengths + 2)[:, None]
        x = self.norm(self.words(ids) + self.positions(torch.arange(t + 2))[None] + self.token_type)
        for block in self.blocks[:layers if layers > 0 else len(self.blocks)]:
            x = block(x, mask)
        m = mask.to(x.dtype).unsqueeze(-1)
        mean = (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return F.normalize(mean, dim=-1)
