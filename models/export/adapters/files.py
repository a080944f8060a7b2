"""Write one adapter as a GGUF LoRA (llama.cpp) and a PEFT folder (adapter_model.safetensors, adapter_config.json),
each naming the repository, the commit, the method and the base model with its sha256; read the PEFT folder back."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from models.base.gguf_model import import_reader
from models.base.paths import READER_DIR
from models.lm.config import LMConfig
from models.lm.lora import LoraWeights

from .layout import PEFT_MODULE, gguf_tensors, peft_tensors, shared_from_peft
from .safetensors_file import read_safetensors, write_safetensors


@dataclass(frozen=True)
class Provenance:
    repository: str
    commit: str
    method: str              # static, evo or single
    base_model: str          # our pinned base's name
    base_model_sha256: str   # of the GGUF file the adapter was made for
    base_model_hub_id: str   # where other tools find the same weights, for adapter_config.json


def file_stem(p: Provenance) -> str:
    repo = re.sub(r"[^A-Za-z0-9._-]+", "-", p.repository).strip("-") or "repository"
    return f"{repo}-{p.commit[:12] or 'worktree'}-{p.method}"


def write_gguf(path: Path, lora: LoraWeights, config: LMConfig, provenance: Provenance) -> Path:
    gguf = import_reader(READER_DIR)
    partial = path.with_name(path.name + ".partial")
    writer = gguf.GGUFWriter(str(partial), "llama")
    writer.add_string("general.type", "adapter")
    writer.add_string("general.name", file_stem(provenance))
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(config.lora_alpha))
    for key, value in asdict(provenance).items():
        writer.add_string(f"code2lora.{key}", value)
    for name, values in gguf_tensors(lora, config).items():
        writer.add_tensor(name, values.astype(np.float32), raw_dtype=gguf.GGMLQuantizationType.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    partial.replace(path)
    return path


def write_peft(folder: Path, lora: LoraWeights, config: LMConfig, provenance: Provenance) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rank = int(next(iter(lora.values()))[0].shape[0])
    write_safetensors(folder / "adapter_model.safetensors", peft_tensors(lora, config),
                      {"format": "pt", **{f"code2lora.{k}": v for k, v in asdict(provenance).items()}})
    adapter_config = {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": provenance.base_model_hub_id,
        "r": rank, "lora_alpha": config.lora_alpha, "lora_dropout": 0.0, "bias": "none", "fan_in_fan_out": False,
        "use_rslora": False, "inference_mode": True,
        "target_modules": sorted(m.split(".")[-1] for m in PEFT_MODULE.values()),
        "code2lora": asdict(provenance),
    }
    (folder / "adapter_config.json").write_text(json.dumps(adapter_config, indent=1) + "\n")
    return folder


def read_peft(folder: Path, config: LMConfig) -> tuple[dict[str, tuple[torch.Tensor, torch.Tensor]], dict[str, str]]:
    """The shared adapter and its provenance from a PEFT folder this module wrote."""
    adapter_config = json.loads((folder / "adapter_config.json").read_text())
    if float(adapter_config["lora_alpha"]) != float(config.lora_alpha):
        raise ValueError(f"{folder} was written for lora_alpha {adapter_config['lora_alpha']}, the LM uses "
                         f"{config.lora_alpha}")
    tensors, metadata = read_safetensors(folder / "adapter_model.safetensors")
    pairs = shared_from_peft(tensors, config)
    return {m: (torch.from_numpy(a), torch.from_numpy(b)) for m, (a, b) in pairs.items()}, metadata
