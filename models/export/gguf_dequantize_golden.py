"""Golden cases for expanding GGUF blocks into a graph's external float32 data (gguf_initializers and its TypeScript
twin, src/engine/gguf-dequantize.ts): small Q4_1 and Q8_0 weights, plain and transposed, one of them used twice,
with random scales and the float16 extremes (largest, subnormal, negative zero), and the float32 values the Python
side computes, as their bit patterns.

    /usr/bin/python3 -m models.export.gguf_dequantize_golden   (rewrites models/export/golden/gguf_dequantize.json)
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.lm.config import LMConfig
from models.lm.model import CodeLM

from .gguf_initializers import BLOCK, Q4_1_BYTES, Q8_0_BYTES, ExternalTensor, QuantizedWeight, dequantize_external

GOLDEN = Path(__file__).resolve().parent / "golden" / "gguf_dequantize.json"
EXTREMES = np.array([65504.0, -65504.0, 6e-8, -6e-8, 6.1e-5, -0.0, 0.0, 1.0], dtype=np.float16)


def random_blocks(kind: str, rows: int, cols: int, rng: np.random.Generator,
                  pinned: np.ndarray = EXTREMES[:0]) -> np.ndarray:
    """Valid blocks: random codes, finite float16 scales (and minima), the first of them set to `pinned`."""
    nb = cols // BLOCK
    per = Q4_1_BYTES if kind == "Q4_1" else Q8_0_BYTES
    raw = rng.integers(0, 256, size=(rows, nb, per), dtype=np.uint8)
    halves = 2 if kind == "Q4_1" else 1
    scales = rng.uniform(-0.05, 0.05, size=(rows, nb, halves)).astype(np.float16)
    flat = scales.reshape(-1)
    flat[: min(len(pinned), flat.size)] = pinned[: flat.size]
    raw[:, :, : 2 * halves] = flat.reshape(rows, nb, halves).view(np.uint8).reshape(rows, nb, 2 * halves)
    return raw.reshape(rows, nb * per)


def quantized_model(config: LMConfig, seed: int) -> tuple[CodeLM, dict[str, QuantizedWeight]]:
    """A random LM whose projections (Q4_1) and embedding (Q8_0) hold exactly dequantized random blocks."""
    torch.manual_seed(0)
    model = CodeLM(config).eval()
    rng = np.random.default_rng(seed)
    weights: dict[str, QuantizedWeight] = {}
    state = model.state_dict()
    for name, tensor in state.items():
        if tensor.dim() != 2:
            continue
        kind = "Q8_0" if name == "embed.weight" else "Q4_1"
        rows, cols = tensor.shape
        weights[name] = QuantizedWeight(kind, rows, cols, random_blocks(kind, rows, cols, rng))
        state[name] = torch.from_numpy(weights[name].dequantize())
    model.load_state_dict(state)
    return model, weights


def golden() -> dict[str, Any]:
    rng = np.random.default_rng(7)
    weights = [("Q4_1", 6, 64), ("Q8_0", 4, 96), ("Q4_1", 3, 32)]
    blocks: list[bytes] = []
    offsets: list[int] = []
    for kind, rows, cols in weights:
        offsets.append(sum(map(len, blocks)))
        blocks.append(random_blocks(kind, rows, cols, rng, EXTREMES).tobytes())
    uses = [(0, False), (1, True), (0, True), (2, False), (1, False)]
    tensors: list[ExternalTensor] = []
    data_offset = 0
    for i, (weight, transpose) in enumerate(uses):
        kind, rows, cols = weights[weight]
        tensors.append(ExternalTensor(f"w{i}", kind, rows, cols, transpose, offsets[weight], data_offset))
        data_offset += 4 * rows * cols
    raw = b"".join(blocks)
    values = dequantize_external(raw, tensors)
    data = b"".join(values[t.tensor].astype(np.float32).tobytes() for t in tensors)
    return {"blocks_base64": base64.b64encode(raw).decode(), "bytes": data_offset,
            "tensors": [t.to_dict() for t in tensors], "data_base64": base64.b64encode(data).decode()}


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(golden(), indent=1) + "\n")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
