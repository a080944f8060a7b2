"""The base's 8-bit WASM graph (models/export/int8_graph.py) computed in PyTorch, operation for operation, so that
the Python scorer decodes what the app decodes on WASM.

Each weight product: the activation quantized per token to uint8 (its own scale and zero point), multiplied with the
int8 weight codes exactly (float64 holds every sum: at most 255 * 127 * 1536 < 2^53), the zero point taken out
exactly, one rounding to float32, then the token's scale and the column's scale, in the graph's order. The tied
embedding's lookup reads the same int8 table times its per-entry scales. The adapter's low-rank path stays float.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import numpy as np
import torch
from torch import Tensor

from .lora import PreparedLora, lora_delta
from .model import AdaptedLinear, CodeLM


@dataclass(frozen=True)
class ColumnQuantized:
    """A [in, out] float32 weight as int8 codes, its per-column scale and the codes' column sums."""

    codes: np.ndarray  # int8 [in, out]
    scale: np.ndarray  # float32 [out]
    colsum: np.ndarray  # int32 [out]

    def dequantize(self) -> np.ndarray:
        return self.codes.astype(np.float32) * self.scale


def quantize_columns(weight: np.ndarray) -> ColumnQuantized:
    """int8 codes with one symmetric scale per column: scale = max |w| / 127 (1 for a zero column), codes rounded
    half to even and saturated at +-127. float32 throughout, so TypeScript can repeat it bit for bit."""
    w = np.ascontiguousarray(weight, dtype=np.float32)
    scale = (np.abs(w).max(axis=0) / np.float32(127.0)).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1.0)).astype(np.float32)
    codes = np.clip(np.rint(w / safe), -127, 127).astype(np.int8)
    return ColumnQuantized(codes, safe, codes.sum(axis=0, dtype=np.int32))


@dataclass(frozen=True)
class Int8Weight:
    """A graph-oriented [in, out] weight's codes (float64, exact), column sums and scales."""

    codes: Tensor
    colsum: Tensor
    scale: Tensor

    @staticmethod
    def of(graph_weight: Tensor) -> "Int8Weight":
        q = quantize_columns(graph_weight.detach().float().numpy())
        return Int8Weight(torch.from_numpy(q.codes.astype(np.float64)), torch.from_numpy(q.colsum.astype(np.float64)),
                          torch.from_numpy(q.scale))


def quantize_tokens(x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(codes, zero point, scale) per row of the last axis, as the graph's nodes compute them (float32, rounding half
    to even): codes and zero point as float64 integers, the scale float32 [..., 1]."""
    x32 = x.float()
    low = torch.minimum(x32.amin(dim=-1, keepdim=True), torch.zeros((), dtype=torch.float32))
    high = torch.maximum(x32.amax(dim=-1, keepdim=True), torch.zeros((), dtype=torch.float32))
    scale = (high - low) / torch.tensor(255.0, dtype=torch.float32)
    safe = torch.where(scale > 0, scale, torch.ones((), dtype=torch.float32))
    zero = torch.clamp(torch.round(-low / safe), 0.0, 255.0)
    codes = torch.clamp(torch.round(x32 / safe) + zero, 0.0, 255.0)
    return codes.double(), zero.double(), safe


def int8_product(x: Tensor, weight: Int8Weight) -> Tensor:
    """x @ W as the graph's MatMulInteger path computes it, float32."""
    codes, zero, scale = quantize_tokens(x)
    exact = codes @ weight.codes - zero * weight.colsum
    return (exact.float() * scale) * weight.scale


@contextmanager
def products_replaced(linear: Callable[[AdaptedLinear, Tensor], Tensor],
                      head: Callable[[CodeLM, Tensor], Tensor]) -> Iterator[None]:
    """Every AdaptedLinear's weight product and the LM's output head computed by `linear` and `head` inside the block
    (the adapter's low-rank delta still added, in float); the methods are restored after."""
    original_adapted, original_logits = AdaptedLinear.adapted, CodeLM.logits

    def adapted(self: AdaptedLinear, x: Tensor, lora: Optional[PreparedLora]) -> Tensor:
        y = linear(self, x)
        delta = lora_delta(x, lora.get(self.target) if lora is not None else None)
        return y if delta is None else y + delta

    AdaptedLinear.adapted, CodeLM.logits = adapted, head  # type: ignore[method-assign]
    try:
        yield
    finally:
        AdaptedLinear.adapted, CodeLM.logits = original_adapted, original_logits  # type: ignore[method-assign]


@contextmanager
def int8_arithmetic(lm: CodeLM) -> Iterator[None]:
    """The LM computes as the 8-bit graph does inside the block; its weights and methods are restored after."""
    linears = {m: Int8Weight.of(m.weight.transpose(0, 1)) for m in lm.modules() if isinstance(m, AdaptedLinear)}
    table = Int8Weight.of(lm.embed.weight.transpose(0, 1))
    saved_embedding = lm.embed.weight.detach().clone()
    with torch.no_grad():
        lm.embed.weight.copy_((table.codes.float() * table.scale).transpose(0, 1))
    try:
        with products_replaced(lambda m, x: int8_product(x, linears[m]).to(x.dtype),
                               lambda _, hidden: int8_product(hidden, table).to(hidden.dtype)):
            yield
    finally:
        with torch.no_grad():
            lm.embed.weight.copy_(saved_embedding)
