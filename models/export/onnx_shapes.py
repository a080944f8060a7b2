"""Graph input/output shapes of an ONNX file, as the manifest records them (numbers, or axis names)."""

from __future__ import annotations

from pathlib import Path

import onnx


def _shape(value: onnx.ValueInfoProto) -> list[int | str]:
    dims: list[int | str] = []
    for dim in value.type.tensor_type.shape.dim:
        dims.append(dim.dim_param if dim.dim_param else int(dim.dim_value))
    return dims


def io_shapes(path: Path) -> tuple[dict[str, list[int | str]], dict[str, list[int | str]]]:
    model = onnx.load(str(path), load_external_data=False)
    initializers = {i.name for i in model.graph.initializer}
    inputs = {v.name: _shape(v) for v in model.graph.input if v.name not in initializers}
    outputs = {v.name: _shape(v) for v in model.graph.output}
    return inputs, outputs
