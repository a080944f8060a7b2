"""Nodes and initializers added to a graph being rewritten (the base's 8-bit and 4-bit graphs): fresh names under a
prefix, and weights inside the graph or as external data of one file at 64-byte aligned offsets."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ALIGN = 64  # every external tensor starts on a 64-byte boundary of the weights file


class GraphBuilder:
    def __init__(self, graph: onnx.GraphProto, location: str | None, prefix: str) -> None:
        self.graph, self.location, self.prefix = graph, location, prefix
        self.count = 0
        self.offset = 0  # bytes of external data written so far
        self.nodes: list[onnx.NodeProto] = []

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{self.prefix}/{hint}_{self.count}"

    def node(self, op: str, inputs: list[str], hint: str, domain: str = "", **attributes: object) -> str:
        out = self.name(hint)
        # No domain field unless one is given: an explicit empty one is serialized, and changes the graph's bytes.
        extra: dict[str, object] = {"domain": domain} if domain else {}
        self.nodes.append(helper.make_node(op, inputs, [out], name=out + "/node", **extra, **attributes))
        return out

    def const(self, value: np.ndarray, hint: str) -> str:
        """A small initializer, always inside the graph."""
        name = self.name(hint)
        self.graph.initializer.append(numpy_helper.from_array(value, name))
        return name

    def weight(self, value: np.ndarray, name: str) -> int:
        """An initializer named `name`: inside the graph (returns -1) or external at the returned offset."""
        self.graph.initializer.append(numpy_helper.from_array(value, name))
        if self.location is None:
            return -1
        init, offset = self.graph.initializer[-1], self.offset
        init.ClearField("raw_data")
        init.data_location = TensorProto.EXTERNAL
        for key, entry in (("location", self.location), ("offset", str(offset)), ("length", str(value.nbytes))):
            item = init.external_data.add()
            item.key, item.value = key, entry
        self.offset += -(-value.nbytes // ALIGN) * ALIGN
        return offset


def copy_without_initializers(model: onnx.ModelProto, names: set[str]) -> onnx.ModelProto:
    """A copy of `model` without the initializers named (the weights a rewrite stores in another form)."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    kept = [i for i in out.graph.initializer if i.name not in names]
    del out.graph.initializer[:]
    out.graph.initializer.extend(kept)
    return out
