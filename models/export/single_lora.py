"""The published single shared LoRA (models/weights/<base>/single.pt) as a graph the browser runs once: no inputs,
the 14 LoRA tensors as outputs (lora_A_<m> [r, d_in], lora_B_<m> [d_out, r]), named as the LM step's LoRA inputs.

The weights are stored as the float16 numbers the scorer loads (publish_weights) and cast to float32 in the graph,
so the browser applies exactly the adapter models.eval.static_eval scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from models.lm.config import LORA_TARGETS

from .export_lm import OPSET


def single_lora_graph(checkpoint: Path, lm_id: str) -> tuple[onnx.ModelProto, dict[str, Any]]:
    """The graph, and what the manifest records of the run (steps, validation loss, where it was trained)."""
    state = torch.load(checkpoint, map_location="cpu")
    if state.get("method") != "single":
        raise ValueError(f"{checkpoint} is a {state.get('method')!r} run, not the single shared LoRA")
    if state.get("lm_id") != lm_id:
        raise ValueError(f"{checkpoint} was trained on LM {state.get('lm_id')}, not on {lm_id}")
    weights = state["state"]
    inits, nodes, outputs = [], [], []
    for m in LORA_TARGETS:
        for part, name in (("a", f"lora_A_{m}"), ("b", f"lora_B_{m}")):
            values = weights[f"{part}.{m}"].to(torch.float16).numpy()
            inits.append(numpy_helper.from_array(np.ascontiguousarray(values), name=f"{name}__fp16"))
            nodes.append(helper.make_node("Cast", [f"{name}__fp16"], [name], to=TensorProto.FLOAT))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(values.shape)))
    graph = helper.make_graph(nodes, "single_lora", [], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="code2lora")
    model.ir_version = 8
    onnx.checker.check_model(model)
    summary = {k: state.get(k) for k in ("steps", "best_step", "best_val_loss", "train_tasks", "train_repos", "finished")}
    summary["rank"] = int(weights["a.q"].shape[0])
    summary["prompt"] = state.get("prompt", "prefix")  # what the LoRA was trained on: the plain or the memory prompt
    return model, summary
