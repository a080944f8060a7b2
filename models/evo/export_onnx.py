"""Export Code2LoRA-Evo for the browser as three graphs, and register them in the manifest.

    /usr/bin/python3 -m models.evo.export_onnx [--run models/weights/evo.pt]

- `evo_init.onnx`:  `embedding` [E] (the starting snapshot's) -> `state` [Z]
- `evo_step.onnx`:  `state` [Z], `embedding` [E] (a commit's diff) -> `next_state` [Z]
- `evo_heads.onnx`: `state` [Z] -> `lora_A_{m}` [r, d_in], `lora_B_{m}` [d_out, r] (the LM graph's LoRA inputs)

The GRU cell is MatMul/Add/Sigmoid/Tanh/Mul/Sub; LayerNorm is exported at opset 17 as LayerNormalization, which
onnxruntime-web runs on WebGPU. Weights are stored as float16 (rounded first, so the committed reference outputs
use the same numbers); compute is float32. Also writes models/evo/parity/evo.json for the Vitest parity test.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import onnx
import torch
from torch import Tensor, nn

from models.export.fp16_storage import round_to_fp16, store_initializers_as_fp16
from models.export.manifest import register_file, set_section
from models.lm.config import LORA_TARGETS
from models.static.export_onnx import output_names
from models.static.paths import WEIGHTS_DIR

from .model import EvoHypernet
from .paths import PARITY_DIR, PUBLIC_MODELS
from .session import load_evo

OPSET = 17
PARITY_HEAD = 24
GRAPHS = ("evo_init", "evo_step", "evo_heads")


class InitGraph(nn.Module):
    def __init__(self, model: EvoHypernet) -> None:
        super().__init__()
        self.model = model

    def forward(self, embedding: Tensor) -> Tensor:
        return self.model.start(embedding)


class StepGraph(nn.Module):
    def __init__(self, model: EvoHypernet) -> None:
        super().__init__()
        self.model = model

    def forward(self, state: Tensor, embedding: Tensor) -> Tensor:
        return self.model.step(state, embedding)


class HeadsGraph(nn.Module):
    def __init__(self, model: EvoHypernet) -> None:
        super().__init__()
        self.model = model

    def forward(self, state: Tensor) -> tuple[Tensor, ...]:
        pairs = self.model.adapter(state)
        return tuple(t for m in LORA_TARGETS for t in pairs[m])


def _save(module: nn.Module, args: tuple[Tensor, ...], path: Path, inputs: list[str], outputs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), opset_version=OPSET, input_names=inputs, output_names=outputs,
                          do_constant_folding=True)
    graph = onnx.load(str(path))
    store_initializers_as_fp16(graph)
    onnx.checker.check_model(graph)
    onnx.save(graph, str(path))


def export_evo(model: EvoHypernet, folder: Path) -> dict[str, Path]:
    e = torch.zeros(model.embed_dim)
    z = torch.zeros(model.config.state)
    paths = {name: folder / f"{name}.onnx" for name in GRAPHS}
    _save(InitGraph(model), (e,), paths["evo_init"], ["embedding"], ["state"])
    _save(StepGraph(model), (z, e), paths["evo_step"], ["state", "embedding"], ["next_state"])
    _save(HeadsGraph(model), (z,), paths["evo_heads"], ["state"], output_names())
    return paths


def _summary(t: Tensor) -> dict[str, Any]:
    return {"shape": list(t.shape), "head": [float(x) for x in t.flatten()[:PARITY_HEAD]],
            "sum": float(t.double().sum()), "abs_sum": float(t.double().abs().sum())}


def _rounded(t: Tensor) -> Tensor:
    return torch.tensor([round(float(x), 6) for x in t], dtype=torch.float32)


def parity_reference(model: EvoHypernet, steps: int = 3, seed: int = 0) -> dict[str, Any]:
    """A snapshot embedding and a few diff embeddings in the training range, the states after each step, and the
    final adapter (leading values and sums)."""
    g = torch.Generator().manual_seed(seed)
    # Inputs are rounded as the JSON stores them, so both sides start from the same numbers.
    snapshot = _rounded(model.init_input.mean + model.init_input.std * torch.randn(model.embed_dim, generator=g))
    diffs = [_rounded(model.step_input.mean + model.step_input.std * torch.randn(model.embed_dim, generator=g))
             for _ in range(steps)]
    with torch.no_grad():
        z = model.start(snapshot)
        states = [z]
        for d in diffs:
            z = model.step(z, d)
            states.append(z)
        lora = HeadsGraph(model)(z)
    return {
        "input": {"snapshot": [float(x) for x in snapshot], "diffs": [[float(x) for x in d] for d in diffs]},
        "states": [[float(x) for x in s] for s in states],
        "outputs": {name: _summary(t) for name, t in zip(output_names(), lora)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=WEIGHTS_DIR / "evo.pt")
    parser.add_argument("--out", type=Path, default=PUBLIC_MODELS)
    parser.add_argument("--parity", type=Path, default=PARITY_DIR / "evo.json")
    parser.add_argument("--metrics", type=Path, default=None, help="results.json whose evolution numbers to record")
    args = parser.parse_args()
    model, state = load_evo(args.run)
    round_to_fp16(model)
    paths = export_evo(model, args.out)
    args.parity.parent.mkdir(parents=True, exist_ok=True)
    reference = parity_reference(model)
    args.parity.write_text(json.dumps(reference) + "\n")
    manifest = args.out / "manifest.json"
    e, z = [model.embed_dim], [model.config.state]
    lora = {}
    for m in LORA_TARGETS:
        a, b = model.heads.shapes[m]
        lora[f"lora_A_{m}"], lora[f"lora_B_{m}"] = list(a), list(b)
    register_file(manifest, "evo_init", paths["evo_init"], {"embedding": e}, {"state": z})
    register_file(manifest, "evo_step", paths["evo_step"], {"state": z, "embedding": e}, {"next_state": z})
    register_file(manifest, "evo_heads", paths["evo_heads"], {"state": z}, lora)
    set_section(manifest, "config", "evo", {
        "diff_text": "new side of each changed production file's unified diff, 3 lines of context",
        "pooling": "as the snapshot: [importance-weighted mean ; max] of the encoder's vectors of the changed files",
        **state["evo_config"], "heads": state["static_config"]["hypernet"], "encoder": state["static_config"]["encoder"],
        "lm_id": state["lm_id"], "opset": OPSET, "weights": "float16 storage, float32 compute",
        "parameters": int(sum(p.numel() for p in model.parameters()))})
    if args.metrics and args.metrics.exists():
        results = json.loads(args.metrics.read_text())
        evo = results.get("evolution", {}).get("splits", {})
        set_section(manifest, "metrics", "evo", {
            split: {name: s["exact_match"]["mean"] for name, s in evo[split]["systems"].items()} for split in evo})
    print("wrote " + ", ".join(f"{p} ({p.stat().st_size:,} bytes)" for p in paths.values()), flush=True)


if __name__ == "__main__":
    main()
