"""Export the trained LM to public/models: lm.onnx, encoder.onnx, parity fixtures, manifest entries.

    /usr/bin/python3 -m models.export.export_lm --checkpoint models/.cache/lm/runs/base/final.pt

Weights are rounded to float16 and stored as float16 (see fp16_storage); the fixtures are computed from the same
rounded weights, so the parity test measures the runtime, not the rounding.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import onnx
import torch

from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.model import CodeLM
from models.data.paths import BINARIES_LOCK, SOURCES_LOCK
from models.lm.paths import CORPUS_DIR, PUBLIC_MODELS, TOKENIZER_JSON

from .fixtures import write_fixtures
from .fp16_storage import round_to_fp16, store_initializers_as_fp16
from .graphs import ChunkEncoder, LMStep, lm_input_names, lm_output_names
from .manifest import register_file, set_section, sha256_of
from .onnx_shapes import io_shapes

OPSET = 17
MAX_TOTAL_MB = 60


def corpus_lock() -> dict[str, Any]:
    """What the training data was: the corpus manifest's summary and the sha256 of the committed lock files."""
    out: dict[str, Any] = {}
    manifest = CORPUS_DIR / "corpus_manifest.json"
    if manifest.exists():
        corpus = json.loads(manifest.read_text())
        out["corpus"] = {k: v for k, v in corpus.items() if k not in ("source_packages", "shards")}
        out["corpus"]["manifest_sha256"] = sha256_of(manifest)
    locks = {p.name: sha256_of(p) for p in (SOURCES_LOCK, BINARIES_LOCK) if p.exists()}
    if locks:
        out["locks"] = {name: {"path": f"models/data/{name}", "sha256": digest} for name, digest in locks.items()}
    return out


def load_model(checkpoint: Path) -> tuple[CodeLM, dict[str, Any]]:
    state = torch.load(checkpoint, map_location="cpu")
    model = CodeLM(LMConfig.from_dict(state["config"]))
    model.load_state_dict(state["model"])
    model.eval()
    round_to_fp16(model)
    return model, state


def _finish(path: Path, output_dims: dict[str, list[int | str]] | None = None) -> None:
    """float16 storage, declared output shapes (the exporter leaves some sizes as generated names), checks."""
    graph = onnx.load(str(path))
    declare_output_dims(graph, output_dims or {})
    store_initializers_as_fp16(graph)
    onnx.checker.check_model(graph)
    onnx.save(graph, str(path))


def declare_output_dims(graph: onnx.ModelProto, output_dims: dict[str, list[int | str]]) -> None:
    for output in graph.graph.output:
        for axis, size in enumerate(output_dims.get(output.name, [])):
            dim = output.type.tensor_type.shape.dim[axis]
            if isinstance(size, int):
                dim.dim_value = size
            else:
                dim.dim_param = size


def export_lm(model: CodeLM, path: Path) -> None:
    trace_lm(model, path)
    _finish(path)


def trace_lm(model: CodeLM, path: Path, last_logits_only: bool = False) -> None:
    """The LM step graph with float32 initializers (callers choose how to store them); `last_logits_only` gives
    logits [batch, 1, vocab] for the last position (graphs.LMStep)."""
    config = model.config
    n, h, dh = config.n_layers, config.kv_heads, config.head_dim
    ids = torch.randint(0, config.vocab_size, (1, 3))
    positions = torch.arange(2, 5).unsqueeze(0)
    past = [torch.randn(1, h, 2, dh) for _ in range(2 * n)]
    lora = [t for m in LORA_TARGETS for t in config.lora_shapes()[m]]
    lora_tensors = [torch.randn(*shape) * 0.01 for shape in lora]
    dynamic: dict[str, dict[int, str]] = {"input_ids": {0: "batch", 1: "seq"}, "position_ids": {0: "batch", 1: "seq"},
                                          "logits": {0: "batch"} if last_logits_only else {0: "batch", 1: "seq"}}
    for i in range(n):
        for kind in ("key", "value"):
            dynamic[f"past_{kind}_{i}"] = {0: "batch", 2: "past_seq"}
            dynamic[f"present_{kind}_{i}"] = {0: "batch", 2: "total_seq"}
    for m in LORA_TARGETS:
        dynamic[f"lora_A_{m}"] = {0: "rank"}
        dynamic[f"lora_B_{m}"] = {1: "rank"}
    with torch.no_grad():
        torch.onnx.export(
            LMStep(model, last_logits_only), (ids, positions, *past, *lora_tensors), str(path), opset_version=OPSET,
            input_names=lm_input_names(n), output_names=lm_output_names(n), dynamic_axes=dynamic,
            do_constant_folding=True,
        )
    if last_logits_only:  # the tracer names the one position after the node that makes it
        graph = onnx.load(str(path))
        declare_output_dims(graph, {"logits": ["batch", 1, config.vocab_size]})
        onnx.save(graph, str(path))


def export_encoder(model: CodeLM, path: Path) -> None:
    ids = torch.randint(0, model.config.vocab_size, (2, 5))
    mask = torch.ones(2, 5, dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(
            ChunkEncoder(model), (ids, mask), str(path), opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["pooled"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "pooled": {0: "batch"}},
            do_constant_folding=True,
        )
    _finish(path, {"pooled": ["batch", model.config.d_model]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=PUBLIC_MODELS)
    parser.add_argument("--metrics", type=Path, help="JSON file of measured metrics to record in the manifest")
    parser.add_argument("--data", type=Path, help="JSON file describing the training data (tokens.json)")
    args = parser.parse_args()

    model, state = load_model(args.checkpoint)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = args.out / "manifest.json"
    lm_path, encoder_path = args.out / "lm.onnx", args.out / "encoder.onnx"
    export_lm(model, lm_path)
    export_encoder(model, encoder_path)
    for name, path in (("lm", lm_path), ("encoder", encoder_path)):
        inputs, outputs = io_shapes(path)
        register_file(manifest, name, path, inputs, outputs)
    tokenizer = args.out / "tokenizer.json"
    if not tokenizer.exists():
        tokenizer.write_bytes(TOKENIZER_JSON.read_bytes())
    register_file(manifest, "tokenizer", tokenizer)

    config = {**model.config.to_dict(), "head_dim": model.config.head_dim, "params": model.num_parameters(),
              "lora_targets": list(LORA_TARGETS), "opset": OPSET, "weights": "float16 storage, float32 compute",
              "special_tokens": {"endoftext": 0, "pad": 1}}
    set_section(manifest, "config", "lm", config)
    training = {k: state.get(k) for k in ("step", "tokens_seen", "elapsed", "best_val", "train_config")}
    data: dict[str, Any] = {"training": training}
    if args.data and args.data.exists():
        data["tokens"] = json.loads(args.data.read_text())
    data.update(corpus_lock())
    set_section(manifest, "data", "lm", data)
    if args.metrics and args.metrics.exists():
        set_section(manifest, "metrics", "lm", json.loads(args.metrics.read_text()))

    write_fixtures(model)
    sizes = {p.name: p.stat().st_size for p in (lm_path, encoder_path, tokenizer)}
    total_mb = sum(sizes.values()) / 1e6
    print(json.dumps({"bytes": sizes, "total_mb": round(total_mb, 2)}))
    if total_mb > MAX_TOTAL_MB:
        raise SystemExit(f"model files total {total_mb:.1f} MB > {MAX_TOTAL_MB} MB")


if __name__ == "__main__":
    main()
