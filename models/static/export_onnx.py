"""Export the trained Code2LoRA-Static hypernetwork to public/models/hypernet_static.onnx and register it.

    /usr/bin/python3 -m models.static.export_onnx [--run models/weights/static.pt]

Graph: `embedding` [2 * d_model] -> `lora_A_{m}` [r, d_in], `lora_B_{m}` [d_out, r] for m in q,k,v,o,gate,up,down
(the LM graph's own LoRA input names, so the model worker feeds them straight through). Opset 17; only ops that
onnxruntime-web runs on WebGPU (MatMul/Gemm, Erf, ReduceL2, Tanh, Mul, Div, Sub, Reshape). Weights are stored as
float16 (rounded first, so the committed PyTorch reference outputs use the very same numbers); compute is float32.
Also writes the small parity reference (models/static/parity/) that the Vitest parity test checks.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from torch import Tensor, nn

from models.export.fp16_storage import round_to_fp16, store_initializers_as_fp16
from models.export.manifest import register_file, set_section
from models.lm.config import LORA_TARGETS, LMConfig

from .config import StaticConfig
from .hypernet import StaticHypernet
from .paths import PARITY_DIR, PUBLIC_MODELS, WEIGHTS_DIR

OPSET = 17
PARITY_HEAD = 24   # leading values of each output kept in the committed reference


def output_names() -> list[str]:
    return [f"lora_{side}_{m}" for m in LORA_TARGETS for side in ("A", "B")]


class HypernetGraph(nn.Module):
    """The hypernetwork with its outputs as a flat tuple in output_names() order."""

    def __init__(self, hypernet: StaticHypernet) -> None:
        super().__init__()
        self.hypernet = hypernet

    def forward(self, embedding: Tensor) -> tuple[Tensor, ...]:
        pairs = self.hypernet(embedding)
        return tuple(t for m in LORA_TARGETS for t in pairs[m])


def load_hypernet(checkpoint: Path) -> tuple[StaticHypernet, dict[str, Any]]:
    state = torch.load(checkpoint, map_location="cpu")
    if state["method"] != "static":
        raise ValueError(f"{checkpoint} is a {state['method']!r} run, not a hypernetwork")
    lm_config = LMConfig.from_dict(state["lm_config"])
    config = StaticConfig.from_dict(state["static_config"])
    # Runs from before a separate encoder (embed_dim not recorded) embedded with the base itself.
    hypernet = StaticHypernet(int(state.get("embed_dim", 2 * lm_config.d_model)), lm_config, config.hypernet)
    hypernet.load_state_dict(state["state"])
    hypernet.eval()
    return hypernet, state


def export_hypernet(hypernet: StaticHypernet, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(hypernet.embed_dim)
    with torch.no_grad():
        torch.onnx.export(HypernetGraph(hypernet), (example,), str(path), opset_version=OPSET,
                          input_names=["embedding"], output_names=output_names(), do_constant_folding=True)
    model = onnx.load(str(path))
    store_initializers_as_fp16(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def parity_reference(hypernet: StaticHypernet, seed: int = 0) -> dict[str, Any]:
    """A deterministic input in the training embeddings' range, and the PyTorch outputs' shapes, leading values and
    sums (small enough to commit)."""
    generator = torch.Generator().manual_seed(seed)
    embedding = hypernet.input_mean + hypernet.input_std * torch.randn(hypernet.vector_dim, generator=generator)
    if hypernet.vocab:
        counts = torch.poisson(torch.full((hypernet.vocab,), 0.5), generator=generator)
        embedding = torch.cat([embedding, counts])
    with torch.no_grad():
        outputs = HypernetGraph(hypernet)(embedding)
    return {
        "input": {"embedding": [round(float(x), 7) for x in embedding]},
        "outputs": {name: {"shape": list(t.shape), "head": [float(x) for x in t.flatten()[:PARITY_HEAD]],
                           "sum": float(t.double().sum()), "abs_sum": float(t.double().abs().sum())}
                    for name, t in zip(output_names(), outputs)},
    }


def io_shapes(hypernet: StaticHypernet) -> tuple[dict[str, list[int | str]], dict[str, list[int | str]]]:
    outputs: dict[str, list[int | str]] = {}
    for m in LORA_TARGETS:
        a, b = hypernet.shapes[m]
        outputs[f"lora_A_{m}"] = list(a)
        outputs[f"lora_B_{m}"] = list(b)
    return {"embedding": [hypernet.embed_dim]}, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=WEIGHTS_DIR / "static.pt")
    parser.add_argument("--out", type=Path, default=PUBLIC_MODELS / "hypernet_static.onnx")
    parser.add_argument("--parity", type=Path, default=PARITY_DIR / "hypernet_static.json")
    parser.add_argument("--metrics", type=Path, default=None, help="results.json whose static-track numbers to record")
    args = parser.parse_args()
    hypernet, state = load_hypernet(args.run)
    round_to_fp16(hypernet)
    export_hypernet(hypernet, args.out)
    args.parity.parent.mkdir(parents=True, exist_ok=True)
    args.parity.write_text(json.dumps(parity_reference(hypernet), indent=1) + "\n")
    manifest = args.out.parent / "manifest.json"
    inputs, outputs = io_shapes(hypernet)
    register_file(manifest, "hypernet_static", args.out, inputs, outputs)
    set_section(manifest, "config", "hypernet_static", {
        "embedding": "[importance-weighted mean ; max] of the encoder's file vectors", **state["static_config"],
        "lm_id": state["lm_id"], "opset": OPSET, "weights": "float16 storage, float32 compute",
        "parameters": int(sum(p.numel() for p in hypernet.parameters()))})
    if args.metrics and args.metrics.exists():
        results = json.loads(args.metrics.read_text())
        set_section(manifest, "metrics", "hypernet_static", {
            split: {name: s["exact_match"]["mean"] for name, s in results["splits"][split]["systems"].items()}
            for split in ("cr_test", "ir_test") if split in results["splits"]})
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) and {args.parity}", flush=True)


if __name__ == "__main__":
    main()
