"""A llama-architecture GGUF file as our CodeLM: the shapes from the file's metadata, the weights dequantized.

The reader is the `gguf` package (pinned, unpacked by models.base.setup). llama.cpp's converter permutes the rows of
the query and key projections so that its RoPE, which rotates adjacent pairs, matches the Hugging Face layout, which
rotates the two halves of each head; `unpermute` undoes that, so one model (models/lm/model.py) runs every base.
Dequantization is exact: the 4-bit blocks run along each row, and the permutation moves whole rows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

from models.lm.config import LMConfig

# GGUF tensor name -> our parameter name (per block: blk.<i>.<gguf> -> blocks.<i>.<ours>).
BLOCK_TENSORS = {
    "attn_norm.weight": "attn_norm.weight", "ffn_norm.weight": "mlp_norm.weight",
    "attn_q.weight": "attn.q.weight", "attn_k.weight": "attn.k.weight", "attn_v.weight": "attn.v.weight",
    "attn_output.weight": "attn.o.weight", "ffn_gate.weight": "mlp.gate.weight", "ffn_up.weight": "mlp.up.weight",
    "ffn_down.weight": "mlp.down.weight",
}
GLOBAL_TENSORS = {"token_embd.weight": "embed.weight", "output_norm.weight": "norm.weight"}


def import_reader(folder: Path) -> ModuleType:
    """The `gguf` package from the folder the setup unpacked it into."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    import gguf  # noqa: PLC0415 (importable only once the pinned wheel is unpacked)
    return gguf


def field_value(reader: Any, key: str) -> Any:
    field = reader.fields.get(key)
    if field is None:
        raise KeyError(f"the GGUF file has no {key}")
    return field.contents()


def config_from_gguf(reader: Any, lora_alpha: float, lora_rank: int) -> LMConfig:
    arch = field_value(reader, "general.architecture")
    if arch != "llama":
        raise ValueError(f"unsupported GGUF architecture {arch!r} (this reader knows llama)")
    n_heads = int(field_value(reader, "llama.attention.head_count"))
    d_model = int(field_value(reader, "llama.embedding_length"))
    rope_dims = int(field_value(reader, "llama.rope.dimension_count"))
    if rope_dims != d_model // n_heads:
        raise ValueError(f"partial RoPE ({rope_dims} of {d_model // n_heads} dims) is not supported")
    names = {t.name for t in reader.tensors}
    if "output.weight" in names:
        raise ValueError("the GGUF file has an untied output head; CodeLM ties it to the embedding")
    return LMConfig(
        vocab_size=int(field_value(reader, "llama.vocab_size")),
        d_model=d_model,
        n_layers=int(field_value(reader, "llama.block_count")),
        n_heads=n_heads,
        n_kv_heads=int(field_value(reader, "llama.attention.head_count_kv")),
        d_ff=int(field_value(reader, "llama.feed_forward_length")),
        max_seq_len=int(field_value(reader, "llama.context_length")),
        rope_theta=float(field_value(reader, "llama.rope.freq_base")),
        norm_eps=float(field_value(reader, "llama.attention.layer_norm_rms_epsilon")),
        lora_alpha=lora_alpha,
        lora_rank=lora_rank,
    )


def unpermute(weight: np.ndarray, heads: int) -> np.ndarray:
    """Inverse of llama.cpp's `permute` for the rows [heads * head_dim, d_in] of a query or key projection."""
    rows = weight.shape[0]
    return weight.reshape(heads, rows // heads // 2, 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def our_name(gguf_name: str) -> str | None:
    if gguf_name in GLOBAL_TENSORS:
        return GLOBAL_TENSORS[gguf_name]
    parts = gguf_name.split(".", 2)
    if len(parts) == 3 and parts[0] == "blk" and parts[2] in BLOCK_TENSORS:
        return f"blocks.{parts[1]}.{BLOCK_TENSORS[parts[2]]}"
    return None


def state_dict_from_gguf(gguf: ModuleType, reader: Any, config: LMConfig) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = {}
    for tensor in reader.tensors:
        name = our_name(tensor.name)
        if name is None:
            raise ValueError(f"unexpected tensor {tensor.name} in the GGUF file")
        values = np.asarray(gguf.quants.dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
        if name.endswith("attn.q.weight"):
            values = unpermute(values, config.n_heads)
        elif name.endswith("attn.k.weight"):
            values = unpermute(values, config.kv_heads)
        state[name] = torch.from_numpy(np.array(values, dtype=np.float32, order="C"))
    return state


def quantization_summary(reader: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tensor in reader.tensors:
        counts[tensor.tensor_type.name] = counts.get(tensor.tensor_type.name, 0) + 1
    return counts
