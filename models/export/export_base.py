"""Export the pretrained base (models.base.setup) for the browser: public/models/base/ with lm.onnx, lm.blocks,
tokenizer.json, manifest.json, and the parity fixtures.

    /usr/bin/python3 -m models.export.export_base [--pin models/configs/base_smollm2.json] [--out public/models/base]

The graph is the same LM step as the trained LM's (KV cache, grouped-query attention, LoRA inputs, one tied
embedding); its weights are the GGUF file's own Q4_1 / Q8_0 blocks (lm.blocks), which the app dequantizes into the
graph's external float32 data before it makes the session (gguf_initializers), so the download is about the GGUF's
size and the compute is the float32 model the Python pipeline scores. Nothing here is committed but the fixtures: the setup makes the rest from the pinned package.
Idempotent: a folder already made from the same GGUF by the same exporter version is kept.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch

from models.base.gguf_model import import_reader, our_name, unpermute
from models.base.paths import BASE_CACHE, READER_DIR
from models.base.pins import CONFIGS_DIR, DEFAULT_PIN, BasePin
from models.hashing import sha256_of
from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.model import CodeLM
from models.lm.paths import PUBLIC_MODELS

from .adapters.make import HUB_IDS
from .export_lm import OPSET, trace_lm
from .fixtures import write_fixtures
from models.lm.int8 import int8_arithmetic

from .gguf_initializers import ExternalBlocks, dequantize_external, quantized_weights, store_as_external_blocks
from .int8_graph import Int8Graph, int8_graph
from .q4_graph import Q4Graph, q4_graph
from .manifest import read_manifest, register_file, set_section, write_manifest
from .onnx_shapes import io_shapes
from .single_lora import single_lora_graph

# Bump when the exported graph changes for the same GGUF (a folder made by another version is remade).
# 3: logits of the last position only, the mask and the adapter's transposes made once (models/lm/model.py); the
# scorer's memory and RAG settings in the manifest. 4: the 8-bit WASM graph lm_int8.onnx beside the float one.
EXPORTER_VERSION = 5
BASE_OUT = PUBLIC_MODELS / "base"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "base_parity.json.gz"
INT8_FIXTURES = FIXTURES.with_name("base_int8_parity.json.gz")
INT8_LOCATION = "lm_int8.weights"  # the 8-bit graph's external data, made by the app from lm.blocks
Q4_LOCATION = "lm_q4.weights"  # the 4-bit graph's external data, repacked by the app from lm.blocks
WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
# Shared LoRAs exported where their published weights exist: manifest file name -> weights file. memory_lora is the
# LoRA trained on the tests-in-the-prompt format; the app's memory mode uses it with that prompt.
SHARED_LORAS = {"single_lora": "single.pt", "memory_lora": "single_memory.pt"}
# The base's scorer settings: the app's memory and RAG prompts must be the ones the Python scorer measured.
EVAL_CONFIG = CONFIGS_DIR / "static_eval_smollm2.json"


def load_base(folder: Path) -> CodeLM:
    state = torch.load(folder / "lm.pt", map_location="cpu")
    model = CodeLM(LMConfig.from_dict(state["config"]))
    model.load_state_dict(state["model"])
    return model.eval()


def gguf_blocks(folder: Path, config: LMConfig) -> dict[str, Any]:
    gguf = import_reader(READER_DIR)
    reader = gguf.GGUFReader(str(folder / "model.gguf"))

    def rows_in_our_order(name: str, blocks: np.ndarray) -> np.ndarray:
        if name.endswith("attn.q.weight"):
            return unpermute(blocks, config.n_heads)
        if name.endswith("attn.k.weight"):
            return unpermute(blocks, config.kv_heads)
        return blocks

    return quantized_weights(reader, our_name, rows_in_our_order)


def export_int8_graph(float_graph: onnx.ModelProto, external: ExternalBlocks, path: Path) -> Int8Graph:
    """The 8-bit WASM graph of the float one (models/export/int8_graph.py), its weights external data the app makes
    from the same blocks; checked by onnx with the weights inside before they go out."""
    floats = dequantize_external(external.blocks, external.tensors)
    onnx.checker.check_model(int8_graph(float_graph, floats, external.tensors).model)
    made = int8_graph(float_graph, floats, external.tensors, location=INT8_LOCATION)
    onnx.save(made.model, str(path))
    return made


def export_q4_graph(float_graph: onnx.ModelProto, external: ExternalBlocks, path: Path) -> Q4Graph:
    """The 4-bit WebGPU graph of the float one (models/export/q4_graph.py), its weights external data the app
    repacks from the same blocks; checked by onnx with the weights inside before they go out."""
    onnx.checker.check_model(q4_graph(float_graph, external.blocks, external.tensors).model)
    made = q4_graph(float_graph, external.blocks, external.tensors, location=Q4_LOCATION)
    onnx.save(made.model, str(path))
    return made


def export_graph(model: CodeLM, folder: Path, path: Path, blocks_path: Path) -> tuple[ExternalBlocks, dict[str, int]]:
    """Traces the LM step to `path`, its quantized weights as GGUF blocks in `blocks_path`; returns how to expand
    them and how many weights of each kind there are."""
    trace_lm(model, path, last_logits_only=True)
    graph = onnx.load(str(path))
    weights = gguf_blocks(folder, model.config)
    # Checked before its weights go external: the checker would look for lm.weights, which is never written.
    onnx.checker.check_model(graph)
    external = store_as_external_blocks(graph, weights)
    onnx.save(graph, str(path))
    blocks_path.write_bytes(external.blocks)
    kinds: dict[str, int] = {}
    for weight in weights.values():
        kinds[weight.kind] = kinds.get(weight.kind, 0) + 1
    return external, kinds


def manifest_config(pin: BasePin, base: dict[str, Any], kinds: dict[str, int]) -> dict[str, Any]:
    """The manifest's config.lm: the shapes the TypeScript feeds need, and where the weights came from."""
    config = LMConfig.from_dict(base["config"])
    return {
        **config.to_dict(), "head_dim": config.head_dim, "params": base["parameters"],
        "lora_targets": list(LORA_TARGETS), "opset": OPSET,
        "weights": "GGUF blocks (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
                   + ") in lm.blocks, dequantized by the app into the graph's external float32 data; float32 compute",
        "wasm": "lm_int8.onnx: the same weights requantized by the app to int8 per output column, activations uint8 "
                "per token (models/base/INT8.md)",
        "webgpu": "lm_q4.onnx: the Q4_1 weights as their own 4-bit codes (MatMulNBits, repacked by the app), the Q8_0 "
                  "embedding expanded to float32; the float model's arithmetic in another order of sums",
        "special_tokens": {"endoftext": base["special_ids"]["eot"]},
        "logits": "last position only",
        # The id the Python scorer keys its results by (models.static.frozen_lm: the checkpoint's sha256, cut).
        "lm_id": base["files"]["lm.pt"][:16],
        "base": {"name": pin.name, "package": base["package"], "license": base["license"],
                 "gguf_sha256": base["gguf_sha256"], "hub_id": HUB_IDS.get(pin.name, ""),
                 "exporter_version": EXPORTER_VERSION},
    }


