"""Store an ONNX graph's large float32 initializers as float16 with a Cast back to float32 in the graph.

Halves the download; onnxruntime folds the Casts into float32 constants when it loads the session, so compute stays
float32. Callers round the PyTorch weights to float16 first (see round_to_fp16) so that the reference outputs and
the stored graph use the very same numbers.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper


def round_to_fp16(module: torch.nn.Module) -> None:
    """Round every floating parameter to the nearest float16 value (kept as float32)."""
    with torch.no_grad():
        for p in module.parameters():
            if p.is_floating_point():
                p.copy_(p.half().float())


def store_initializers_as_fp16(model: onnx.ModelProto, min_elements: int = 1024) -> int:
    """Convert float32 initializers with at least min_elements to float16 + Cast; returns how many were converted."""
    graph = model.graph
    kept, casts, converted = [], [], 0
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elements:
            values = numpy_helper.to_array(init)
            half = numpy_helper.from_array(values.astype(np.float16), name=f"{init.name}__fp16")
            kept.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=f"{init.name}__cast"))
            converted += 1
        else:
            kept.append(init)
    replace_initializers(graph, kept, casts)
    return converted


def replace_initializers(graph: onnx.GraphProto, initializers: list[TensorProto], nodes_first: list[onnx.NodeProto]) -> None:
    """The graph's initializers become `initializers`, and `nodes_first` (which compute the replaced ones from them)
    go ahead of its nodes, so the node list stays in topological order."""
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes_first + nodes)
