"""Our shared-across-layers LoRA, written per layer under the names llama.cpp and PEFT use for a llama model.

Code2LoRA's adapter is one (A, B) per projection type, applied in every layer; both formats expect a pair per layer
and projection, so the pair is repeated. llama.cpp's converter permutes the rows of the query and key projections
(its RoPE rotates adjacent pairs, ours and Hugging Face's the two halves of a head), so the query and key B
matrices are permuted the same way for GGUF; PEFT's layout is ours.
"""

from __future__ import annotations

import numpy as np

from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.lora import LoraWeights

GGUF_TENSOR = {"q": "attn_q", "k": "attn_k", "v": "attn_v", "o": "attn_output", "gate": "ffn_gate", "up": "ffn_up",
               "down": "ffn_down"}
PEFT_MODULE = {"q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj", "o": "self_attn.o_proj",
               "gate": "mlp.gate_proj", "up": "mlp.up_proj", "down": "mlp.down_proj"}
PEFT_PREFIX = "base_model.model.model.layers"


def permute(weight: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's `permute` of the rows [heads * head_dim, ...] of a query or key projection (models.base's
    `unpermute` is its inverse)."""
    rows = weight.shape[0]
    return weight.reshape(heads, 2, rows // heads // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def as_numpy(lora: LoraWeights) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    missing = [m for m in LORA_TARGETS if m not in lora]
    if missing:
        raise ValueError(f"the adapter has no matrices for {missing}")
    return {m: (lora[m][0].detach().float().cpu().numpy(), lora[m][1].detach().float().cpu().numpy())
            for m in LORA_TARGETS}


def gguf_tensors(lora: LoraWeights, config: LMConfig) -> dict[str, np.ndarray]:
    pairs = as_numpy(lora)
    heads = {"q": config.n_heads, "k": config.kv_heads}
    out: dict[str, np.ndarray] = {}
    for layer in range(config.n_layers):
        for m, (a, b) in pairs.items():
            name = f"blk.{layer}.{GGUF_TENSOR[m]}.weight"
            out[f"{name}.lora_a"] = np.ascontiguousarray(a)
            out[f"{name}.lora_b"] = np.ascontiguousarray(permute(b, heads[m]) if m in heads else b)
    return out


def peft_tensors(lora: LoraWeights, config: LMConfig) -> dict[str, np.ndarray]:
    pairs = as_numpy(lora)
    out: dict[str, np.ndarray] = {}
    for layer in range(config.n_layers):
        for m, (a, b) in pairs.items():
            name = f"{PEFT_PREFIX}.{layer}.{PEFT_MODULE[m]}"
            out[f"{name}.lora_A.weight"] = np.ascontiguousarray(a)
            out[f"{name}.lora_B.weight"] = np.ascontiguousarray(b)
    return out


def shared_from_peft(tensors: dict[str, np.ndarray], config: LMConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The shared pair back from a per-layer PEFT state; refuses one whose layers differ (not a Code2LoRA file)."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for m in LORA_TARGETS:
        first = tuple(tensors[f"{PEFT_PREFIX}.0.{PEFT_MODULE[m]}.lora_{x}.weight"] for x in "AB")
        for layer in range(1, config.n_layers):
            for x, ref in zip("AB", first):
                if not np.array_equal(tensors[f"{PEFT_PREFIX}.{layer}.{PEFT_MODULE[m]}.lora_{x}.weight"], ref):
                    raise ValueError(f"layer {layer} of {PEFT_MODULE[m]} differs from layer 0: not a shared adapter")
        out[m] = (first[0], first[1])
    return out
