"""llama.cpp loads our GGUF adapter and continues like our LM with the same adapter (the real pinned base, a seeded
random adapter large enough to change what the base writes; scripts/test-all.sh installs the runner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from models.base.f32_gguf import write_f32
from models.base.paths import BASE_CACHE
from models.base.pins import BasePin
from models.base.reference_check import PROMPTS
from models.lm.lora import random_lora
from models.static.frozen_lm import load_frozen_lm

from .files import Provenance, write_gguf
from .reference_check import RUNNER, greedy, run_llama

PIN = BasePin.load()
FOLDER = BASE_CACHE / PIN.name
STEPS = 12


def test_llama_cpp_with_our_adapter_continues_like_our_lm(tmp_path: Path) -> None:
    if not (FOLDER / "lm.pt").exists():
        pytest.fail(f"the base is not set up: run /usr/bin/python3 -m models.base.setup ({FOLDER} is missing)")
    if not (RUNNER.parent / "node_modules" / "node-llama-cpp").is_dir():
        pytest.fail("llama.cpp runner not installed: run `npm install` in scripts/llama-reference")
    f32 = FOLDER / "model-f32.gguf"
    if not f32.exists():
        write_f32(FOLDER / "model.gguf", f32)
    lm, _ = load_frozen_lm(FOLDER / "lm.pt")
    lora = random_lora(lm.config, 0.05, torch.Generator().manual_seed(1), rank=PIN.lora_rank)
    adapter = write_gguf(tmp_path / "adapter.gguf", lora, lm.config,
                         Provenance("test/repo", "0" * 40, "single", PIN.name, PIN.gguf_sha256, "test"))
    prompts = [{k: p[k] for k in ("id", "text", "ids")} for p in json.loads(PROMPTS.read_text())["prompts"][:4]]
    theirs = run_llama(f32, adapter, prompts, STEPS)
    ours = {p["id"]: greedy(lm, p["ids"], lora, STEPS) for p in prompts}
    base = {p["id"]: greedy(lm, p["ids"], None, STEPS) for p in prompts}
    assert ours == theirs
    assert sum(ours[i] != base[i] for i in ours) >= 2      # the adapter changed what was written
