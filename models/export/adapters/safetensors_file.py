"""The safetensors container (an 8-byte little-endian header length, a JSON header, then the raw tensors).

Float32 only: adapters are small and other tools cast on load. Written by hand because the format is a page long and
no maintained reader ships with Debian; PEFT and transformers read what this writes.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

ALIGN = 8


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    header: dict[str, object] = {"__metadata__": dict(metadata)}
    offset = 0
    blobs: list[bytes] = []
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % ALIGN)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    partial.replace(path)


def read_safetensors(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    data = path.read_bytes()
    if len(data) < 8:
        raise ValueError(f"{path} is too short to be a safetensors file")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise ValueError(f"{path}: header length {length} runs past the end of the file")
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = memoryview(data)[8 + length:]
    tensors: dict[str, np.ndarray] = {}
    for name, spec in header.items():
        if spec["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {spec['dtype']}; this reader takes F32")
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype="<f4").reshape(spec["shape"]).copy()
    return tensors, metadata
