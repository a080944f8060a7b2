"""Golden cases for the 8-bit WASM graph, checked by src/engine/int8-columns.test.ts and src/cli/lm-int8.test.ts:

- `columns`: random Q4_1 and Q8_0 blocks (float16 extremes among their scales, an all-zero weight) and the
  external data Python makes from them in the int8-columns format (codes, column scales, column sums), which the
  TypeScript expansion must reproduce byte for byte;
- `graph`: a tiny LM (one layer, grouped-query attention, tied embedding) holding exactly dequantized blocks,
  traced, rewritten by int8_graph with its weights external, and the logits and last present key that
  models/lm/int8.py computes for a 5-token prefill with the pattern LoRA, and for the last token as a KV-cache
  step after the other four: onnxruntime-web must compute the same.

    /usr/bin/python3 -m models.export.int8_golden   (rewrites models/export/golden/int8_graph.json)
"""

from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path
from typing import Any, Callable, ContextManager

import numpy as np
import onnx
import torch

from models.lm.config import LMConfig
from models.lm.int8 import int8_arithmetic, quantize_columns
from models.lm.model import CodeLM

from .export_lm import trace_lm
from .gguf_dequantize_golden import EXTREMES, quantized_model, random_blocks
from .gguf_initializers import (ExternalBlocks, ExternalTensor, QuantizedWeight, dequantize_external,
                                store_as_external_blocks)
from .int8_graph import ALIGN, FORMAT, int8_graph
from .lora_pattern import pattern_lora

GOLDEN = Path(__file__).resolve().parent / "golden" / "int8_graph.json"
LOCATION = "lm_int8.weights"
TINY = LMConfig(vocab_size=256, d_model=64, n_layers=1, n_heads=4, n_kv_heads=2, d_ff=96, max_seq_len=32)
TOKENS = [17, 200, 42, 255, 1]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _floats(values: torch.Tensor | np.ndarray) -> dict[str, Any]:
    array = np.ascontiguousarray(values.detach().numpy() if isinstance(values, torch.Tensor) else values, np.float32)
    return {"dims": list(array.shape), "base64": _b64(array.astype("<f4").tobytes())}


def columns_case() -> dict[str, Any]:
    """Blocks and the int8-columns data Python writes for them."""
    rng = np.random.default_rng(11)
    weights = [("Q4_1", 6, 64), ("Q8_0", 5, 96), ("Q4_1", 3, 32)]
    blocks = [random_blocks(kind, rows, cols, rng, EXTREMES) for kind, rows, cols in weights]
    blocks[2][:] = 0  # scales and minima of zero: an all-zero weight, whose columns keep a scale of 1
    offsets = np.cumsum([0] + [b.nbytes for b in blocks])[:-1]
    raw = b"".join(b.tobytes() for b in blocks)
    tensors, data_offset = [], 0
    for i, (kind, rows, cols) in enumerate(weights):
        t = ExternalTensor(f"w{i}", kind, rows, cols, True, int(offsets[i]), 0)
        q = quantize_columns(dequantize_external(raw, [t])[t.tensor])
        layout = {}
        for part, value in (("data_offset", q.codes), ("scale_offset", q.scale), ("colsum_offset", q.colsum)):
            layout[part] = data_offset
            data_offset += -(-value.nbytes // ALIGN) * ALIGN
        tensors.append((t, q, layout))
    data = np.zeros(data_offset, np.uint8)
    for _, q, layout in tensors:
        for part, value in (("data_offset", q.codes), ("scale_offset", q.scale), ("colsum_offset", q.colsum)):
            data[layout[part]:layout[part] + value.nbytes] = np.frombuffer(value.tobytes(), np.uint8)
    return {"blocks_base64": _b64(raw), "bytes": data_offset, "format": FORMAT,
            "tensors": [{**t.to_dict(), **layout} for t, _, layout in tensors], "data_base64": _b64(data.tobytes())}


def tiny_quantized_model() -> tuple[CodeLM, dict[str, QuantizedWeight]]:
    return quantized_model(TINY, 3)


def tiny_graph_case(rewrite: Callable[[onnx.ModelProto, ExternalBlocks], Any],
                    arithmetic: Callable[[CodeLM], ContextManager[object]], location: str) -> dict[str, Any]:
    """The tiny LM traced, its graph rewritten by `rewrite` (weights external at `location`), and the logits and last
    present key the PyTorch LM computes under `arithmetic` for the prompt as a prefill, and for its last token as a
    KV-cache step on top of the others (one row, quantized on its own where the arithmetic quantizes)."""
    model, weights = tiny_quantized_model()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lm.onnx"
        trace_lm(model, path)
        float_graph = onnx.load(str(path))
    external = store_as_external_blocks(float_graph, weights)
    made = rewrite(float_graph, external)
    lora = pattern_lora(TINY)
    tokens = torch.tensor([TOKENS])
    with torch.no_grad(), arithmetic(model):
        logits, presents = model(tokens, torch.arange(len(TOKENS)).unsqueeze(0), None, lora)
        _, past = model(tokens[:, :-1], torch.arange(len(TOKENS) - 1).unsqueeze(0), None, lora)
        step, _ = model(tokens[:, -1:], torch.tensor([[len(TOKENS) - 1]]), past, lora)
    return {"config": {"lm": {**TINY.to_dict(), "head_dim": TINY.head_dim}}, "lora_rank": TINY.lora_rank,
            "onnx_base64": _b64(made.model.SerializeToString()), "blocks_base64": _b64(external.blocks),
            "external": made.manifest_entry("lm_blocks", location), "tokens": TOKENS,
            "logits": _floats(logits), "present_key_last": _floats(presents[-1][0]), "step_logits": _floats(step)}


def graph_case() -> dict[str, Any]:
    def rewrite(graph: onnx.ModelProto, external: ExternalBlocks) -> Any:
        floats = dequantize_external(external.blocks, external.tensors)
        return int8_graph(graph, floats, external.tensors, location=LOCATION)

    return tiny_graph_case(rewrite, int8_arithmetic, LOCATION)


def golden() -> dict[str, Any]:
    return {"columns": columns_case(), "graph": graph_case()}


def write_golden(path: Path, cases: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main() -> None:
    write_golden(GOLDEN, golden())


if __name__ == "__main__":
    main()