def prompt_sections(eval_config: Path = EVAL_CONFIG) -> dict[str, Any]:
    """The manifest's config.memory and config.rag (src/engine/completer/config.ts reads them)."""
    settings = json.loads(eval_config.read_text())
    return {"memory": settings["memory"], "rag": settings["rag"]}


def up_to_date(out: Path, pin: BasePin, base: dict[str, Any]) -> bool:
    """Whether `out` holds this exporter's files for this GGUF, unchanged since they were written."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return False
    made = read_manifest(manifest)
    config = made.get("config", {}).get("lm", {})
    if config != manifest_config(pin, base, _kinds(base)):
        return False
    if any(made.get("config", {}).get(name) != value for name, value in prompt_sections().items()):
        return False
    for name, file in SHARED_LORAS.items():
        weights = WEIGHTS / pin.name / file
        if weights.exists() != (name in made["files"]):
            return False
        if weights.exists() and made.get("config", {}).get(name, {}).get("weights_sha256") != sha256_of(weights):
            return False
    return all((out / f["path"]).exists() and sha256_of(out / f["path"]) == f["sha256"] for f in made["files"].values())


def _kinds(base: dict[str, Any]) -> dict[str, int]:
    """How many weights are stored as blocks of each kind (the file's quantized tensors)."""
    return {k: n for k, n in base["quantization"].items() if k in ("Q4_1", "Q8_0")}


def export_base(pin: BasePin, out: Path = BASE_OUT, fixtures: Path = FIXTURES,
                int8_fixtures: Path = INT8_FIXTURES) -> Path:
    folder = BASE_CACHE / pin.name
    base = json.loads((folder / "base.json").read_text())
    if up_to_date(out, pin, base):
        return out
    model = load_base(folder)
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    manifest = staging / "manifest.json"
    write_manifest(manifest, read_manifest(manifest))
    external, kinds = export_graph(model, folder, staging / "lm.onnx", staging / "lm.blocks")
    if kinds != _kinds(base):
        raise ValueError(f"stored {kinds} quantized weights but the file has {_kinds(base)}")
    quantized = export_int8_graph(onnx.load(str(staging / "lm.onnx"), load_external_data=False), external,
                                  staging / "lm_int8.onnx")
    four_bit = export_q4_graph(onnx.load(str(staging / "lm.onnx"), load_external_data=False), external,
                               staging / "lm_q4.onnx")
    inputs, outputs = io_shapes(staging / "lm.onnx")
    register_file(manifest, "lm_blocks", staging / "lm.blocks")
    register_file(manifest, "lm_int8", staging / "lm_int8.onnx", inputs, outputs,
                  quantized.manifest_entry("lm_blocks", INT8_LOCATION))
    register_file(manifest, "lm_q4", staging / "lm_q4.onnx", inputs, outputs,
                  four_bit.manifest_entry("lm_blocks", Q4_LOCATION))
    register_file(manifest, "lm", staging / "lm.onnx", inputs, outputs, external.manifest_entry("lm_blocks"),
                  on_wasm="lm_int8", on_webgpu="lm_q4")
    shutil.copyfile(folder / "tokenizer.json", staging / "tokenizer.json")
    register_file(manifest, "tokenizer", staging / "tokenizer.json")
    set_section(manifest, "config", "lm", manifest_config(pin, base, kinds))
    for name, value in prompt_sections().items():
        set_section(manifest, "config", name, value)
    for name, file in SHARED_LORAS.items():
        weights = WEIGHTS / pin.name / file
        if not weights.exists():
            continue
        graph, summary = single_lora_graph(weights, base["files"]["lm.pt"][:16])
        onnx.save(graph, str(staging / f"{name}.onnx"))
        inputs, outputs = io_shapes(staging / f"{name}.onnx")
        register_file(manifest, name, staging / f"{name}.onnx", inputs, outputs)
        set_section(manifest, "config", name, {**summary, "weights": f"models/weights/{pin.name}/{file}",
                                                "weights_sha256": sha256_of(weights)})
    write_fixtures(model, fixtures)
    with int8_arithmetic(model):
        write_fixtures(model, int8_fixtures)
    shutil.rmtree(out, ignore_errors=True)
    staging.replace(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pin", type=Path, default=DEFAULT_PIN)
    parser.add_argument("--out", type=Path, default=BASE_OUT)
    args = parser.parse_args()
    torch.manual_seed(0)  # the trace's example inputs; the graph does not depend on them
    out = export_base(BasePin.load(args.pin), args.out)
    sizes = {f["path"]: f["bytes"] for f in read_manifest(out / "manifest.json")["files"].values()}
    print(json.dumps({"out": str(out.relative_to(PUBLIC_MODELS.parent.parent)) if out.is_relative_to(PUBLIC_MODELS.parent.parent) else str(out),
                      "bytes": sizes, "total_mb": round(sum(sizes.values()) / 1e6, 1)}))


if __name__ == "__main__":
    main()
