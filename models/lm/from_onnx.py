"""Rebuild the PyTorch LM checkpoint from the committed lm.onnx, so the Python pipeline runs on the shipped model.

The pretraining checkpoint is not committed (and pretraining takes most of a session), but lm.onnx carries every
weight: float16 storage of the float16-rounded weights that the browser runs. The exporter names the weights of
each projection only by graph position (`onnx::MatMul_<n>`, stored transposed), so each one is found through the
MatMul node that reads it (`/blocks.<i>/attn/MatMul_<k>`); the rebuilt model is then checked against the committed
parity fixture, which PyTorch computed from the same rounded weights at export time.

    /usr/bin/python3 -m models.lm.from_onnx [--onnx public/models/lm.onnx] [--out models/.cache/lm/from_onnx.pt]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import re
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from models.export.fixtures import FIXTURES, reference_cases

from .config import LMConfig
from .model import CodeLM
from .paths import LM_CACHE, PUBLIC_MODELS

# The LM id that keys every cache and adapter is the checkpoint file's sha256, and torch.save writes the file's stem
# into the archive: the same weights saved under another name get another id. Keep this name.
DEFAULT_OUT = LM_CACHE / "from_onnx.pt"
MANIFEST = PUBLIC_MODELS / "manifest.json"
# The order in which each block's forward multiplies by its weights (models/lm/model.py).
ATTN_ORDER = {"MatMul": "q", "MatMul_3": "k", "MatMul_6": "v", "MatMul_11": "o"}
MLP_ORDER = {"MatMul": "gate", "MatMul_3": "up", "MatMul_6": "down"}
NODE_NAME = re.compile(r"^/blocks\.(\d+)/(attn|mlp)/(MatMul(?:_\d+)?)$")


def _initializers(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    """Every initializer as float32, under the name the graph reads it by (through the float16 Casts)."""
    raw = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    out = {name: values.astype(np.float32) for name, values in raw.items()}
    for node in model.graph.node:
        if node.op_type == "Cast" and node.input[0] in raw:
            out[node.output[0]] = raw[node.input[0]].astype(np.float32)
    return out


def state_dict_from_onnx(model: onnx.ModelProto, config: LMConfig) -> dict[str, torch.Tensor]:
    weights = _initializers(model)
    state: dict[str, torch.Tensor] = {}
    for node in model.graph.node:
        if node.op_type != "MatMul":
            continue
        match = NODE_NAME.match(node.name)
        if not match:
            continue
        layer, part, op = match.groups()
        names = ATTN_ORDER if part == "attn" else MLP_ORDER
        if op not in names:  # the LoRA products
            continue
        source = next((x for x in node.input if x in weights), None)
        if source is None:
            raise ValueError(f"unexpected weight use in {node.name}")
        # MatMul reads W^T (x @ W^T); nn.Linear stores W.
        state[f"blocks.{layer}.{part}.{names[op]}.weight"] = torch.from_numpy(weights[source].T.copy())
    if "embedding.weight_t" not in weights:
        raise ValueError("lm.onnx has no embedding.weight_t initializer")
    state["embed.weight"] = torch.from_numpy(weights["embedding.weight_t"].T.copy())
    for name, values in weights.items():
        if name.startswith("model.") and name.endswith("norm.weight"):
            state[name[len("model."):]] = torch.from_numpy(values.copy())
    expected = set(CodeLM(config).state_dict())
    if set(state) != expected:
        raise ValueError(f"lm.onnx does not map onto the LM: missing {sorted(expected - set(state))[:5]}, "
                         f"extra {sorted(set(state) - expected)[:5]}")
    return state


def _decode(entry: dict[str, object]) -> np.ndarray:
    dims = [int(d) for d in entry["dims"]]  # type: ignore[union-attr]
    return np.frombuffer(base64.b64decode(str(entry["base64"])), dtype="<f4").reshape(dims)


def max_fixture_error(model: CodeLM, fixtures: Path = FIXTURES) -> float:
    """Largest absolute difference between the rebuilt model's reference outputs and the committed fixture's."""
    stored = json.loads(gzip.decompress(fixtures.read_bytes()))
    fresh = reference_cases(model)
    worst = 0.0
    for case in ("prefill_lora", "step_lora", "prefill_base", "encoder"):
        for key, entry in stored[case].items():
            if isinstance(entry, dict) and "base64" in entry:
                worst = max(worst, float(np.abs(_decode(entry) - _decode(fresh[case][key])).max()))
    return worst


def lm_config_from_manifest(manifest: Path = MANIFEST) -> LMConfig:
    values = json.loads(manifest.read_text())["config"]["lm"]
    fields = LMConfig.__dataclass_fields__
    return LMConfig.from_dict({k: v for k, v in values.items() if k in fields})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onnx", type=Path, default=PUBLIC_MODELS / "lm.onnx")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args(argv)
    config = lm_config_from_manifest()
    model = CodeLM(config)
    model.load_state_dict(state_dict_from_onnx(onnx.load(str(args.onnx)), config))
    model.eval()
    error = max_fixture_error(model)
    if error > args.tolerance:
        raise SystemExit(f"rebuilt LM differs from the parity fixture by {error:.3g} (> {args.tolerance})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": config.to_dict(), "model": model.state_dict(), "source": "lm.onnx"}, args.out)
    print(f"{args.out}: rebuilt from {args.onnx.name}, fixture max |diff| {error:.2e}")


if __name__ == "__main__":
    main(sys.argv[1:])
