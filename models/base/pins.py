"""The pinned base-model package: which registry package carries the weights, and the hashes that prove it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.lm.paths import MODELS_DIR

CONFIGS_DIR = MODELS_DIR / "configs"
DEFAULT_PIN = CONFIGS_DIR / "base_smollm2.json"


@dataclass(frozen=True)
class WheelPin:
    package: str
    version: str
    wheel: str
    wheel_sha256: str


@dataclass(frozen=True)
class BasePin:
    name: str
    model: WheelPin
    member: str          # the GGUF file's path inside the wheel
    gguf_sha256: str
    license: str
    reader: WheelPin     # the `gguf` package that reads the file (pure Python)
    lora_alpha: float
    lora_rank: int

    @classmethod
    def load(cls, path: Path = DEFAULT_PIN) -> "BasePin":
        v = json.loads(path.read_text())
        model = WheelPin(v["package"], v["version"], v["wheel"], v["wheel_sha256"])
        r = v["reader"]
        return cls(v["name"], model, v["member"], v["gguf_sha256"], v["license"],
                   WheelPin(r["package"], r["version"], r["wheel"], r["wheel_sha256"]),
                   float(v["lora_alpha"]), int(v["lora_rank"]))
