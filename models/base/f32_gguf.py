"""The pinned GGUF rewritten with every tensor dequantized to float32 (metadata and layout unchanged).

    /usr/bin/python3 -m models.base.f32_gguf   (writes models/.cache/base/<name>/model-f32.gguf, ~540 MB)

llama.cpp's CPU kernels multiply 4-bit weights by activations they round to 8 bits, so on the pinned file its
logits differ from ours by up to about a logit and greedy decoding parts at near ties. Run on this file, llama.cpp
computes in float32 on exactly the weights our checkpoint holds: what is left is the implementation, which is what
the reference check is meant to test (models/base/reference/REFERENCE.md gives both).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .gguf_model import import_reader
from .paths import BASE_CACHE, READER_DIR
from .pins import BasePin


def write_f32(source: Path, out: Path, reader_dir: Path = READER_DIR) -> Path:
    gguf = import_reader(reader_dir)
    reader = gguf.GGUFReader(str(source))
    arch = reader.fields["general.architecture"].contents()
    partial = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(str(partial), arch)
    for field in reader.fields.values():
        # The writer adds the architecture and the GGUF.* header fields itself; file_type no longer holds.
        if field.name in ("general.architecture", "general.file_type") or field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    for tensor in reader.tensors:
        values = np.asarray(gguf.quants.dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
        writer.add_tensor(tensor.name, np.ascontiguousarray(values), raw_dtype=gguf.GGMLQuantizationType.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    partial.replace(out)
    return out


def main() -> None:
    folder = BASE_CACHE / BasePin.load().name
    out = write_f32(folder / "model.gguf", folder / "model-f32.gguf")
    print(f"{out} ({out.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
