"""Golden cases for the 4-bit WebGPU graph, checked by src/engine/q4-nbits.test.ts and src/cli/lm-q4.test.ts:

- `parts`: random Q4_1 and Q8_0 blocks (float16 extremes among their scales) and the external data Python writes
  for them in the q4-nbits format (repacked codes, d, m + 8 d; the Q8_0 weight as float32), which the TypeScript
  expansion must reproduce byte for byte;
- `graph`: a tiny LM (one layer, grouped-query attention, tied embedding) holding exactly dequantized blocks,
  traced, rewritten by q4_graph with its weights external, and the float model's logits for a 5-token prefill with
  the pattern LoRA and for the last token as a KV-cache step: onnxruntime-web must compute them within float error.

    /usr/bin/python3 -m models.export.q4_golden   (rewrites models/export/golden/q4_graph.json)
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from .gguf_dequantize_golden import EXTREMES, random_blocks
from .gguf_initializers import ExternalBlocks, ExternalTensor
from .int8_golden import _b64, tiny_graph_case, write_golden
from .q4_graph import q4_graph

GOLDEN = Path(__file__).resolve().parent / "golden" / "q4_graph.json"
LOCATION = "lm_q4.weights"


def parts_case() -> dict[str, Any]:
    """Blocks and the q4-nbits data Python writes for them (through the graph rewrite's own layout)."""
    rng = np.random.default_rng(12)
    weights = [("Q4_1", 6, 64), ("Q8_0", 5, 96), ("Q4_1", 3, 96)]
    blocks = [random_blocks(kind, rows, cols, rng, EXTREMES) for kind, rows, cols in weights]
    offsets = np.cumsum([0] + [b.nbytes for b in blocks])[:-1]
    raw = b"".join(b.tobytes() for b in blocks)
    tensors = [ExternalTensor(f"w{i}", kind, rows, cols, True, int(offsets[i]), 0)
               for i, (kind, rows, cols) in enumerate(weights)]
    # A graph of one product per weight, so q4_graph lays the data out as it does for the LM.
    nodes, inits = [], []
    for t in tensors:
        nodes.append(onnx.helper.make_node("MatMul", ["x" if t.cols == 64 else "x96", t.tensor], [f"y_{t.tensor}"]))
        inits.append(onnx.numpy_helper.from_array(np.zeros((t.cols, t.rows), np.float32), t.tensor))
    graph = onnx.helper.make_model(onnx.helper.make_graph(nodes, "parts", [], [], inits))
    made = q4_graph(graph, raw, tensors, location=LOCATION)
    inside = {i.name: onnx.numpy_helper.to_array(i) for i in q4_graph(graph, raw, tensors).model.graph.initializer}
    data = np.zeros(made.data_bytes, np.uint8)
    for init in made.model.graph.initializer:
        if init.data_location != onnx.TensorProto.EXTERNAL:
            continue
        fields = {e.key: e.value for e in init.external_data}
        at, length = int(fields["offset"]), int(fields["length"])
        data[at:at + length] = np.frombuffer(inside[init.name].tobytes(), np.uint8)
    entry = made.manifest_entry("lm_blocks", LOCATION)
    return {"blocks_base64": _b64(raw), "bytes": entry["bytes"], "format": entry["format"],
            "tensors": entry["tensors"], "data_base64": _b64(data.tobytes())}


def graph_case() -> dict[str, Any]:
    """The float model's numbers: the 4-bit graph is that model, in another order of sums."""
    def rewrite(graph: onnx.ModelProto, external: ExternalBlocks) -> Any:
        return q4_graph(graph, external.blocks, external.tensors, location=LOCATION)

    return tiny_graph_case(rewrite, lambda _: contextlib.nullcontext(), LOCATION)


def golden() -> dict[str, Any]:
    return {"parts": parts_case(), "graph": graph_case()}


def main() -> None:
    write_golden(GOLDEN, golden())


if __name__ == "__main__":
    main()
